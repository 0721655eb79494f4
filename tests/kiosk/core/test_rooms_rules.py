"""Booking rules checked before sending: one test per rule, plus the helpers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk.core.rooms.model import (
    CANCELLED_BY_USER,
    Booking,
    CategoryRules,
    OpeningHours,
    Slot,
    Space,
)
from kiosk.core.rooms.rules import BookingRequest, check_booking, covered, merge

TZ = ZoneInfo("Europe/Vilnius")
DAY = date(2026, 11, 25)
RULES = CategoryRules(
    slot_minutes=30, max_booking_minutes=120, max_day_minutes=180, max_bookings_per_day=2
)
ROOM = Space(311, 101, 202, "Grupinė erdvė A", capacity=6)
HOURS = OpeningHours(
    101, DAY, datetime(2026, 11, 25, 8, 0, tzinfo=TZ), datetime(2026, 11, 25, 20, 0, tzinfo=TZ)
)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def all_day_free() -> tuple[Slot, ...]:
    return tuple(
        Slot(at(8) + timedelta(minutes=30 * i), at(8) + timedelta(minutes=30 * (i + 1)))
        for i in range(24)
    )


def codes(start, end, *, now=None, free=None, mine=(), group=1, hours=HOURS, rules=RULES):
    found = check_booking(
        BookingRequest(ROOM, start, end, "ona@example.lt", group),
        rules=rules,
        hours=hours,
        free=all_day_free() if free is None else free,
        patron_bookings=mine,
        category_space_ids=frozenset({311, 312}),
        now=now or at(9),
    )
    return [r.code for r in found]


def test_a_good_request_passes() -> None:
    assert codes(at(10), at(11, 30)) == []


def test_end_before_start() -> None:
    assert codes(at(11), at(10)) == ["end_before_start"]
    assert codes(at(11), at(11)) == ["end_before_start"]


def test_in_past_but_the_slot_under_way_is_allowed() -> None:
    assert "in_past" in codes(at(8), at(8, 30), now=at(9))
    assert codes(at(9), at(10), now=at(9, 10)) == []


def test_outside_the_booking_window() -> None:
    later = DAY + timedelta(days=15)
    found = check_booking(
        BookingRequest(ROOM, at(10, day=later), at(11, day=later), "ona@example.lt"),
        rules=RULES,
        hours=OpeningHours(101, later, at(8, day=later), at(20, day=later)),
        free=[Slot(at(10, day=later), at(11, day=later))],
        patron_bookings=(),
        category_space_ids=frozenset({311}),
        now=at(9),
    )
    assert [r.code for r in found] == ["outside_window"]
    assert found[0].detail["last_day"] == "2026-12-09"


def test_outside_opening_hours_and_closed_days() -> None:
    assert "outside_hours" in codes(at(19, 30), at(20, 30))
    assert codes(at(10), at(11), hours=OpeningHours(101, DAY, None, None))[0] == "outside_hours"
    assert codes(at(10), at(11), hours=None)[0] == "outside_hours"


def test_off_the_slot_grid() -> None:
    assert codes(at(10, 15), at(11, 15)) == ["off_grid"]


def test_too_long() -> None:
    assert codes(at(10), at(12, 30)) == ["too_long"]


def test_capacity() -> None:
    assert codes(at(10), at(11), group=7) == ["over_capacity"]
    assert codes(at(10), at(11), group=6) == []


def test_not_free() -> None:
    free = tuple(s for s in all_day_free() if s.start != at(10, 30))
    assert codes(at(10), at(11), free=free) == ["not_free"]


def test_bookings_per_day_in_the_category() -> None:
    mine = (
        Booking("a", 312, at(8), at(8, 30), email="ona@example.lt"),
        Booking("b", 311, at(12), at(12, 30), email="ona@example.lt"),
    )
    assert codes(at(15), at(15, 30), mine=mine) == ["too_many_bookings"]


def test_cancelled_and_other_category_bookings_do_not_count() -> None:
    mine = (
        Booking("a", 312, at(8), at(10), status=CANCELLED_BY_USER, email="ona@example.lt"),
        Booking("b", 999, at(12), at(14), email="ona@example.lt"),
    )
    assert codes(at(15), at(17), mine=mine) == []


def test_minutes_per_day() -> None:
    mine = (Booking("a", 312, at(8), at(10), email="ona@example.lt"),)
    found = check_booking(
        BookingRequest(ROOM, at(15), at(16, 30), "ona@example.lt"),
        rules=RULES,
        hours=HOURS,
        free=all_day_free(),
        patron_bookings=mine,
        category_space_ids=frozenset({311, 312}),
        now=at(9),
    )
    assert [r.code for r in found] == ["day_limit"]
    assert found[0].detail == {"max_minutes": 180, "left": 60}


def test_covered_and_merge() -> None:
    slots = [Slot(at(10), at(10, 30)), Slot(at(10, 30), at(11)), Slot(at(12), at(13))]
    assert covered(at(10), at(11), slots)
    assert not covered(at(10), at(12, 30), slots)
    assert not covered(at(9, 30), at(10, 30), slots)
    assert merge(slots) == (Slot(at(10), at(11)), Slot(at(12), at(13)))
