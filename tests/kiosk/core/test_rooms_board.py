"""The room board: now/next per room, the day's timeline, walk-up end times; check-in window."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.rooms.board import board, room_now, timeline, walk_up_ends
from kiosk.core.rooms.checkin import CheckInState, check_in_state, is_no_show, window
from kiosk.core.rooms.model import (
    CANCELLED_BY_SYSTEM,
    Booking,
    Category,
    CategoryRules,
    Location,
    OpeningHours,
    RoomsSnapshot,
    Slot,
    Space,
)
from kiosk.core.rooms.rules import BookingRequest, check_booking

TZ = ZoneInfo("Europe/Vilnius")
DAY = date(2026, 11, 25)
RULES = CategoryRules(slot_minutes=30, max_booking_minutes=120, max_day_minutes=180)
A = Space(311, 101, 202, "A", 6)
B = Space(312, 101, 202, "B", 8)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 25, hour, minute, tzinfo=TZ)


def slots(start: datetime, end: datetime) -> tuple[Slot, ...]:
    out, cursor = [], start
    while cursor < end:
        out.append(Slot(cursor, cursor + timedelta(minutes=30)))
        cursor += timedelta(minutes=30)
    return tuple(out)


def snapshot() -> RoomsSnapshot:
    held = Booking("cs_A", 311, at(11), at(12), first_name="Ona", email="ona@example.lt")
    return RoomsSnapshot(
        day=DAY,
        locations=(Location(101, "Centrinė"),),
        categories=(Category(202, 101, "Grupinės", RULES),),
        spaces=(B, A),
        hours=(OpeningHours(101, DAY, at(8), at(20)),),
        free={311: slots(at(8), at(11)) + slots(at(12), at(20)), 312: slots(at(13), at(15))},
        bookings=(held,),
        refreshed_at=at(9),
        stale=False,
    )


def test_free_now_until_the_next_booking() -> None:
    row = room_now(snapshot(), A, at(10, 10))
    assert row.free_now and row.free_until == at(11)
    assert row.next_booking is not None and row.next_booking.booking_id == "cs_A"


def test_busy_now_names_the_booking_and_the_next_free_time() -> None:
    row = room_now(snapshot(), A, at(11, 20))
    assert not row.free_now and row.next_free == at(12)
    assert row.current is not None and row.current.booking_id == "cs_A"


def test_board_lists_free_rooms_first() -> None:
    rows = board(snapshot(), at(10))
    assert [r.space.name for r in rows] == ["A", "B"]
    assert rows[1].next_free == at(13)


def test_timeline_covers_opening_to_closing() -> None:
    segments = timeline(snapshot(), A)
    assert [(s.start.hour, s.end.hour, s.state) for s in segments] == [
        (8, 11, "free"),
        (11, 12, "booked"),
        (12, 20, "free"),
    ]
    assert timeline(snapshot(), B)[0].state == "booked"


def test_walk_up_starts_at_the_slot_under_way_and_stops_at_the_next_booking() -> None:
    choices = walk_up_ends(snapshot(), A, RULES, at(10, 10), minutes_left_today=180)
    assert choices == (at(10), at(10, 30), at(11))


def test_walk_up_respects_max_length_and_what_is_left_today() -> None:
    assert walk_up_ends(snapshot(), A, RULES, at(12, 5), 180)[-1] == at(14)
    assert walk_up_ends(snapshot(), A, RULES, at(12, 5), 60) == (at(12), at(12, 30), at(13))
    assert walk_up_ends(snapshot(), A, RULES, at(12, 5), 0) == ()


def test_walk_up_not_free_now_and_not_past_closing() -> None:
    assert walk_up_ends(snapshot(), A, RULES, at(11, 30), 180) == ()
    assert walk_up_ends(snapshot(), A, RULES, at(19, 40), 180) == (at(19, 30), at(20))


def test_check_in_window_and_states() -> None:
    rules = CategoryRules(checkin_before_minutes=15, auto_cancel_minutes=15)
    booking = Booking("cs_B", 311, at(11), at(12))
    assert window(booking, rules) == (at(10, 45), at(11, 15))
    assert check_in_state(booking, rules, at(10, 40)) is CheckInState.TOO_EARLY
    assert check_in_state(booking, rules, at(10, 45)) is CheckInState.OPEN
    assert check_in_state(booking, rules, at(11, 15)) is CheckInState.CLOSED
    checked = Booking("cs_B", 311, at(11), at(12), checked_in=True)
    assert check_in_state(checked, rules, at(11)) is CheckInState.CHECKED_IN
    released = Booking("cs_B", 311, at(11), at(12), status=CANCELLED_BY_SYSTEM)
    assert check_in_state(released, rules, at(11)) is CheckInState.CANCELLED


def test_without_auto_cancel_the_window_lasts_until_the_end() -> None:
    rules = CategoryRules(auto_cancel_minutes=0)
    booking = Booking("cs_C", 311, at(11), at(12))
    assert window(booking, rules)[1] == at(12)
    assert not is_no_show(booking, rules, at(11, 59))


def test_no_show() -> None:
    rules = CategoryRules(auto_cancel_minutes=15)
    booking = Booking("cs_D", 311, at(11), at(12))
    assert not is_no_show(booking, rules, at(11, 14))
    assert is_no_show(booking, rules, at(11, 15))
    assert not is_no_show(Booking("cs_D", 311, at(11), at(12), checked_in=True), rules, at(11, 30))


@settings(max_examples=200, deadline=None)
@given(
    booked=st.sets(st.integers(0, 23), max_size=12),
    minute=st.integers(0, 12 * 60 - 1),
    max_slots=st.integers(1, 8),
    left_slots=st.integers(0, 10),
)
def test_walk_up_offers_exactly_what_the_rules_accept(booked, minute, max_slots, left_slots):
    """Every end offered passes the rule check; one slot more would not."""
    now = at(8) + timedelta(minutes=minute)
    rules = CategoryRules(slot_minutes=30, max_booking_minutes=30 * max_slots, max_day_minutes=600)
    grid = [
        Slot(at(8) + timedelta(minutes=30 * i), at(8) + timedelta(minutes=30 * (i + 1)))
        for i in range(24)
    ]
    free = tuple(s for i, s in enumerate(grid) if i not in booked and s.end > now)
    snap = replace(snapshot(), free={A.id: free}, bookings=())
    offered = walk_up_ends(snap, A, rules, now, minutes_left_today=30 * left_slots)

    def refusals(end):
        return check_booking(
            BookingRequest(A, offered[0], end, "ona@example.lt"),
            rules=replace(rules, max_day_minutes=30 * left_slots),
            hours=snap.hours_of(A.lid),
            free=free,
            patron_bookings=(),
            category_space_ids=frozenset({A.id}),
            now=now,
        )

    if not offered:
        current = next((s for s in free if s.start <= now < s.end), None)
        assert current is None or left_slots == 0
        return
    assert all(refusals(end) == () for end in offered[1:])
    assert refusals(offered[-1] + timedelta(minutes=30)) != ()
