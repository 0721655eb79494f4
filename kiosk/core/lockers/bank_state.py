"""The locker bank's state and the steps every workflow shares: moving a compartment
through its lifecycle, releasing a lock, issuing and sending a code, the staff overview.

The workflows themselves (loading, pickup, expiry, polling) are in service.py; saving and
restoring this state in recovery.py. I/O-free: effects go through the ports. ``on_change``
is called whenever the state must be saved; it is called *before* a lock is released
(write-ahead), so a crash never leaves an opened door that the saved state does not explain.
Never logs a code or PIN.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from kiosk.core.health import ActivityRecorder, HealthReporter
from kiosk.core.lockers.alarms import AlarmBook
from kiosk.core.lockers.codes import CodeBook, KeypadGuard
from kiosk.core.lockers.doors import OPEN_STATES, DoorTracker
from kiosk.core.lockers.lifecycle import Use, UseEvent, next_use
from kiosk.core.lockers.model import AlarmKind, CompartmentSpec, Load
from kiosk.core.lockers.policy import LockerPolicy
from kiosk.core.lockers.ports import (
    DeviceUnavailable,
    LibrarySystem,
    LockHardware,
    Notifier,
    PickupNotice,
    RandomSource,
    StaffAuthenticator,
)
from kiosk.core.patron_checks import PinLockout

log = logging.getLogger("kiosk.core.lockers")


@dataclass(frozen=True)
class Refused:
    reason: str  # a stable key the UI translates: "no_hold", "wrong_code", …
    detail: str = ""


@dataclass(frozen=True)
class LoadStarted:
    compartment: int
    item_id: str


@dataclass(frozen=True)
class Opened:
    compartments: tuple[int, ...]
    failed: tuple[int, ...] = ()


@dataclass(frozen=True)
class RetrievalLine:
    compartment: int
    item_id: str
    title: str
    deadline: datetime


@dataclass
class Compartment:
    spec: CompartmentSpec
    door: DoorTracker
    use: Use = Use.FREE
    loads: list[Load] = field(default_factory=list)
    pending: Load | None = None
    out_of_service: bool = False
    handed_over: set[str] = field(default_factory=set)  # items checked out or in at opening

    @property
    def patron_id(self) -> str | None:
        return self.loads[0].patron_id if self.loads else None


class BankState:
    def __init__(
        self,
        specs: Iterable[CompartmentSpec],
        policy: LockerPolicy,
        hardware: LockHardware,
        ils: LibrarySystem,
        notifier: Notifier,
        random: RandomSource,
        on_change: Callable[[], None] = lambda: None,
        staff: StaffAuthenticator | None = None,
        health: HealthReporter | None = None,
        activity: ActivityRecorder | None = None,
    ) -> None:
        self.policy = policy
        self.staff = staff
        self.health = health
        self.activity = activity
        self.hardware = hardware
        self.ils = ils
        self.notifier = notifier
        self.codes = CodeBook(random, policy.code_length, policy.code_hash_iterations)
        self.keypad = KeypadGuard(policy.max_wrong_codes, policy.keypad_lockout)
        # wrong PINs per card at this locker, as many and as long as wrong door codes
        lockout_s = policy.keypad_lockout.total_seconds()
        self.card_tries = PinLockout(policy.max_wrong_codes, lockout_s)
        self.alarms = AlarmBook()
        self.unsent: list[PickupNotice] = []
        self.on_change = on_change
        self.compartments = {s.id: Compartment(s, self.new_door(s.id)) for s in specs}

    def new_door(self, compartment: int) -> DoorTracker:
        return DoorTracker(compartment, self.policy.release_timeout, self.policy.door_open_limit)

    def move(self, comp: Compartment, event: UseEvent) -> None:
        comp.use = next_use(comp.use, event)

    @staticmethod
    def abandon_event(comp: Compartment) -> UseEvent:
        return UseEvent.LOAD_ABANDONED_KEEPING if comp.loads else UseEvent.LOAD_ABANDONED

    def release(self, comp: Compartment, now: datetime) -> bool:
        """Pulse the lock; False (and a board alarm) when the board cannot be reached."""
        try:
            self.hardware.release(comp.spec.id)
        except DeviceUnavailable as exc:
            subject = f"board {exc.board}"
            self.alarms.raise_alarm(AlarmKind.BOARD_UNAVAILABLE, subject, now, str(exc))
            return False
        comp.door.released(now)
        return True

    def staff_release(self, compartment: int, now: datetime) -> bool:
        """A technician's door test: the door is marked released and saved *before* the
        pulse, so an opening that follows is one the state explains (never "door forced",
        not even for a kiosk started later); a pulse the board refused puts the door back.
        The poll then sees it open, or calls it jammed after release_timeout. False (and a
        board alarm) when the board cannot be reached."""
        comp = self.compartments[compartment]
        before = comp.door.state, comp.door.since
        comp.door.released(now)
        self.on_change()
        try:
            self.hardware.release(compartment)
        except DeviceUnavailable as exc:
            comp.door.state, comp.door.since = before
            subject = f"board {exc.board}"
            self.alarms.raise_alarm(AlarmKind.BOARD_UNAVAILABLE, subject, now, str(exc))
            self.on_change()
            return False
        return True

    def door_already_open(self, comp: Compartment) -> bool:
        """A release on a door that was open already (forced, or left open): no opening
        will be seen, so whatever the opening triggers must happen now."""
        return comp.door.state in OPEN_STATES

    def unreachable(self) -> set[int]:
        """Compartments on boards with an active "board unavailable" alarm."""
        return {
            n
            for n, c in self.compartments.items()
            if c.spec.board
            and self.alarms.is_active(AlarmKind.BOARD_UNAVAILABLE, f"board {c.spec.board}")
        }

    def patron_compartments(self, patron_id: str) -> list[Compartment]:
        return [
            c for c in self.compartments.values() if c.use == Use.HELD and c.patron_id == patron_id
        ]

    def issue_code(self, patron_id: str, now: datetime) -> None:
        """One new code for all of the patron's held compartments, sent to the patron."""
        comps = self.patron_compartments(patron_id)
        if not comps:
            return
        loads = [load for c in comps for load in c.loads]
        deadline = max(load.deadline for load in loads)
        ids = frozenset(c.spec.id for c in comps)
        code, _ = self.codes.issue(patron_id, ids, now, deadline)
        latest = loads[-1]
        notice = PickupNotice(
            patron_id,
            latest.language,
            latest.email,
            latest.phone,
            self.policy.locker_name,
            tuple(sorted(ids)),
            code,
            deadline,
            tuple(load.title for load in loads),
        )
        self.notify(notice, now)

    def notify(self, notice: PickupNotice, now: datetime) -> None:
        try:
            self.notifier.send_pickup_code(notice)
        except Exception as exc:  # any channel failure: keep the notice, never lose the load
            self.unsent.append(notice)
            self.alarms.raise_alarm(
                AlarmKind.NOTIFICATION_FAILED, "notifier", now, type(exc).__name__
            )
            return
        self.alarms.clear(AlarmKind.NOTIFICATION_FAILED, "notifier")

    def retry_notices(self, now: datetime) -> None:
        pending, self.unsent = self.unsent, []
        for notice in pending:
            self.notify(notice, now)

    def clear_compartment(self, compartment: int) -> None:
        """Staff emptied a compartment that needed them, or repaired a jammed lock."""
        comp = self.compartments[compartment]
        if comp.use == Use.NEEDS_STAFF:
            self.move(comp, UseEvent.STAFF_CLEARED)
            comp.loads.clear()
            comp.handed_over.clear()
        comp.out_of_service = False
        self.alarms.clear(AlarmKind.OCCUPANCY_MISMATCH, f"compartment {compartment}")
        self.alarms.clear(AlarmKind.DOOR_JAMMED, f"compartment {compartment}")
        self.on_change()

    def report_activity(self) -> None:
        """Occupancy and alarm counts for the metrics exporter (no patron data)."""
        if self.activity is not None:
            busy = sum(1 for c in self.compartments.values() if c.loads or c.pending)
            self.activity.lockers(busy, len(self.compartments), self.alarms.counts())

    def overview(self) -> dict[int, dict[str, object]]:
        """What staff mode shows: per compartment its use, door, item count and service."""
        return {
            n: {
                "use": c.use.value,
                "door": c.door.state.value,
                "items": len(c.loads) + (1 if c.pending else 0),
                "out_of_service": c.out_of_service,
            }
            for n, c in sorted(self.compartments.items())
        }
