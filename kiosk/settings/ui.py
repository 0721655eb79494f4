"""The [ui] table: how the touch app looks, which languages it offers and what the idle screen says.

Validated here so a wrong orientation, an unknown language or a timeout shorter than its warning
is refused at start-up with the key named. Never imports Kivy (settings load without a display).
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from kiosk.settings.base import Section
from kiosk.settings.general import Language
from kiosk.settings.texts import LocalLines, LocalText, lines_in, text_in


class NewBook(Section):
    title: str = Field(min_length=1)
    author: str = ""


class UiSection(Section):
    orientation: Literal["portrait", "landscape"] = "portrait"
    fullscreen: bool = True
    display: str = ":0"
    dpi: float = Field(default=96.0, gt=40, le=600)
    languages: tuple[Language, ...] = ("lt", "en", "ru", "uk", "pl")
    # Lines, or a table of lines per language ({ lt = [...], en = [...] }); none by default:
    # a kiosk shows only the hours its library configured. The receipts print the same lines.
    opening_hours: LocalLines = Field(default_factory=dict)
    message: LocalText = Field(default_factory=dict)  # a text, or a table per language
    # "feed": the OPAC's RSS/Atom/JSON list (backend_sync/feeds); new_books stays the fallback
    new_books_source: Literal["config", "feed"] = "config"
    new_books: tuple[NewBook, ...] = ()
    new_books_feed_url: str = ""
    new_books_refresh_s: float = Field(default=3600.0, ge=60, le=86400)
    new_books_max: int = Field(default=12, ge=1, le=50)
    new_books_turn_s: float = Field(default=20.0, ge=5, le=600)
    idle_timeout_s: int = Field(default=60, ge=10, le=3600)
    warning_s: int = Field(default=20, ge=5, le=600)
    goodbye_s: int = Field(default=8, ge=1, le=120)
    speech: bool = False
    speech_rate: int = Field(default=150, ge=80, le=400)
    headphone_jack: str = "auto"  # auto | off | an event node (docs/speech.md)
    large_text: bool = False
    high_contrast: bool = False
    show_cursor: bool = False

    @field_validator("new_books_source", mode="before")
    @classmethod
    def _no_ils_source(cls, value: object) -> object:
        if value == "ils":  # accepted once but never read: say what replaced it
            raise ValueError(
                '"ils" is gone (SIP2 has no new-books query): use "feed" with '
                "new_books_feed_url, the OPAC's RSS/Atom/JSON feed (docs/new-books.md)"
            )
        return value

    @field_validator("new_books_feed_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError("must be an http:// or https:// URL of the feed")
        return value

    @field_validator("headphone_jack")
    @classmethod
    def _jack(cls, value: str) -> str:
        if value in ("auto", "off") or value.startswith("/"):
            return value
        raise ValueError('must be "auto", "off" or an absolute path such as /dev/input/event5')

    @model_validator(mode="after")
    def _coherent(self) -> UiSection:
        if self.new_books_source == "feed" and not self.new_books_feed_url:
            raise ValueError('new_books_source = "feed" needs new_books_feed_url (the feed\'s URL)')
        if not self.languages:
            raise ValueError("languages must name at least one of lt, en, ru, uk, pl")
        if len(set(self.languages)) != len(self.languages):
            raise ValueError("languages lists a language twice")
        if self.warning_s >= self.idle_timeout_s:
            raise ValueError("warning_s must be shorter than idle_timeout_s")
        return self

    def hours_for(self, language: str) -> tuple[str, ...]:
        """The opening hours in ``language`` (Lithuanian when it has none of its own)."""
        return lines_in(self.opening_hours, language)

    def message_for(self, language: str) -> str:
        return text_in(self.message, language)

    @property
    def size(self) -> tuple[int, int]:
        """Window size in pixels for the orientation (the panel is 1080x1920 turned or not)."""
        return (1080, 1920) if self.orientation == "portrait" else (1920, 1080)
