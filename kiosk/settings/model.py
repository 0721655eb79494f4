"""The whole configuration: one field per table of the TOML file."""

from __future__ import annotations

from kiosk.settings.base import Section
from kiosk.settings.general import KioskSection, LogSection
from kiosk.settings.ils import IlsSection


class Settings(Section):
    kiosk: KioskSection = KioskSection()
    log: LogSection = LogSection()
    ils: IlsSection | None = None
