"""The rooms cache (a real SQLite file) and its sync: incremental refresh, stale marking,
offline bookings refused, offline check-ins queued and sent later."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from backend_sync.rooms.cache import RoomsCache
from backend_sync.rooms.sync import CachedRooms
from kiosk.core.rooms.errors import BookingRefused, BookingSystemUnavailable
from kiosk.core.rooms.model import Booking, Patron
from simulators.models.rooms import RoomsModel, SimClock
from simulators.models.rooms_dataset import library_dataset
from simulators.models.rooms_fake import FakeBookingSystem

from .conftest import NOW, TZ

ONA = Patron("LT1", "Ona", "Onaitė", "ona.s@example.lt")


@pytest.fixture
def world(tmp_path: Path):
    clock = SimClock(TZ, NOW)
    system = FakeBookingSystem(RoomsModel(library_dataset(NOW.date(), TZ), clock))
    cache = RoomsCache(tmp_path / "rooms.sqlite")
    rooms = CachedRooms(system, cache, stale_after=timedelta(minutes=5))
    yield rooms, system, clock
    cache.close()


def at(hour: int, minute: int = 0):
    return NOW.replace(hour=hour, minute=minute)


def test_first_refresh_fills_the_cache(world) -> None:
    rooms, system, _ = world
    assert rooms.snapshot(NOW).stale and rooms.snapshot(NOW).spaces == ()
    report = rooms.refresh(NOW)
    assert report.ok and report.static and report.spaces == 8 and report.bookings == 4
    snap = rooms.snapshot(NOW)
    assert not snap.stale and snap.refreshed_at == NOW
    assert len(snap.spaces) == 8 and len(snap.bookings) == 4
    assert snap.category(203).rules.slot_minutes == 60
    assert snap.hours_of(101).opens == at(8)
    assert snap.free == {s.id: system.model.free_slots(s.id, NOW.date()) for s in snap.spaces}


def test_later_refreshes_are_incremental(world) -> None:
    rooms, system, _clock = world
    rooms.refresh(NOW)
    system.calls.clear()
    again = rooms.refresh(NOW + timedelta(minutes=1))
    assert again.ok and not again.static and again.rows_written == 0
    assert set(system.calls) == {"availability", "bookings"}
    system.model.reserve(ONA, 302, at(11), at(12))
    changed = rooms.refresh(NOW + timedelta(minutes=2))
    assert changed.rows_written == 3  # one booking in, two slots out
    assert rooms.refresh(NOW + timedelta(hours=7)).static


def test_refresh_if_due(world) -> None:
    rooms, _system, _ = world
    assert rooms.refresh_if_due(NOW) is not None
    assert rooms.refresh_if_due(NOW + timedelta(seconds=30)) is None
    assert rooms.refresh_if_due(NOW + timedelta(seconds=61)) is not None


def test_unreachable_keeps_the_picture_marked_stale(world) -> None:
    rooms, system, _ = world
    rooms.refresh(NOW)
    before = rooms.snapshot(NOW)
    system.reachable = False
    report = rooms.refresh(NOW + timedelta(minutes=1))
    assert not report.ok and "unreachable" in report.error
    after = rooms.snapshot(NOW + timedelta(minutes=1))
    assert after.stale and after.refreshed_at == NOW
    assert after.bookings == before.bookings and after.free == before.free
    system.reachable = True
    assert rooms.refresh(NOW + timedelta(minutes=2)).ok
    assert not rooms.snapshot(NOW + timedelta(minutes=2)).stale


def test_an_old_picture_is_stale_even_without_a_failure(world) -> None:
    rooms, *_ = world
    rooms.refresh(NOW)
    assert rooms.snapshot(NOW + timedelta(minutes=6)).stale


def test_booking_and_cancel_show_at_once_and_never_offline(world) -> None:
    rooms, system, _ = world
    rooms.refresh(NOW)
    booking = rooms.reserve(ONA, 302, at(11), at(12))
    snap = rooms.snapshot(NOW)
    assert snap.booking(booking.booking_id) is not None
    assert all(not booking.overlaps(s.start, s.end) for s in snap.free[302])
    rooms.cancel(booking.booking_id)
    snap = rooms.snapshot(NOW)
    assert not snap.booking(booking.booking_id).active
    assert any(s.start == at(11) for s in snap.free[302])
    system.reachable = False
    with pytest.raises(BookingSystemUnavailable):
        rooms.reserve(ONA, 303, at(15), at(16))
    with pytest.raises(BookingSystemUnavailable):
        rooms.cancel("cs_SEED0000")
    assert system.model.bookings(NOW.date(), email=ONA.email, include_cancelled=False) == ()


def test_offline_check_in_is_queued_then_sent(world) -> None:
    rooms, system, _ = world
    rooms.refresh(NOW)
    booking = rooms.reserve(ONA, 302, at(10), at(11))
    system.reachable = False
    assert rooms.check_in(booking.booking_id, NOW) is False
    assert rooms.snapshot(NOW).booking(booking.booking_id).checked_in
    assert [q.booking_id for q in rooms.cache.queued_check_ins()] == [booking.booking_id]
    assert not rooms.refresh(NOW + timedelta(minutes=1)).ok
    assert rooms.cache.queued_check_ins()[0].attempts == 1
    system.reachable = True
    report = rooms.refresh(NOW + timedelta(minutes=2))
    assert report.check_ins_sent == 1 and rooms.cache.queued_check_ins() == ()
    assert system.model.bookings(NOW.date(), email=ONA.email)[0].checked_in


def test_a_queued_check_in_refused_later_is_kept_for_staff(world) -> None:
    rooms, system, clock = world
    rooms.refresh(NOW)
    booking = rooms.reserve(ONA, 302, at(10), at(11))
    system.reachable = False
    rooms.check_in(booking.booking_id, NOW)
    clock.set(at(10, 20))  # the booking system released the no-show meanwhile
    system.reachable = True
    report = rooms.refresh(at(10, 20))
    assert report.ok and report.check_ins_sent == 0
    (refused,) = rooms.cache.queued_check_ins(state="refused")
    assert "check_in_cancelled" in refused.last_error


def test_check_in_refused_online_is_not_queued(world) -> None:
    rooms, *_ = world
    rooms.refresh(NOW)
    booking = rooms.reserve(ONA, 302, at(13), at(14))
    with pytest.raises(BookingRefused):
        rooms.check_in(booking.booking_id, NOW)
    assert rooms.cache.queued_check_ins(state=None) == ()


def test_yesterdays_bookings_are_purged(tmp_path: Path) -> None:
    cache = RoomsCache(tmp_path / "r.sqlite")
    old = Booking(
        "cs_OLD", 302, at(10) - timedelta(days=1), at(11) - timedelta(days=1), email="x@y"
    )
    cache.store_day(NOW.date() - timedelta(days=1), {}, [old], NOW - timedelta(days=1))
    assert cache.booking("cs_OLD") is not None
    cache.store_day(NOW.date(), {}, [], NOW)
    assert cache.booking("cs_OLD") is None
    cache.close()


def test_cache_survives_reopening(tmp_path: Path, world) -> None:
    rooms, *_ = world
    rooms.refresh(NOW)
    path = Path(str(rooms.cache.engine.url.database))
    reopened = RoomsCache(path)
    snap = reopened.snapshot(NOW.date(), NOW, timedelta(minutes=5))
    assert len(snap.spaces) == 8 and snap.refreshed_at == NOW
    reopened.close()


def test_keep_refreshed_runs_in_a_worker_thread_until_stopped(world) -> None:
    import asyncio

    from backend_sync.rooms.sync import keep_refreshed

    rooms, system, _ = world
    moments = iter([NOW, NOW + timedelta(seconds=10), NOW + timedelta(seconds=70)])

    async def scenario() -> int:
        stop = asyncio.Event()

        def now():
            try:
                return next(moments)
            except StopIteration:
                stop.set()
                return NOW + timedelta(seconds=80)

        return await keep_refreshed(rooms, now, stop, tick_s=0)

    assert asyncio.run(scenario()) == 2  # at NOW and at +70 s; +10 s and +80 s were not due
    assert system.calls["bookings"] == 2
