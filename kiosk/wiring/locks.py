"""lock_bank_from(section): the [lockers] table made into the lock bank, and the locker
logic's policy and compartments (``locker_policy_from``, ``compartment_specs_from``).

The table was checked when it was loaded (kiosk/settings/lockers.py: no shared coil, no line
beyond its board); here it only becomes the plain values the drivers (device_drivers/locks/
boards.py) and the core (kiosk/core/lockers) take. ``lock_bank_from`` opens the boards'
clients but sends no request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from device_drivers.locks.bank import LockBank, open_boards
from device_drivers.locks.boards import BoardSpec, CompartmentLines
from kiosk.core.lockers.model import CompartmentSpec
from kiosk.core.lockers.policy import LockerPolicy
from kiosk.settings.lockers import LockersSection


def board_specs_from(section: LockersSection) -> tuple[BoardSpec, ...]:
    return tuple(
        BoardSpec(
            name=b.name,
            family=b.family,
            transport=b.transport,
            host=b.host,
            port=b.port,
            device=b.device,
            baudrate=b.baudrate,
            address=b.address,
            locks=b.locks,
            inputs=b.inputs,
            pulse_s=b.pulse_s,
            timeout_s=b.timeout_s,
            retries=b.retries,
        )
        for b in section.boards
    )


def compartment_lines_from(section: LockersSection) -> tuple[CompartmentLines, ...]:
    return tuple(
        CompartmentLines(id=c.id, board=c.board, lock=c.lock, door=c.door, occupancy=c.occupancy)
        for c in section.compartments
    )


def lock_bank_from(
    section: LockersSection, *, clock: Callable[[], float] = time.monotonic
) -> LockBank:
    """The bank over the configured boards; ``close()`` it to release the ports."""
    specs = board_specs_from(section)
    return LockBank(
        specs,
        compartment_lines_from(section),
        open_boards(specs),
        board_probe_s=section.board_probe_s,
        clock=clock,
    )


def locker_policy_from(section: LockersSection) -> LockerPolicy:
    return LockerPolicy(
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


def compartment_specs_from(section: LockersSection) -> list[CompartmentSpec]:
    return [
        CompartmentSpec(c.id, c.size, c.height_cm, c.occupancy is not None, c.board)
        for c in section.compartments
    ]
