"""Translations for the whole kiosk: gettext catalogues read straight from the .po files.

The catalogues live in ``kiosk/locale/<lang>/LC_MESSAGES/kiosk.po``. They are parsed with
Babel when first asked for and turned into a standard ``gettext.GNUTranslations`` in memory,
so there is no compile step: editing a .po file and restarting the kiosk is enough. Plural
rules come from each catalogue's ``Plural-Forms`` header (Lithuanian has three forms).

Also here: how money, numbers, dates and times are written in each language (``1,20 €`` in
Lithuanian, Russian, Ukrainian and Polish, ``€1.20`` in English; ``12 345`` or ``12,345``; dates
``2026-11-25`` on receipts and, on screen, the language's own long form via Babel's CLDR data:
``2026 m. gruodžio 16 d.``, ``16 December 2026``, ``16 декабря 2026 г.``).

The five languages the kiosk speaks are lt (default), en, ru, uk and pl; the catalogues are
extracted and updated with Babel (``kiosk/locale/babel.cfg``, see docs/ui.md).

Never a global catalogue: callers hold a ``Catalogs`` (built once by the composition root)
and ask it for a ``Translator`` per language. Never raises for a missing language: it falls
back to the source strings (English).
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "kiosk"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE_LANGUAGE = "en"
KIOSK_LANGUAGES = ("lt", "en", "ru", "uk", "pl")
# Each language names itself on the language buttons, so a patron finds their own.
NATIVE_NAMES = {
    "lt": "Lietuvių",
    "en": "English",
    "ru": "Русский",
    "uk": "Українська",
    "pl": "Polski",
}
# CLDR locales for on-screen dates: British English writes the day before the month.
_CLDR = {"lt": "lt", "en": "en_GB", "ru": "ru", "uk": "uk", "pl": "pl"}


@dataclass(frozen=True)
class Translator:
    """Translated texts and number/date formats for one language."""

    language: str
    catalog: gettext.NullTranslations = field(repr=False)

    def gettext(self, message: str) -> str:
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalog.ngettext(singular, plural, n)

    def money(self, cents: int) -> str:
        """``1,20 €`` (lt and most of Europe) or ``€1.20`` (en); negative amounts keep the sign."""
        sign = "-" if cents < 0 else ""
        whole, part = divmod(abs(cents), 100)
        if self.language == "en":
            return f"{sign}€{whole:,}.{part:02d}"
        grouped = f"{whole:,}".replace(",", " ")
        return f"{sign}{grouped},{part:02d} €"

    def number(self, value: int) -> str:
        """``12 345`` (no-break space grouping outside English) or ``12,345`` (en)."""
        grouped = f"{value:,}"
        return grouped if self.language == "en" else grouped.replace(",", "\u00a0")

    def date(self, day: date) -> str:
        return day.isoformat()

    def long_date(self, day: date) -> str:
        """The date as the language writes it in a sentence (screens, speech)."""
        text = format_date(day, format="long", locale=_CLDR.get(self.language, "en_GB"))
        # CLDR uses a narrow no-break space that the kiosk font has no glyph for.
        return text.replace("\u202f", "\u00a0")

    def time(self, moment: datetime) -> str:
        return moment.strftime("%H:%M")

    def datetime(self, moment: datetime) -> str:
        return moment.strftime("%Y-%m-%d %H:%M")


class Catalogs:
    """Loads each language's catalogue once, on first use."""

    def __init__(self, locale_dir: Path = LOCALE_DIR, domain: str = DOMAIN) -> None:
        self.locale_dir = Path(locale_dir)
        self.domain = domain
        self._loaded: dict[str, Translator] = {}

    def languages(self) -> tuple[str, ...]:
        """Languages that have a catalogue, plus the source language."""
        found = {
            path.parent.parent.name
            for path in self.locale_dir.glob(f"*/LC_MESSAGES/{self.domain}.po")
        }
        return tuple(sorted(found | {SOURCE_LANGUAGE}))

    def translator(self, language: str) -> Translator:
        if language not in self._loaded:
            self._loaded[language] = Translator(language, self._load(language))
        return self._loaded[language]

    def _load(self, language: str) -> gettext.NullTranslations:
        path = self.locale_dir / language / "LC_MESSAGES" / f"{self.domain}.po"
        if not path.is_file():
            return gettext.NullTranslations()
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain=self.domain)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        return gettext.GNUTranslations(compiled)
