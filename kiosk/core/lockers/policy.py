"""The rules of this locker bank as the logic needs them: durations as timedeltas, limits.

Built from the validated [lockers] settings at start-up (``from_settings``) or directly in
tests. Frozen; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from kiosk.core.lockers.model import CompartmentSpec

if TYPE_CHECKING:
    from kiosk.settings.lockers import LockersSection


@dataclass(frozen=True)
class LockerPolicy:
    locker_name: str = "Knygomatas"
    pickup_location: str = ""
    release_timeout: timedelta = timedelta(seconds=3)
    door_open_limit: timedelta = timedelta(minutes=2)
    low_height_cm: int = 120
    code_length: int = 6
    code_ttl: timedelta = timedelta(hours=48)
    code_hash_iterations: int = 100_000
    max_wrong_codes: int = 5
    keypad_lockout: timedelta = timedelta(minutes=5)
    staff_pin_required: bool = True

    @classmethod
    def from_settings(cls, section: LockersSection) -> LockerPolicy:
        return cls(
            locker_name=section.name,
            pickup_location=section.pickup_location,
            release_timeout=timedelta(seconds=section.release_timeout_s),
            door_open_limit=timedelta(seconds=section.door_open_alarm_s),
            low_height_cm=section.low_height_cm,
            code_length=section.code_length,
            code_ttl=timedelta(hours=section.code_ttl_h),
            code_hash_iterations=section.code_hash_iterations,
            max_wrong_codes=section.max_wrong_codes,
            keypad_lockout=timedelta(seconds=section.keypad_lockout_s),
            staff_pin_required=section.staff_auth == "card+pin",
        )


def specs_from_settings(section: LockersSection) -> list[CompartmentSpec]:
    return [
        CompartmentSpec(c.id, c.size, c.height_cm, c.occupancy is not None, c.board)
        for c in section.compartments
    ]
