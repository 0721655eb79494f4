"""The [payment_terminal] table: the card terminal (ZVT) the kiosk takes fines payments on.

url: tcp://host:20007 for a LAN terminal, or a pyserial URL (/dev/ttyUSB0, socket://…) for
RS-232; "fake:" uses the in-process simulator model (demos). hold_mode says how a payment is
held open until the library system accepts it: "preauth" (reserve, then book or release) or
"reversal" (the terminal reverses unless the kiosk confirms). See docs/payments.md.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from kiosk.settings.base import Section


class PaymentTerminalSection(Section):
    url: str = Field(min_length=1)
    password: int = Field(default=0, ge=0, le=999999)
    currency: Literal["EUR", "USD", "GBP", "PLN", "SEK"] = "EUR"
    hold_mode: Literal["preauth", "reversal"] = "reversal"
    baudrate: int = Field(default=9600, gt=0)
    ack_timeout_s: float = Field(default=5.0, gt=0, le=60)  # T3
    completion_timeout_s: float = Field(default=180.0, gt=0, le=900)  # T4
    connect_timeout_s: float = Field(default=5.0, gt=0, le=60)
    hold_answer_s: int = Field(default=60, ge=1, le=255)  # BMP 01 in "reversal" mode
    hold_repeats: int = Field(default=10, ge=0, le=255)  # BMP 02


class PaymentsSection(Section):
    """[payments]: what the kiosk lets patrons pay and what the accountant gets (docs/payments.md).

    Needs [payment_terminal] to take payments; the report and the journal work without it."""

    minimum_cents: int = Field(default=0, ge=0)  # smallest payment the kiosk takes
    partial_allowed: bool = True  # a patron may pay part of a fee
    journal_file: str = "payments.sqlite"  # the write-ahead journal, under [kiosk] data_dir
    report_to: list[str] = Field(default_factory=list)  # the accountant: the nightly report
    report_time: str = Field(default="23:30", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    report_format: Literal["pdf", "csv"] = "pdf"
    cash_register: Literal["none", "journal"] = "none"  # the fiscal port (docs/payments.md)
    cash_register_file: str = "cash-register.jsonl"  # "journal": under [kiosk] data_dir

    @field_validator("report_to")
    @classmethod
    def _addresses(cls, value: list[str]) -> list[str]:
        for address in value:
            if "@" not in address.strip("@"):
                raise ValueError(f"{address!r} is not an e-mail address")
        return value
