"""The booking rules, checked before anything is sent: pure functions, `now` passed in.

Rules (LibCal's category booking rules, plus opening hours and capacity), in the order checked:
  end_before_start   the end is not after the start
  in_past            the booking ends before now (a booking may start in the slot under way)
  outside_window     the start is past today + window_days
  outside_hours      the location is closed at some moment of the booking
  off_grid           start or end is not on the category's slot grid (slots counted from opening)
  too_long           longer than max_booking_minutes
  over_capacity      more people than the space holds
  not_free           some part is not in a free slot reported by the booking system
  too_many_bookings  the patron already has max_bookings_per_day in this category that day
  day_limit          the patron's minutes that day in this category would pass max_day_minutes
The booking system checks again; these checks exist so a patron hears "no" at once, in words
the screen can translate (each Refusal has a code and the numbers it needs).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from kiosk.core.rooms.model import Booking, CategoryRules, OpeningHours, Slot, Space


@dataclass(frozen=True)
class Refusal:
    code: str
    detail: dict[str, object] = field(default_factory=dict, hash=False, compare=False)

    def describe(self) -> str:
        extra = ", ".join(f"{k}={v}" for k, v in self.detail.items())
        return f"{self.code} ({extra})" if extra else self.code


@dataclass(frozen=True)
class BookingRequest:
    space: Space
    start: datetime
    end: datetime
    email: str
    group_size: int = 1


def check_booking(
    request: BookingRequest,
    *,
    rules: CategoryRules,
    hours: OpeningHours | None,
    free: Iterable[Slot],
    patron_bookings: Iterable[Booking],
    category_space_ids: frozenset[int],
    now: datetime,
) -> tuple[Refusal, ...]:
    """Every rule the request breaks (empty: it may be sent to the booking system)."""
    start, end = request.start, request.end
    if end <= start:
        return (Refusal("end_before_start"),)
    found: list[Refusal] = []
    if end <= now:
        found.append(Refusal("in_past"))
    last_day = now.date() + timedelta(days=rules.window_days)
    if start.date() > last_day:
        found.append(Refusal("outside_window", {"last_day": last_day.isoformat()}))
    found.extend(_hours_and_grid(start, end, rules, hours))
    minutes = int((end - start).total_seconds() // 60)
    if minutes > rules.max_booking_minutes:
        found.append(Refusal("too_long", {"max_minutes": rules.max_booking_minutes}))
    if request.group_size > request.space.capacity:
        found.append(Refusal("over_capacity", {"capacity": request.space.capacity}))
    if not covered(start, end, free):
        found.append(Refusal("not_free"))
    found.extend(_patron_limits(start.date(), minutes, rules, patron_bookings, category_space_ids))
    return tuple(found)


def _hours_and_grid(
    start: datetime, end: datetime, rules: CategoryRules, hours: OpeningHours | None
) -> list[Refusal]:
    if hours is None or not hours.is_open:
        return [Refusal("outside_hours")]
    assert hours.opens is not None and hours.closes is not None
    found = []
    if start < hours.opens or end > hours.closes:
        found.append(
            Refusal(
                "outside_hours",
                {"opens": hours.opens.strftime("%H:%M"), "closes": hours.closes.strftime("%H:%M")},
            )
        )
    step = rules.slot_minutes * 60
    for moment in (start, end):
        if int((moment - hours.opens).total_seconds()) % step:
            found.append(Refusal("off_grid", {"slot_minutes": rules.slot_minutes}))
            break
    return found


def _patron_limits(
    day: date,
    minutes: int,
    rules: CategoryRules,
    patron_bookings: Iterable[Booking],
    category_space_ids: frozenset[int],
) -> list[Refusal]:
    same = [
        b
        for b in patron_bookings
        if b.active and b.space_id in category_space_ids and b.start.date() == day
    ]
    found = []
    if len(same) >= rules.max_bookings_per_day:
        found.append(Refusal("too_many_bookings", {"max_bookings": rules.max_bookings_per_day}))
    used = sum(b.minutes for b in same)
    if used + minutes > rules.max_day_minutes:
        left = max(0, rules.max_day_minutes - used)
        found.append(Refusal("day_limit", {"max_minutes": rules.max_day_minutes, "left": left}))
    return found


def covered(start: datetime, end: datetime, free: Iterable[Slot]) -> bool:
    """Is [start, end) entirely inside the union of the free slots?"""
    cursor = start
    for slot in sorted(free, key=lambda s: s.start):
        if slot.start <= cursor < slot.end:
            cursor = slot.end
        if cursor >= end:
            return True
    return cursor >= end


def merge(slots: Iterable[Slot]) -> tuple[Slot, ...]:
    """Adjacent or overlapping free slots joined into runs, in order."""
    runs: list[Slot] = []
    for slot in sorted(slots, key=lambda s: s.start):
        if runs and slot.start <= runs[-1].end:
            if slot.end > runs[-1].end:
                runs[-1] = Slot(runs[-1].start, slot.end)
        else:
            runs.append(slot)
    return tuple(runs)
