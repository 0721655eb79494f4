"""The [rooms] table: the library's booking system (LibCal Spaces API 1.1) and the local cache.

LibCal's API does not report a category's booking rules, so the kiosk is told them here:
[rooms.rules] for every category, [rooms.category_rules.<cid>] for one that differs. They must
match what the booking system enforces (it has the last word; these let the kiosk say "no" at
once and in the patron's language).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator

from kiosk.settings.base import Section


class RoomRulesSection(Section):
    slot_minutes: int = Field(default=30, ge=5, le=240)
    max_booking_minutes: int = Field(default=120, ge=5, le=24 * 60)
    max_day_minutes: int = Field(default=180, ge=5, le=24 * 60)
    max_bookings_per_day: int = Field(default=2, ge=1, le=50)
    window_days: int = Field(default=14, ge=0, le=365)
    checkin_before_minutes: int = Field(default=15, ge=0, le=240)
    auto_cancel_minutes: int = Field(default=15, ge=0, le=240)

    @model_validator(mode="after")
    def _consistent(self) -> RoomRulesSection:
        if self.max_booking_minutes % self.slot_minutes:
            raise ValueError("max_booking_minutes must be a whole number of slot_minutes")
        if self.max_booking_minutes < self.slot_minutes:
            raise ValueError("max_booking_minutes is shorter than one slot")
        if self.max_day_minutes < self.slot_minutes:
            raise ValueError("max_day_minutes is shorter than one slot")
        return self


class RoomsSection(Section):
    system: Literal["libcal"] = "libcal"
    base_url: str = Field(min_length=1, pattern=r"^https?://")
    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    location_ids: list[int] = Field(default_factory=list)
    timeout_s: float = Field(default=10.0, gt=0, le=120)
    retries: int = Field(default=2, ge=0, le=10)
    backoff_s: float = Field(default=0.5, ge=0, le=60)
    page_limit: int = Field(default=500, ge=1, le=500)
    ids_per_request: int = Field(default=50, ge=1, le=200)
    refresh_s: float = Field(default=60.0, ge=5, le=3600)
    static_refresh_s: float = Field(default=6 * 3600.0, ge=60, le=7 * 24 * 3600)
    stale_after_s: float = Field(default=300.0, ge=10, le=24 * 3600)
    cache_file: str = "rooms.sqlite"
    rules: RoomRulesSection = RoomRulesSection()
    category_rules: dict[int, RoomRulesSection] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _fresh_enough(self) -> RoomsSection:
        if self.stale_after_s < self.refresh_s:
            raise ValueError("stale_after_s must not be shorter than refresh_s")
        return self
