"""The gettext catalogues: read from .po without a compile step, Lithuanian and English
complete for every text the receipt uses, Lithuanian's three plural forms."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from kiosk import i18n
from kiosk.core import receipt_delivery, receipts

SOURCES = (Path(receipts.__file__), Path(receipt_delivery.__file__))
_CALL = re.compile(r'gettext\(\s*"((?:[^"\\]|\\.)*)"')


def used_msgids() -> set[str]:
    return {m for path in SOURCES for m in _CALL.findall(path.read_text(encoding="utf-8"))}


def catalog(lang: str):
    path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "kiosk.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def test_lt_and_en_translate_every_receipt_text() -> None:
    used = used_msgids()
    assert len(used) > 20
    for lang in ("lt", "en"):
        entries = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog(lang) if m.id}
        missing = used - set(entries)
        assert not missing, f"{lang}: {sorted(missing)}"
        untranslated = [k for k, m in entries.items() if not all(_strings(m.string))]
        assert not untranslated, f"{lang}: {untranslated}"


def _strings(value: object) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)  # type: ignore[return-value]


def test_lithuanian_plural_forms() -> None:
    lt = i18n.Catalogs().translator("lt")
    forms = [lt.ngettext("%(count)d payment", "%(count)d payments", n) for n in (1, 3, 12, 101)]
    assert forms == [
        "%(count)d mokėjimas",
        "%(count)d mokėjimai",
        "%(count)d mokėjimų",
        "%(count)d mokėjimas",
    ]


def test_unknown_language_falls_back_to_english_source() -> None:
    catalogs = i18n.Catalogs()
    assert catalogs.translator("xx").gettext("Paid") == "Paid"
    assert {"lt", "en"} <= set(catalogs.languages())
    assert catalogs.translator("lt") is catalogs.translator("lt")
