"""The [printer] table (the receipt printer) and the [receipts] table (what every receipt says).

The url names the transport (tcp://, serial://, usb://, file://; device_drivers/printers/
address.py parses it); profile is a python-escpos printer profile (checked when the printer is
opened, since the profile list lives in python-escpos).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from kiosk.settings.base import Section


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
    opening_hours: tuple[str, ...] = ()
    message: str = ""
    email: bool = True
