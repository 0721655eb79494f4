"""The [store] table: the kiosk's local SQLite store and how its outbox is replayed.

The offline policy itself (none / returns / returns_and_checkouts, caps, loan days) is in
[circulation]; whether the ILS honours SIP2 no-block is [ils] honours_no_block.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from kiosk.settings.base import Section


class StoreSection(Section):
    file: str = Field(default="store.sqlite", min_length=1)
    replay_window: int = Field(default=32, ge=1, le=1000)
    retry_first_s: float = Field(default=5.0, gt=0, le=3600)
    retry_max_s: float = Field(default=300.0, gt=0, le=86400)
    idle_s: float = Field(default=60.0, gt=0, le=86400)
    live_grace_s: float = Field(default=120.0, ge=0, le=86400)

    @model_validator(mode="after")
    def _retry_order(self) -> StoreSection:
        if self.retry_max_s < self.retry_first_s:
            raise ValueError("retry_max_s must be at least retry_first_s")
        return self
