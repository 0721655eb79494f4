"""The [scanner] table: how library cards are scanned (keyboard-wedge or serial scanner)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from kiosk.settings.base import Section


class ScannerSection(Section):
    kind: Literal["keyboard", "serial"] = "keyboard"
    url: str = ""
    baudrate: int = Field(default=9600, ge=1200, le=921600)
    terminator: Literal["CR", "LF", "CRLF", "TAB"] = "CR"
    card_pattern: str = r"^[0-9]{8,14}$"
    max_key_gap_s: float = Field(default=0.08, gt=0, le=5)
    timeout_s: float = Field(default=0.5, gt=0, le=30)

    @field_validator("card_pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        return pattern

    @model_validator(mode="after")
    def _serial_needs_url(self) -> ScannerSection:
        if self.kind == "serial" and not self.url:
            raise ValueError("a serial scanner needs url (e.g. /dev/ttyACM0)")
        return self
