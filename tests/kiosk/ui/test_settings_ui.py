"""The [ui] table: defaults, the window size per orientation, and clear refusals."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kiosk.settings import Settings
from kiosk.settings.ui import UiSection


def test_defaults_offer_five_languages_in_portrait() -> None:
    ui = Settings().ui
    assert ui.languages == ("lt", "en", "ru", "uk", "pl")
    assert ui.size == (1080, 1920)
    assert UiSection(orientation="landscape").size == (1920, 1080)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"languages": ()}, "at least one"),
        ({"languages": ("lt", "lt")}, "twice"),
        ({"languages": ("lt", "de")}, "lt"),
        ({"idle_timeout_s": 30, "warning_s": 30}, "shorter than idle_timeout_s"),
        ({"orientation": "sideways"}, "portrait"),
        ({"colour": "red"}, "Extra inputs"),
    ],
)
def test_wrong_values_are_refused_with_a_reason(values: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        UiSection(**values)
