"""The rules of this locker bank as the logic needs them: durations as timedeltas, limits.

Built from the validated [lockers] table by the wiring (kiosk/wiring/locks.py:
``locker_policy_from``) or directly in tests. Frozen; no I/O; never reads kiosk.settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


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
