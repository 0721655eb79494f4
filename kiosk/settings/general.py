"""The [kiosk] and [log] tables: who this kiosk is, and how it logs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from kiosk.settings.base import Section

Language = Literal["lt", "en", "ru", "uk", "pl"]


class KioskSection(Section):
    id: str = Field(default="kiosk-1", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    library_name: str = Field(default="Biblioteka", min_length=1)
    language: Language = "lt"
    timezone: str = "Europe/Vilnius"
    data_dir: str = "var"


class LogSection(Section):
    level: Literal["debug", "info", "warning", "error"] = "info"
    format: Literal["auto", "json", "text"] = "auto"
