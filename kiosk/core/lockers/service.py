"""The locker bank's workflows: staff loading, pickup by code or card + PIN, expiry and
retrieval, and the polling that turns sensor readings into state changes and alarms.

Synchronous and I/O-free: every effect goes through a port (hardware, ILS, notifier), every
time through ``now``. The composition root calls ``poll`` every poll_interval_s from a worker
thread, since the hardware port blocks. A load touches only the item being loaded; a board
that fails costs only its compartments; a notification that fails is kept and retried on
the next poll while the load stays. State is saved (``on_change``) before every release.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from kiosk.core.errors import LibraryUnavailable
from kiosk.core.health import DeviceHealth, DeviceKind, DeviceState
from kiosk.core.lockers.bank_state import (
    BankState,
    Compartment,
    LoadStarted,
    Opened,
    Refused,
    RetrievalLine,
    log,
)
from kiosk.core.lockers.doors import DoorEvent, DoorState, Transition
from kiosk.core.lockers.lifecycle import Use, UseEvent
from kiosk.core.lockers.model import AlarmKind, Load
from kiosk.core.lockers.ports import SensorReading
from kiosk.core.lockers.selection import choose_compartment

__all__ = ["LoadStarted", "LockerService", "Opened", "Refused", "RetrievalLine"]


class LockerService(BankState):
    # -- loading -------------------------------------------------------------------------
    def staff_login(self, card: str, pin: str | None) -> str | Refused:
        """The staff member's id for loading and retrieval; card + PIN unless configured
        card-only. The PIN is passed on, never kept or logged."""
        if self.staff is None:
            return Refused("staff_login_unavailable")
        if self.policy.staff_pin_required and not pin:
            return Refused("pin_required")
        staff_id = self.staff.authenticate(card, pin if self.policy.staff_pin_required else None)
        return staff_id if staff_id else Refused("wrong_staff_card_or_pin")

    def start_load(
        self, staff_id: str, item_id: str, now: datetime, size: str = "S", needs_low: bool = False
    ) -> LoadStarted | Refused:
        """Check the item in, choose a compartment, open it. Affects only this item."""
        for comp in self.compartments.values():
            items = [load.item_id for load in comp.loads] + (
                [comp.pending.item_id] if comp.pending else []
            )
            if item_id in items:
                return Refused("already_loaded", f"compartment {comp.spec.id}")
        hold = self.ils.checkin(item_id, now)
        if not hold.ok or not hold.hold_patron:
            return Refused("no_hold", hold.screen_message)
        if self.policy.pickup_location and hold.pickup_location != self.policy.pickup_location:
            return Refused("other_pickup_location", hold.pickup_location)
        load = Load(
            item_id,
            hold.hold_patron,
            0,
            now,
            now + self.policy.code_ttl,
            hold.title,
            hold.patron_language,
            hold.patron_email,
            hold.patron_phone,
            staff_id,
        )
        return self._open_for_load(load, now, size, needs_low)

    def _open_for_load(
        self, load: Load, now: datetime, size: str, needs_low: bool
    ) -> LoadStarted | Refused:
        tried: set[int] = set()
        while True:
            chosen = choose_compartment(
                [c.spec for c in self.compartments.values()],
                {n: c.use for n, c in self.compartments.items()},
                {n: c.patron_id for n, c in self.compartments.items() if c.patron_id},
                load.patron_id,
                size,
                needs_low,
                self.policy.low_height_cm,
                {n for n, c in self.compartments.items() if c.out_of_service}
                | tried
                | self.unreachable(),
            )
            if chosen is None:
                return Refused("no_free_compartment")
            comp = self.compartments[chosen]
            self.move(comp, UseEvent.LOAD_STARTED)
            comp.pending = replace(load, compartment=chosen)
            self.on_change()
            if self.release(comp, now):
                self.on_change()
                return LoadStarted(chosen, load.item_id)
            comp.pending = None
            self.move(comp, self.abandon_event(comp))
            tried.add(chosen)

    def finish_load(self, comp: Compartment, occupied: bool | None, now: datetime) -> None:
        """The door closed on a load: keep it when the item is seen (or cannot be sensed)."""
        load, comp.pending = comp.pending, None
        if load is None:
            return
        if occupied is False:
            self.alarms.raise_alarm(
                AlarmKind.OCCUPANCY_MISMATCH,
                f"compartment {comp.spec.id}",
                now,
                "door closed after loading but the compartment reads empty",
            )
            self.move(comp, self.abandon_event(comp))
            return
        comp.loads.append(load)
        self.move(comp, UseEvent.LOAD_CONFIRMED)
        self.issue_code(load.patron_id, now)

    # -- pickup --------------------------------------------------------------------------
    def pickup_by_code(self, code: str, now: datetime) -> Opened | Refused:
        was_locked = self.keypad.locked_until is not None
        if self.keypad.locked(now):
            return Refused("keypad_locked", str(self.keypad.locked_until))
        if was_locked:  # the lockout ran out just now: the reset count must be saved too
            self.on_change()
        record = self.codes.match(code.strip(), now)
        if record is None:
            if self.keypad.record_wrong(now):
                detail = f"{self.keypad.max_wrong} wrong codes"
                self.alarms.raise_alarm(AlarmKind.KEYPAD_LOCKED, "keypad", now, detail)
                if self.activity is not None:
                    self.activity.door_code_lockout()
            self.on_change()  # a restart must not reset the wrong-code count or the lockout
            return Refused("wrong_code")
        self.keypad.record_success()
        self.alarms.clear(AlarmKind.KEYPAD_LOCKED, "keypad")
        self.codes.consume(record, now)
        return self._open_for_patron(record.patron_id, now)

    def pickup_by_card(self, card: str, pin: str, now: datetime) -> Opened | Refused:
        at = now.timestamp()
        if self.card_tries.locked(card, at):
            return Refused("card_locked")
        try:
            patron_id = self.ils.authenticate_patron(card, pin, now)
        except LibraryUnavailable:
            return Refused("ils_unreachable")
        if patron_id is None:
            locked = self.card_tries.wrong(card, at)
            return Refused("card_locked" if locked else "wrong_card_or_pin")
        self.card_tries.right(card)
        if not self.patron_compartments(patron_id):
            return Refused("nothing_to_collect")
        self.codes.revoke_patron(patron_id)
        return self._open_for_patron(patron_id, now)

    def _open_for_patron(self, patron_id: str, now: datetime) -> Opened | Refused:
        comps = self.patron_compartments(patron_id)
        for comp in comps:
            self.move(comp, UseEvent.PICKUP_STARTED)
        self.on_change()
        opened, failed = [], []
        for comp in comps:
            if self.release(comp, now):
                opened.append(comp.spec.id)
                if self.door_already_open(comp):
                    self.hand_over(comp, now)
            else:
                self.move(comp, UseEvent.RELEASE_FAILED)
                failed.append(comp.spec.id)
        self.on_change()
        if not comps:
            return Refused("nothing_to_collect")
        if failed:  # the used code cannot open these again: a new one for what is left
            self.issue_code(patron_id, now)
        if not opened:
            return Refused("locker_fault")
        return Opened(tuple(opened), tuple(failed))

    # -- expiry --------------------------------------------------------------------------
    def mark_expired(self, now: datetime) -> list[int]:
        marked = []
        for comp in self.compartments.values():
            if comp.use == Use.HELD and all(load.deadline <= now for load in comp.loads):
                self.move(comp, UseEvent.DEADLINE_PASSED)
                marked.append(comp.spec.id)
                patron_id = comp.loads[0].patron_id
                if not self.patron_compartments(patron_id):  # the code opens only held ones
                    self.codes.revoke_patron(patron_id)
        if marked:
            self.on_change()
        return marked

    def open_expired(self, staff_id: str, now: datetime) -> list[RetrievalLine]:
        """Open every expired compartment at once; the list is what staff print and take."""
        comps = [c for c in self.compartments.values() if c.use == Use.EXPIRED]
        for comp in comps:
            self.move(comp, UseEvent.RETRIEVAL_STARTED)
        self.on_change()
        lines = []
        for comp in comps:
            if self.release(comp, now):
                lines += [
                    RetrievalLine(comp.spec.id, x.item_id, x.title, x.deadline) for x in comp.loads
                ]
                if self.door_already_open(comp):
                    self.hand_over(comp, now)
            else:
                self.move(comp, UseEvent.RELEASE_FAILED)
        self.on_change()
        return lines

    # -- polling -------------------------------------------------------------------------
    def poll(self, now: datetime) -> list[Transition]:
        readings = self.hardware.read_all()
        self._board_health(now)
        done: list[Transition] = []
        for number, reading in readings.items():
            comp = self.compartments.get(number)
            if comp is None:
                continue
            for transition in comp.door.observe(reading.door_closed, now):
                done.append(transition)
                self._on_door(comp, transition, reading, now)
            if comp.door.left_open(now):
                self.alarms.raise_alarm(AlarmKind.DOOR_LEFT_OPEN, f"compartment {number}", now)
            self._check_occupancy(comp, reading, now)
        was_locked = self.keypad.locked_until is not None
        if not self.keypad.locked(now):
            self.alarms.clear(AlarmKind.KEYPAD_LOCKED, "keypad")
        unlocked = was_locked and self.keypad.locked_until is None
        self.mark_expired(now)
        unsent = len(self.unsent)
        self.retry_notices(now)
        if done or unlocked or len(self.unsent) != unsent:  # a late notice: no code owed
            self.on_change()
        self.report_activity()
        return done

    def _board_health(self, now: datetime) -> None:
        for name, health in self.hardware.health().items():
            if self.health is not None:
                state = DeviceState.OK if health.ok else DeviceState.DOWN
                reason = "" if health.ok else "not answering"
                self.health.report(
                    DeviceHealth(f"board-{name}", DeviceKind.LOCK_BOARD, state, reason)
                )
            if health.ok:
                self.alarms.clear(AlarmKind.BOARD_UNAVAILABLE, f"board {name}")
            else:
                self.alarms.raise_alarm(
                    AlarmKind.BOARD_UNAVAILABLE, f"board {name}", now, health.last_error
                )

    def _on_door(
        self, comp: Compartment, t: Transition, reading: SensorReading, now: datetime
    ) -> None:
        subject = f"compartment {comp.spec.id}"
        if t.after == DoorState.FORCED:
            self.alarms.raise_alarm(AlarmKind.DOOR_FORCED, subject, now)
        elif t.after == DoorState.JAMMED:
            self.alarms.raise_alarm(AlarmKind.DOOR_JAMMED, subject, now)
            self._on_jam(comp, now)
        elif t.after == DoorState.OPEN:
            self.alarms.clear(AlarmKind.DOOR_JAMMED, subject)
            self.hand_over(comp, now)
        elif t.event == DoorEvent.CLOSED:
            self.alarms.clear(AlarmKind.DOOR_LEFT_OPEN, subject)
            self.alarms.clear(AlarmKind.DOOR_FORCED, subject)
            self.after_close(comp, reading.occupied, now)

    def _on_jam(self, comp: Compartment, now: datetime) -> None:
        """Take the compartment out of service; a load moves on, a patron gets a new code."""
        comp.out_of_service = True
        if comp.use == Use.LOADING and comp.pending is not None:
            load, comp.pending = comp.pending, None
            self.move(comp, self.abandon_event(comp))
            self._open_for_load(load, now, comp.spec.size, False)
        elif comp.use in (Use.PICKUP, Use.RETRIEVING):
            self.move(comp, UseEvent.RELEASE_FAILED)
            if comp.use == Use.HELD and comp.patron_id:
                self.issue_code(comp.patron_id, now)

    def hand_over(self, comp: Compartment, now: datetime) -> None:
        """The door opened for a patron (check out) or for staff (check in), once per item."""
        for load in comp.loads:
            if load.item_id in comp.handed_over:
                continue
            if comp.use == Use.PICKUP:
                result = self.ils.checkout(load.patron_id, load.item_id, now)
                if not result.ok:
                    log.warning("checkout of a locker item refused: %s", result.screen_message)
            elif comp.use == Use.RETRIEVING:
                self.ils.checkin(load.item_id, now)
            else:
                continue
            comp.handed_over.add(load.item_id)
            self.on_change()

    def after_close(self, comp: Compartment, occupied: bool | None, now: datetime) -> None:
        if comp.use == Use.LOADING:
            self.finish_load(comp, occupied, now)
        elif comp.use in (Use.PICKUP, Use.RETRIEVING):
            if occupied:
                self.move(comp, UseEvent.LEFT_BEHIND)
                self.alarms.raise_alarm(
                    AlarmKind.OCCUPANCY_MISMATCH,
                    f"compartment {comp.spec.id}",
                    now,
                    "closed after emptying but still occupied",
                )
            else:
                self.hand_over(comp, now)  # emptied: every item goes to its patron or to staff
                self.move(comp, UseEvent.EMPTIED)
            comp.loads.clear()
            comp.handed_over.clear()

    def _check_occupancy(self, comp: Compartment, reading: SensorReading, now: datetime) -> None:
        """A closed door whose occupancy contradicts what the compartment should hold."""
        if reading.occupied is None or not reading.door_closed:
            return
        if comp.door.state != DoorState.LOCKED or comp.use == Use.NEEDS_STAFF:
            return
        expected = comp.use in (Use.HELD, Use.EXPIRED)
        if reading.occupied != expected:
            self.alarms.raise_alarm(
                AlarmKind.OCCUPANCY_MISMATCH,
                f"compartment {comp.spec.id}",
                now,
                f"reads {'occupied' if reading.occupied else 'empty'} while {comp.use.value}",
            )
