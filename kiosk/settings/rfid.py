"""The [rfid] table: which reader, where, how tags are read and secured, pad behaviour."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from kiosk.settings.base import Section


class RfidSection(Section):
    reader: Literal["feig"] = "feig"
    url: str = Field(min_length=1)
    baudrate: int = Field(default=38400, ge=1200, le=921600)
    parity: Literal["N", "E", "O"] = "E"
    bus_address: int = Field(default=255, ge=0, le=255)
    timeout_s: float = Field(default=1.0, gt=0, le=30)
    line_retries: int = Field(default=2, ge=0, le=10)
    data_model: Literal["auto", "iso28560-3", "iso28560-2"] = "auto"
    item_blocks: int = Field(default=9, ge=8, le=64)
    afi_checked_in: int = Field(default=0x07, ge=0, le=255)
    afi_checked_out: int = Field(default=0xC2, ge=0, le=255)
    use_eas: bool = False
    security_retries: int = Field(default=3, ge=0, le=20)
    inventory_interval_s: float = Field(default=0.2, ge=0, le=10)
    arrive_rounds: int = Field(default=2, ge=1, le=20)
    leave_rounds: int = Field(default=3, ge=1, le=20)
    reconnect_s: float = Field(default=2.0, gt=0, le=300)

    @model_validator(mode="after")
    def _distinct_security_states(self) -> RfidSection:
        if self.afi_checked_in == self.afi_checked_out:
            raise ValueError(
                "afi_checked_in and afi_checked_out must differ, "
                f"both are {self.afi_checked_in:#04x}"
            )
        return self
