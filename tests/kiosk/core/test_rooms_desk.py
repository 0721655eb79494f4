"""The room desk over the shared behaviour model: book, check in, cancel, staff view, offline."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.core import model as ils_model
from kiosk.core.rooms.desk import RoomDesk
from kiosk.core.rooms.errors import (
    BookingRefused,
    BookingSystemUnavailable,
    NotYourBooking,
    PatronUnknown,
    UnknownSpace,
)
from kiosk.core.rooms.model import CANCELLED_BY_SYSTEM, CANCELLED_BY_USER, Patron
from kiosk.core.rooms.patrons import KnownPatrons, patron_from_ils, split_name
from simulators.models.rooms import RoomsModel, SimClock
from simulators.models.rooms_dataset import library_dataset
from simulators.models.rooms_fake import FakeBookingSystem, FakeRoomBookings

TZ = ZoneInfo("Europe/Vilnius")
NOW = datetime(2026, 11, 25, 10, 10, tzinfo=TZ)  # a Wednesday
ONA = Patron("LT0001", "Ona", "Onaitė", "ona.k@example.lt")


def at(hour: int, minute: int = 0) -> datetime:
    return NOW.replace(hour=hour, minute=minute)


JONAS = Patron("LT0002", "Jonas", "Jonaitis", "jonas.k@example.lt")


@pytest.fixture
def world():
    clock = SimClock(TZ, NOW)
    system = FakeBookingSystem(RoomsModel(library_dataset(NOW.date(), TZ), clock))
    rooms = FakeRoomBookings(system)
    desk = RoomDesk(rooms, KnownPatrons(ONA, JONAS, Patron("LT0003", "Be", "Pašto", "")))
    return desk, rooms, system, clock


def test_walk_up_book_check_in_cancel(world) -> None:
    desk, _, system, _ = world
    start, *ends = desk.walk_up("LT0001", 302, NOW)
    assert start == at(10) and ends[0] == at(10, 30)
    booking = desk.book("LT0001", 302, start, ends[1], NOW)
    assert booking.email == ONA.email and booking.first_name == "Ona"
    assert [b.booking_id for b in desk.my_bookings("LT0001", NOW)] == [booking.booking_id]
    outcome = desk.check_in("LT0001", booking.booking_id, NOW)
    assert not outcome.queued and outcome.booking.checked_in
    assert system.model.bookings(NOW.date(), email=ONA.email)[0].checked_in
    assert desk.cancel("LT0001", booking.booking_id, NOW).status == CANCELLED_BY_USER
    assert system.model.bookings(NOW.date(), email=ONA.email)[0].status == CANCELLED_BY_USER
    assert desk.my_bookings("LT0001", NOW) == ()


def test_rules_refuse_before_anything_is_sent(world) -> None:
    desk, _, system, _ = world
    with pytest.raises(BookingRefused) as refused:
        desk.book("LT0001", 302, at(10), at(14, 0), NOW)
    assert [r.code for r in refused.value.reasons] == ["too_long"]
    assert system.calls["reserve"] == 0


def test_later_today_and_not_another_day(world) -> None:
    desk, *_ = world
    booking = desk.book("LT0002", 321, at(15, 0), at(17), NOW)
    assert booking.start.hour == 15
    tomorrow = NOW + timedelta(days=1)
    with pytest.raises(BookingRefused) as refused:
        desk.book("LT0002", 302, tomorrow.replace(minute=0), tomorrow.replace(minute=30), NOW)
    assert refused.value.reasons[0].code == "not_today"


def test_unknown_card_and_patron_without_email(world) -> None:
    desk, *_ = world
    with pytest.raises(PatronUnknown):
        desk.walk_up("NOPE", 302, NOW)
    with pytest.raises(PatronUnknown, match="e-mail"):
        desk.walk_up("LT0003", 302, NOW)
    with pytest.raises(UnknownSpace):
        desk.walk_up("LT0001", 9999, NOW)


def test_only_the_owner_checks_in_or_cancels(world) -> None:
    desk, *_ = world
    booking = desk.book("LT0001", 302, at(13, 0), at(14), NOW)
    with pytest.raises(NotYourBooking):
        desk.cancel("LT0002", booking.booking_id, NOW)
    with pytest.raises(NotYourBooking):
        desk.check_in("LT0002", booking.booking_id, NOW)


def test_check_in_too_early_then_no_show_released(world) -> None:
    desk, _, system, clock = world
    booking = desk.book("LT0001", 302, at(13, 0), at(14), NOW)
    with pytest.raises(BookingRefused) as refused:
        desk.check_in("LT0001", booking.booking_id, NOW)
    assert refused.value.reasons[0].code == "check_in_too_early"
    later = at(13, 20)
    clock.set(later)
    assert system.model.bookings(later.date(), email=ONA.email)[0].status == CANCELLED_BY_SYSTEM
    with pytest.raises(BookingRefused) as refused:
        desk.check_in("LT0001", booking.booking_id, later)
    assert refused.value.reasons[0].code == "check_in_cancelled"


def test_offline_board_stays_bookings_refused_check_in_queued(world) -> None:
    desk, rooms, system, _ = world
    booking = desk.book("LT0001", 302, at(10), at(11, 0), NOW)
    before = desk.board(NOW)
    system.reachable = False
    view = desk.board(NOW)
    assert view.stale and view.rows == before.rows
    with pytest.raises(BookingSystemUnavailable):
        desk.book("LT0002", 304, at(10), at(10, 30), NOW)
    with pytest.raises(BookingSystemUnavailable):
        desk.cancel("LT0001", booking.booking_id, NOW)
    assert desk.check_in("LT0001", booking.booking_id, NOW).queued
    system.reachable = True
    assert rooms.flush_check_ins() == 1
    assert system.model.bookings(NOW.date(), email=ONA.email)[0].checked_in


def test_staff_day_by_room(world) -> None:
    desk, *_ = world
    desk.book("LT0001", 302, at(13, 0), at(14), NOW)
    day = dict((space.id, bookings) for space, bookings in desk.day_by_room(NOW))
    assert len(day) == 8
    assert [b.email for b in day[302]] == [ONA.email]


def test_patron_from_the_ils_record() -> None:
    assert split_name("Onaitė, Ona") == ("Ona", "Onaitė")
    assert split_name("  Ona  Marija Onaitė ") == ("Ona Marija", "Onaitė")
    assert split_name("Onaitė") == ("", "Onaitė")
    record = ils_model.Patron("LT9", "Jonaitis, Jonas", True, None, email=" j@example.lt ")
    assert patron_from_ils(record) == Patron("LT9", "Jonas", "Jonaitis", "j@example.lt")
    assert patron_from_ils(ils_model.Patron("LT9", "X", False, None)) is None


def test_walk_up_offers_nothing_once_the_days_bookings_are_used(world) -> None:
    desk, *_ = world
    desk.book("LT0002", 321, at(15), at(16), NOW)  # the arts reading room: one a day
    assert desk.walk_up("LT0002", 321, NOW) == ()
    assert desk.walk_up("LT0001", 321, NOW)[0] == at(10)
