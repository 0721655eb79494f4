"""Keeps the rooms cache in step with the booking system; the screens' RoomBookings port.

Reads come from the cache at once (marked stale when the booking system stopped answering);
refreshes run on a schedule (`refresh_if_due`) and on demand (`refresh`): locations,
categories and spaces every `static_every`, opening hours once a day, availability and
bookings of the day every time. Bookings and cancellations go straight to the booking system
and fail when it is unreachable (never made offline: no double booking). Check-ins made while
it is unreachable wait in the cache's own queue table and are sent before the next refresh.
Blocking (HTTP, SQLite): call from a worker thread, never the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from backend_sync.rooms.cache import RoomsCache
from kiosk.core.rooms.board import closed_today
from kiosk.core.rooms.errors import BookingRefused, BookingSystemUnavailable
from kiosk.core.rooms.model import Booking, Patron, RoomsSnapshot
from kiosk.core.rooms.ports import BookingSystem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefreshReport:
    ok: bool
    static: bool  # locations, categories and spaces were fetched too
    spaces: int
    bookings: int
    rows_written: int
    check_ins_sent: int
    error: str = ""


class CachedRooms:
    def __init__(
        self,
        system: BookingSystem,
        cache: RoomsCache,
        *,
        location_ids: tuple[int, ...] = (),
        refresh_every: timedelta = timedelta(minutes=1),
        static_every: timedelta = timedelta(hours=6),
        stale_after: timedelta = timedelta(minutes=5),
    ) -> None:
        self.system = system
        self.cache = cache
        self.location_ids = location_ids
        self.refresh_every = refresh_every
        self.static_every = static_every
        self.stale_after = stale_after

    # ---- RoomBookings -------------------------------------------------------------------
    def snapshot(self, now: datetime) -> RoomsSnapshot:
        return self.cache.snapshot(now.date(), now, self.stale_after)

    def reserve(self, patron: Patron, space_id: int, start: datetime, end: datetime) -> Booking:
        booking = self.system.reserve(patron, space_id, start, end)
        self.cache.apply_booking(booking)
        return booking

    def cancel(self, booking_id: str) -> None:
        self.system.cancel(booking_id)
        self.cache.apply_cancel(booking_id)
        self._refetch_free_of(booking_id)

    def check_in(self, booking_id: str, now: datetime) -> bool:
        try:
            self.system.check_in(booking_id)
        except BookingRefused:
            raise
        except BookingSystemUnavailable as exc:
            log.warning("check-in %s queued: booking system unreachable (%s)", booking_id, exc)
            self.cache.queue_check_in(booking_id, now)
            self.cache.apply_check_in(booking_id)
            return False
        self.cache.apply_check_in(booking_id)
        return True

    # ---- refreshing ---------------------------------------------------------------------
    def refresh_if_due(self, now: datetime) -> RefreshReport | None:
        marks = self.cache.marks()
        last = max((m for m in (marks.refreshed_at, marks.failed_at) if m), default=None)
        if last is not None and now - last < self.refresh_every:
            return None
        return self.refresh(now)

    def _hours_ahead(self, lids: tuple[int, ...], now: datetime) -> None:
        """Closed for the rest of today: fetch the coming days' hours (each once, at most a
        week) until one is open, so the board can say when the library opens next."""
        snap = self.cache.snapshot(now.date(), now, self.stale_after)
        if not lids or not all(closed_today(snap, lid, now) for lid in lids):
            return
        for ahead in range(1, 8):
            day = now.date() + timedelta(days=ahead)
            if not self.cache.has_hours(day):
                self.cache.store_hours(self.system.hours(lids, day))
            if self.cache.open_on(day):
                return

    def refresh(self, now: datetime, full: bool = False) -> RefreshReport:
        """Fetch the day's picture; on failure keep the old one and mark it stale."""
        marks = self.cache.marks()
        static = full or marks.static_at is None or now - marks.static_at >= self.static_every
        try:
            sent = self.flush_check_ins(now)
            if static:
                self._refresh_static(now)
            snap = self.cache.snapshot(now.date(), now, self.stale_after)
            lids = tuple(loc.lid for loc in snap.locations)
            if static or not self.cache.has_hours(now.date()):
                self.cache.store_hours(self.system.hours(lids, now.date()))
            self._hours_ahead(lids, now)
            free = self.system.availability([s.id for s in snap.spaces], now.date())
            bookings = self.system.bookings(lids, now.date())
            written = self.cache.store_day(now.date(), free, bookings, now)
        except BookingSystemUnavailable as exc:
            log.warning("rooms refresh failed, showing the cached picture: %s", exc)
            self.cache.mark_failed(now, str(exc))
            return RefreshReport(False, static, 0, 0, 0, 0, str(exc))
        return RefreshReport(True, static, len(free), len(bookings), written, sent)

    def flush_check_ins(self, now: datetime) -> int:
        """Send queued check-ins; stops at the first that cannot be delivered."""
        sent = 0
        for queued in self.cache.queued_check_ins():
            try:
                self.system.check_in(queued.booking_id)
            except BookingRefused as exc:
                log.warning("queued check-in %s refused: %s", queued.booking_id, exc)
                self.cache.check_in_failed(queued.booking_id, str(exc), refused=True)
                continue
            except BookingSystemUnavailable as exc:
                self.cache.check_in_failed(queued.booking_id, str(exc), refused=False)
                raise
            self.cache.check_in_sent(queued.booking_id)
            sent += 1
        return sent

    def _refresh_static(self, now: datetime) -> None:
        locations = self.system.locations()
        if self.location_ids:
            locations = tuple(loc for loc in locations if loc.lid in self.location_ids)
        categories = self.system.categories([loc.lid for loc in locations])
        spaces = self.system.spaces([c.cid for c in categories])
        self.cache.store_static(locations, categories, spaces, now)

    def _refetch_free_of(self, booking_id: str) -> None:
        """After a cancel, the freed slots come back: ask for that one space's availability."""
        booking = self.cache.booking(booking_id)
        if booking is None:
            return
        day = booking.start.date()
        try:
            self.cache.replace_free(day, self.system.availability([booking.space_id], day))
        except BookingSystemUnavailable as exc:
            log.info("freed slots will show after the next refresh: %s", exc)


async def keep_refreshed(
    rooms: CachedRooms,
    now: Callable[[], datetime],
    stop: asyncio.Event,
    tick_s: float = 5.0,
) -> int:
    """Run `refresh_if_due` in a worker thread every `tick_s` until `stop` is set.

    For the composition root's event loop: the loop never blocks on HTTP or SQLite. A refresh
    failure is already recorded in the cache (the board shows "possibly stale"), so the loop
    goes on. Returns the number of refreshes made.
    """
    made = 0
    while not stop.is_set():
        report = await asyncio.to_thread(rooms.refresh_if_due, now())
        made += report is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=tick_s)
    return made
