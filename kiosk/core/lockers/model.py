"""The locker domain's data: compartments as the logic sees them, loads, alarms.

Frozen dataclasses only; no behaviour beyond ordering sizes. Never imports an adapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

SIZES = ("S", "M", "L")


def fits(compartment_size: str, item_size: str) -> bool:
    return SIZES.index(compartment_size) >= SIZES.index(item_size)


@dataclass(frozen=True)
class CompartmentSpec:
    id: int
    size: str = "M"
    height_cm: int = 100
    has_occupancy_sensor: bool = True
    board: str = ""  # which board it hangs on: a failing board costs all of its compartments


@dataclass(frozen=True)
class Load:
    item_id: str
    patron_id: str
    compartment: int
    loaded_at: datetime
    deadline: datetime
    title: str = ""
    language: str = ""
    email: str = ""
    phone: str = ""
    loaded_by: str = ""  # the staff member, for the audit trail


class AlarmKind(StrEnum):
    DOOR_LEFT_OPEN = "door_left_open"
    DOOR_FORCED = "door_forced"
    DOOR_JAMMED = "door_jammed"
    OCCUPANCY_MISMATCH = "occupancy_mismatch"
    KEYPAD_LOCKED = "keypad_locked"
    BOARD_UNAVAILABLE = "board_unavailable"
    NOTIFICATION_FAILED = "notification_failed"


@dataclass(frozen=True)
class Alarm:
    kind: AlarmKind
    subject: str  # "compartment 3", "board b1", "keypad"
    raised_at: datetime
    detail: str = ""
