"""The [circulation] table: how a patron session and self-service circulation behave.

Validated here so that a wrong value stops the kiosk at start with the file and key named;
the domain core receives the plain values (kiosk/wiring/core_parts.py turns them into core rules).
``staff_pin_hash`` is a secret (hidden by `kiosk config check`) and is parsed here with the
core's own parser (kiosk/core/circulation/staff_auth.py), so a malformed line is a
ConfigError at load, never a surprise the day the ILS is down.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from kiosk.core.circulation.staff_auth import PinHash
from kiosk.settings.base import Section


class CirculationSection(Section):
    pin_required: bool = True
    pin_max_tries: int = Field(default=3, ge=1, le=20)
    lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    idle_warn_s: int = Field(default=60, ge=5, le=3600)
    idle_end_s: int = Field(default=80, ge=10, le=3600)
    return_without_login: bool = True
    returns_own_loans_only: bool = True
    barcode_items: bool = True
    card_pattern: str = r"^[0-9]{10}$"
    item_pattern: str = r"^[0-9]{13}$"
    staff_card_pattern: str = ""
    staff_pin_hash: SecretStr = SecretStr("")  # scrypt$N$r$p$salt$hash: kiosk staff hash-pin
    expired_markers: tuple[str, ...] = ("galiojimas pasibaigė", "expired")
    offline_policy: Literal["none", "returns", "returns_and_checkouts"] = "returns"
    offline_max_checkouts: int = Field(default=5, ge=0, le=100)
    offline_loan_days: int = Field(default=14, ge=1, le=365)

    @field_validator("card_pattern", "item_pattern", "staff_card_pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return value

    @field_validator("staff_pin_hash")
    @classmethod
    def _pin_hash(cls, value: SecretStr) -> SecretStr:
        text = value.get_secret_value().strip()
        if text:
            PinHash.parse(text)  # a PinHashError (ValueError) names what is wrong, not the hash
        return SecretStr(text)

    @model_validator(mode="after")
    def _warn_before_end(self) -> CirculationSection:
        if self.idle_warn_s >= self.idle_end_s:
            raise ValueError(
                f"idle_warn_s ({self.idle_warn_s}) must be less than idle_end_s "
                f"({self.idle_end_s}): the warning comes before the session ends"
            )
        return self
