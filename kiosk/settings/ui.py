"""The [ui] table: how the touch app looks, which languages it offers and what the idle screen says.

Validated here so a wrong orientation, an unknown language or a timeout shorter than its warning
is refused at start-up with the key named. Never imports Kivy (settings load without a display).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from kiosk.settings.base import Section
from kiosk.settings.general import Language


class NewBook(Section):
    title: str = Field(min_length=1)
    author: str = ""


class UiSection(Section):
    orientation: Literal["portrait", "landscape"] = "portrait"
    fullscreen: bool = True
    display: str = ":0"
    dpi: float = Field(default=96.0, gt=40, le=600)
    languages: tuple[Language, ...] = ("lt", "en", "ru", "uk", "pl")
    opening_hours: tuple[str, ...] = ("I–V 10:00–19:00", "VI 10:00–16:00", "VII —")
    message: str = ""
    new_books_source: Literal["config", "ils"] = "config"
    new_books: tuple[NewBook, ...] = ()
    new_books_turn_s: float = Field(default=20.0, ge=5, le=600)
    idle_timeout_s: int = Field(default=60, ge=10, le=3600)
    warning_s: int = Field(default=20, ge=5, le=600)
    goodbye_s: int = Field(default=8, ge=1, le=120)
    speech: bool = False
    speech_rate: int = Field(default=150, ge=80, le=400)
    large_text: bool = False
    high_contrast: bool = False
    show_cursor: bool = False

    @model_validator(mode="after")
    def _coherent(self) -> UiSection:
        if not self.languages:
            raise ValueError("languages must name at least one of lt, en, ru, uk, pl")
        if len(set(self.languages)) != len(self.languages):
            raise ValueError("languages lists a language twice")
        if self.warning_s >= self.idle_timeout_s:
            raise ValueError("warning_s must be shorter than idle_timeout_s")
        return self

    @property
    def size(self) -> tuple[int, int]:
        """Window size in pixels for the orientation (the panel is 1080x1920 turned or not)."""
        return (1080, 1920) if self.orientation == "portrait" else (1920, 1080)
