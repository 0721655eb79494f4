"""The five catalogues (lt, en, ru, uk, pl): every patron-facing text the code can show is
extracted with Babel and found translated in all five, with the same placeholders; plural
forms are right for each language; money, numbers and dates are written per language."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from kiosk import i18n
from kiosk.core.circulation.notices import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    *sorted((ROOT / "kiosk" / "ui").rglob("*.py")),
    ROOT / "kiosk" / "core" / "receipts.py",
    ROOT / "kiosk" / "core" / "receipt_delivery.py",
]
KEYWORDS = {"gettext": None, "ngettext": (1, 2), "N_": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def extracted() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for path in SOURCES:
        for _, message, _, _ in extract_from_file("python", str(path), keywords=KEYWORDS):
            if isinstance(message, tuple):
                found.add((message[0], message[1]))
            elif message:
                found.add(message)
    found |= {text for pair in MESSAGES.values() for text in pair if text}
    return found


def catalog(language: str):
    with (i18n.LOCALE_DIR / language / "LC_MESSAGES" / "kiosk.po").open("rb") as handle:
        return read_po(handle, locale=language)


def test_extraction_finds_the_ui_texts() -> None:
    messages = extracted()
    assert "Renew all" in messages
    assert ("%(count)s item", "%(count)s items") in messages
    assert len(messages) > 150


@pytest.mark.parametrize("language", i18n.KIOSK_LANGUAGES)
def test_every_patron_text_is_translated(language: str) -> None:
    entries = {m.id: m for m in catalog(language) if m.id}
    problems = []
    for message in extracted():
        entry = entries.get(message)
        if entry is None:
            problems.append(("missing", message))
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings):
            problems.append(("empty", message))
        source = message[0] if isinstance(message, tuple) else message
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(source)):
                problems.append(("placeholders", message, text))
    assert not problems, problems[:10]


@pytest.mark.parametrize("language", ["lt", "ru", "uk", "pl"])
def test_non_english_catalogues_really_translate(language: str) -> None:
    texts = i18n.Catalogs().translator(language)
    for message in ("Renew all", "My account", "Return books", "Welcome!"):
        assert texts.gettext(message) != message


@pytest.mark.parametrize(
    ("language", "forms"),
    [
        ("lt", ["1 leidinys", "2 leidiniai", "10 leidinių", "21 leidinys", "112 leidinių"]),
        ("en", ["1 item", "2 items", "10 items", "21 items", "112 items"]),
        ("ru", ["1 издание", "2 издания", "10 изданий", "21 издание", "112 изданий"]),
        ("uk", ["1 видання", "2 видання", "10 видань", "21 видання", "112 видань"]),
        (
            "pl",
            [
                "1 egzemplarz",
                "2 egzemplarze",
                "10 egzemplarzy",
                "21 egzemplarzy",
                "112 egzemplarzy",
            ],
        ),
    ],
)
def test_plural_forms_per_language(language: str, forms: list[str]) -> None:
    texts = i18n.Catalogs().translator(language)
    said = [
        texts.ngettext("%(count)s item", "%(count)s items", n) % {"count": n}
        for n in (1, 2, 10, 21, 112)
    ]
    assert said == forms


@pytest.mark.parametrize(
    ("language", "money", "number", "day"),
    [
        ("lt", "1 234,50 €", "12\u00a0345", "2026 m. gruodžio 16 d."),
        ("en", "€1,234.50", "12,345", "16 December 2026"),
        ("ru", "1 234,50 €", "12\u00a0345", "16 декабря 2026\u00a0г."),
        ("uk", "1 234,50 €", "12\u00a0345", "16 грудня 2026\u00a0р."),
        ("pl", "1 234,50 €", "12\u00a0345", "16 grudnia 2026"),
    ],
)
def test_money_numbers_and_dates_per_language(language, money, number, day) -> None:
    texts = i18n.Catalogs().translator(language)
    assert texts.money(123450) == money
    assert texts.number(12345) == number
    assert texts.long_date(date(2026, 12, 16)) == day
    assert texts.date(date(2026, 12, 16)) == "2026-12-16"


def test_all_five_languages_have_a_catalogue_and_a_native_name() -> None:
    assert set(i18n.KIOSK_LANGUAGES) <= set(i18n.Catalogs().languages())
    assert set(i18n.NATIVE_NAMES) == set(i18n.KIOSK_LANGUAGES)
