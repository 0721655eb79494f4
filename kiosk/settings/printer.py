"""The [printer] table (the receipt printer) and the [receipts] table (what every receipt says).

The url names the transport (tcp://, serial://, usb://, file://; device_drivers/printers/
address.py parses it); profile is a python-escpos printer profile (checked when the printer is
opened, since the profile list lives in python-escpos).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from kiosk.settings.base import Section
from kiosk.settings.texts import LocalText, text_in


class PrinterSection(Section):
    url: str = Field(min_length=1, pattern=r"^(tcp|serial|usb|file)://")
    profile: str = Field(default="default", min_length=1)
    width_mm: Literal[58, 80] = 80
    code_page: Literal["cp1257", "cp775"] = "cp1257"
    code_page_number: int | None = Field(default=None, ge=0, le=255)
    qr: Literal["native", "image"] = "native"
    timeout_s: float = Field(default=5.0, gt=0, le=120)
    status_timeout_s: float = Field(default=2.0, gt=0, le=60)
    check_status: bool = True
    chunk_bytes: int = Field(default=1024, ge=64, le=65536)


class ReceiptsSection(Section):
    message: LocalText = Field(default_factory=dict)  # a text, or a table per language
    email: bool = True

    @model_validator(mode="before")
    @classmethod
    def _hours_live_in_ui(cls, data: Any) -> Any:
        # Receipts print [ui] opening_hours, the lines the screen shows: one setting for both.
        if isinstance(data, dict) and "opening_hours" in data:
            raise ValueError(
                "opening_hours moved to [ui] opening_hours (the screen and the receipts print "
                "the same lines, optionally per language: { lt = [...], en = [...] })"
            )
        return data

    def message_for(self, language: str) -> str:
        return text_in(self.message, language)
