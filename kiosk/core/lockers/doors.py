"""The door state machine of one compartment, as a table, fed by sensor readings and time.

Rules:
- LOCKED --release sent--> RELEASED --door seen open--> OPEN --door seen closed--> LOCKED
- RELEASED --no opening within release_timeout--> JAMMED (alarm "door_jammed"); a later
  release or the door opening after all leaves JAMMED
- LOCKED --door seen open--> FORCED (alarm "door_forced": nobody released it)
- FORCED --door seen closed--> LOCKED
- OPEN or FORCED for longer than the open limit raises "door_left_open" once per opening
Any (state, event) pair not in TABLE is illegal and raises IllegalTransition. Pure: readings
and ``now`` come in, transitions come out; no clock, no hardware.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class DoorState(StrEnum):
    LOCKED = "locked"
    RELEASED = "released"
    OPEN = "open"
    FORCED = "forced"
    JAMMED = "jammed"


class DoorEvent(StrEnum):
    RELEASE_SENT = "release_sent"
    OPENED = "opened"
    CLOSED = "closed"
    RELEASE_TIMED_OUT = "release_timed_out"


S, E = DoorState, DoorEvent
TABLE: dict[tuple[DoorState, DoorEvent], DoorState] = {
    (S.LOCKED, E.RELEASE_SENT): S.RELEASED,
    (S.LOCKED, E.OPENED): S.FORCED,
    (S.RELEASED, E.RELEASE_SENT): S.RELEASED,
    (S.RELEASED, E.OPENED): S.OPEN,
    (S.RELEASED, E.RELEASE_TIMED_OUT): S.JAMMED,
    (S.JAMMED, E.RELEASE_SENT): S.RELEASED,
    (S.JAMMED, E.OPENED): S.OPEN,
    (S.OPEN, E.RELEASE_SENT): S.OPEN,
    (S.OPEN, E.CLOSED): S.LOCKED,
    (S.FORCED, E.RELEASE_SENT): S.OPEN,
    (S.FORCED, E.CLOSED): S.LOCKED,
}
OPEN_STATES = frozenset({S.OPEN, S.FORCED})


class IllegalTransition(Exception):
    """The caller fed an event the door cannot take in its state: a bug in the caller."""


@dataclass(frozen=True)
class Transition:
    compartment: int
    before: DoorState
    event: DoorEvent
    after: DoorState
    at: datetime


def next_state(state: DoorState, event: DoorEvent) -> DoorState:
    try:
        return TABLE[(state, event)]
    except KeyError:
        raise IllegalTransition(f"door {state.value} cannot take {event.value}") from None


class DoorTracker:
    """One compartment's door: its state, since when, and whether it has been open too long."""

    def __init__(
        self,
        compartment: int,
        release_timeout: timedelta,
        open_limit: timedelta,
        state: DoorState = DoorState.LOCKED,
        since: datetime | None = None,
    ) -> None:
        self.compartment = compartment
        self.release_timeout = release_timeout
        self.open_limit = open_limit
        self.state = state
        self.since = since
        self.left_open_reported = False

    def apply(self, event: DoorEvent, now: datetime) -> Transition:
        before = self.state
        self.state = next_state(before, event)
        if self.state != before:
            self.since = now
            self.left_open_reported = False
        return Transition(self.compartment, before, event, self.state, now)

    def released(self, now: datetime) -> Transition:
        return self.apply(DoorEvent.RELEASE_SENT, now)

    def observe(self, door_closed: bool, now: datetime) -> list[Transition]:
        """Turn one door-sensor reading into the transitions it implies."""
        if door_closed and self.state in OPEN_STATES:
            return [self.apply(DoorEvent.CLOSED, now)]
        if not door_closed and self.state not in OPEN_STATES:
            return [self.apply(DoorEvent.OPENED, now)]
        if self.state == DoorState.RELEASED and self._elapsed(now) > self.release_timeout:
            return [self.apply(DoorEvent.RELEASE_TIMED_OUT, now)]
        return []

    def left_open(self, now: datetime) -> bool:
        """True once per opening, when the door has been open longer than the limit."""
        if self.state not in OPEN_STATES or self.left_open_reported:
            return False
        if self._elapsed(now) > self.open_limit:
            self.left_open_reported = True
            return True
        return False

    def _elapsed(self, now: datetime) -> timedelta:
        return timedelta(0) if self.since is None else now - self.since
