"""Translations for the whole kiosk: gettext catalogues read straight from the .po files.

The catalogues live in ``kiosk/locale/<lang>/LC_MESSAGES/kiosk.po``. They are parsed with
Babel when first asked for and turned into a standard ``gettext.GNUTranslations`` in memory,
so there is no compile step: editing a .po file and restarting the kiosk is enough. Plural
rules come from each catalogue's ``Plural-Forms`` header (Lithuanian has three forms).

Also here: how money, dates and times are written in each language (``1,20 €`` in Lithuanian,
``€1.20`` in English; dates always ``2026-11-25``, times ``14:30``).

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

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "kiosk"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE_LANGUAGE = "en"


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

    def date(self, day: date) -> str:
        return day.isoformat()

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
