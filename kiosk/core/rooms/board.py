"""The room board: free/busy now and next per room, the day's timeline, walk-up end times.

Pure: takes a RoomsSnapshot and `now`, returns immutable views the screens render. "Free" is
what the booking system reported as bookable slots (it already folds in opening hours, other
bookings and blackouts); bookings only name who holds a busy stretch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.core.rooms.model import Booking, CategoryRules, RoomsSnapshot, Slot, Space
from kiosk.core.rooms.rules import merge


@dataclass(frozen=True)
class RoomNow:
    """One row of the board: is the room free now, until when, and what comes next."""

    space: Space
    free_now: bool
    free_until: datetime | None  # end of the free run under way (free_now only)
    next_free: datetime | None  # start of the next free run (not free_now only)
    current: Booking | None  # the booking holding the room now, when the system says who
    next_booking: Booking | None
    closed_today: bool = False  # the library is closed all day, or has closed for the day
    opens_next: datetime | None = None  # when it opens next, as far as the hours known say

    @property
    def bookable(self) -> bool:
        """A slot exists to book today (now or later): otherwise no "Book" is offered."""
        return self.free_now or self.next_free is not None


@dataclass(frozen=True)
class Segment:
    start: datetime
    end: datetime
    state: str  # "free", "booked" or "closed"


def room_now(snapshot: RoomsSnapshot, space: Space, now: datetime) -> RoomNow:
    runs = merge(snapshot.free.get(space.id, ()))
    under_way = next((r for r in runs if r.start <= now < r.end), None)
    later = next((r for r in runs if r.start > now), None)
    mine = sorted(
        (b for b in snapshot.bookings if b.space_id == space.id and b.active),
        key=lambda b: b.start,
    )
    current = next((b for b in mine if b.start <= now < b.end), None)
    upcoming = next((b for b in mine if b.start > now), None)
    return RoomNow(
        space=space,
        free_now=under_way is not None,
        free_until=under_way.end if under_way else None,
        next_free=None if under_way else (later.start if later else None),
        current=current,
        next_booking=upcoming,
        closed_today=closed_today(snapshot, space.lid, now),
        opens_next=next_opening(snapshot, space.lid, now),
    )


def closed_today(snapshot: RoomsSnapshot, lid: int, now: datetime) -> bool:
    """Closed all day, or closed for the rest of it; False when the day's hours are unknown
    (the board then says only what the free slots say)."""
    hours = snapshot.hours_of(lid)
    if hours is None:
        return False
    return not hours.is_open or (hours.closes is not None and now >= hours.closes)


def next_opening(snapshot: RoomsSnapshot, lid: int, now: datetime) -> datetime | None:
    """The next opening after ``now`` among the hours the snapshot holds (today's, and the
    coming days' when the booking system gave them), or None when none is known."""
    opens = sorted(h.opens for h in snapshot.hours if h.lid == lid and h.opens is not None)
    return next((moment for moment in opens if moment > now), None)


def board(snapshot: RoomsSnapshot, now: datetime) -> tuple[RoomNow, ...]:
    """Every space, free ones first, then by name: what a patron scans for."""
    rows = [room_now(snapshot, space, now) for space in snapshot.spaces]
    return tuple(sorted(rows, key=lambda r: (not r.free_now, r.space.name)))


def timeline(snapshot: RoomsSnapshot, space: Space) -> tuple[Segment, ...]:
    """The space's day from opening to closing, cut into free/booked stretches."""
    hours = snapshot.hours_of(space.lid)
    if hours is None or not hours.is_open:
        return ()
    assert hours.opens is not None and hours.closes is not None
    segments: list[Segment] = []
    cursor = hours.opens
    for run in merge(snapshot.free.get(space.id, ())):
        start, end = max(run.start, hours.opens), min(run.end, hours.closes)
        if end <= start:
            continue
        if start > cursor:
            segments.append(Segment(cursor, start, "booked"))
        segments.append(Segment(start, end, "free"))
        cursor = end
    if cursor < hours.closes:
        segments.append(Segment(cursor, hours.closes, "booked"))
    return tuple(segments)


def walk_up_ends(
    snapshot: RoomsSnapshot,
    space: Space,
    rules: CategoryRules,
    now: datetime,
    minutes_left_today: int,
) -> tuple[datetime, ...]:
    """ "From now until …": the slot start under way, then each end the patron may choose.

    Returns (start, end1, end2, …), or () when the room is not free now. Ends step by the
    slot length and stop at the end of the free run, the maximum booking length, closing
    time and what is left of the patron's daily allowance.
    """
    run = next((r for r in merge(snapshot.free.get(space.id, ())) if r.start <= now < r.end), None)
    if run is None:
        return ()
    step = timedelta(minutes=rules.slot_minutes)
    start = _slot_start(snapshot, space, run, now, step)
    limit_minutes = min(rules.max_booking_minutes, minutes_left_today)
    limit = min(run.end, start + timedelta(minutes=limit_minutes))
    hours = snapshot.hours_of(space.lid)
    if hours is not None and hours.closes is not None:
        limit = min(limit, hours.closes)
    ends = []
    end = start + step
    while end <= limit:
        ends.append(end)
        end += step
    return (start, *ends) if ends else ()


def _slot_start(
    snapshot: RoomsSnapshot, space: Space, run: Slot, now: datetime, step: timedelta
) -> datetime:
    """The start of the grid slot containing `now` (the grid counts from opening time)."""
    hours = snapshot.hours_of(space.lid)
    origin = hours.opens if hours is not None and hours.opens is not None else run.start
    slots_done = (now - origin) // step
    return max(run.start, origin + slots_done * step)
