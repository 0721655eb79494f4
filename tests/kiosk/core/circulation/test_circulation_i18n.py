"""Every circulation notice (text and where to go) is in the Lithuanian and English
catalogues, and Lithuanian really translates it."""

from __future__ import annotations

import pytest

from kiosk.core.circulation.notices import MESSAGES, Notice
from kiosk.i18n import Catalogs

TEXTS = sorted({text for pair in MESSAGES.values() for text in pair if text})


@pytest.mark.parametrize("msgid", TEXTS)
def test_lithuanian_translates_every_notice(msgid: str) -> None:
    catalogs = Catalogs()
    assert catalogs.translator("lt").gettext(msgid) != msgid
    assert catalogs.translator("en").gettext(msgid) == msgid


def test_a_notice_with_an_unknown_key_is_a_bug() -> None:
    with pytest.raises(ValueError):
        Notice("patron.nonexistent")
    assert Notice("item.hold_shelf").where == "Please leave it on the hold shelf."
