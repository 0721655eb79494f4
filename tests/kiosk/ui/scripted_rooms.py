"""A scripted room-booking backend for the room SCREEN tests (no simulator, no HTTP).

In memory, one day, a handful of rooms (an individual work space, a group work space, the arts
reading room) open 08:00–20:00; free time is opening hours minus active bookings. It is not the
booking system's behaviour model (simulators/models/rooms.py is; the showroom of `kiosk run
--demo-session` uses its fake, kiosk/demo/showroom.py): the rules are still the real ones,
checked by the room desk in kiosk/core/rooms before anything reaches this. Test readers: card
24000123 (Rūta, ruta@example.lt), 24000124 (Jonas).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta, tzinfo

from kiosk.core.rooms.errors import BookingSystemUnavailable
from kiosk.core.rooms.model import (
    CANCELLED_BY_USER,
    Booking,
    Category,
    CategoryRules,
    Location,
    OpeningHours,
    Patron,
    RoomsSnapshot,
    Slot,
    Space,
)
from kiosk.core.rooms.rules import merge

LID = 1
DEMO_PATRONS = (
    Patron("24000123", "Rūta", "Petraitienė", "ruta@example.lt"),
    Patron("24000124", "Jonas", "Jonaitis", "jonas@example.lt"),
)


class ScriptedRooms:
    """RoomBookings and PatronDirectory in one: what kiosk.core.rooms.desk.RoomDesk needs."""

    def __init__(self, day: date, tz: tzinfo, reachable: bool = True) -> None:
        self.day = day
        self.tz = tz
        self.reachable = reachable
        self.categories = (
            Category(10, LID, "Individualaus darbo erdvės", CategoryRules(max_booking_minutes=180)),
            Category(11, LID, "Grupinio darbo erdvės", CategoryRules()),
            Category(12, LID, "Menų skaitykla", CategoryRules(slot_minutes=60)),
        )
        self.spaces = (
            Space(301, LID, 10, "Individuali erdvė 1", 1),
            Space(311, LID, 11, "Grupinė erdvė A", 6),
            Space(321, LID, 12, "Menų skaitykla", 20),
        )
        self.bookings: list[Booking] = [
            Booking("cs_DEMO0001", 311, self._at(9), self._at(11), first_name="Jonas",
                    last_name="Jonaitis", email="jonas@example.lt"),
        ]  # fmt: skip
        self.refreshed_at: datetime | None = None
        self._next = 2

    def _at(self, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(self.day, time(hour, minute), self.tz)

    # -- PatronDirectory -----------------------------------------------------------------

    def patron_by_card(self, card: str) -> Patron | None:
        return next((p for p in DEMO_PATRONS if p.card == card), None)

    # -- RoomBookings --------------------------------------------------------------------

    def refresh(self, now: datetime, force: bool = False) -> bool:
        if self.reachable:
            self.refreshed_at = now
        return self.reachable

    def snapshot(self, now: datetime) -> RoomsSnapshot:
        hours = OpeningHours(LID, self.day, self._at(8), self._at(20))
        return RoomsSnapshot(
            day=self.day,
            locations=(Location(LID, "Centrinė biblioteka"),),
            categories=self.categories,
            spaces=self.spaces,
            hours=(hours,),
            free={space.id: self._free(space) for space in self.spaces},
            bookings=tuple(self.bookings),
            refreshed_at=self.refreshed_at,
            stale=not self.reachable or self.refreshed_at is None,
        )

    def _free(self, space: Space) -> tuple[Slot, ...]:
        step = timedelta(minutes=30)
        taken = [b for b in self.bookings if b.space_id == space.id and b.active]
        slots = []
        moment = self._at(8)
        while moment < self._at(20):
            if not any(b.overlaps(moment, moment + step) for b in taken):
                slots.append(Slot(moment, moment + step))
            moment += step
        return merge(tuple(slots))

    def reserve(self, patron: Patron, space_id: int, start: datetime, end: datetime) -> Booking:
        self._need_system()
        booking = Booking(
            f"cs_DEMO{self._next:04d}",
            space_id,
            start,
            end,
            first_name=patron.first_name,
            last_name=patron.last_name,
            email=patron.email,
        )
        self._next += 1
        self.bookings.append(booking)
        return booking

    def cancel(self, booking_id: str) -> None:
        self._need_system()
        self._replace(booking_id, status=CANCELLED_BY_USER)

    def check_in(self, booking_id: str, now: datetime) -> bool:
        self._replace(booking_id, checked_in=True)
        return self.reachable

    def _replace(self, booking_id: str, **changes: object) -> None:
        self.bookings = [
            replace(b, **changes) if b.booking_id == booking_id else b for b in self.bookings
        ]

    def _need_system(self) -> None:
        if not self.reachable:
            raise BookingSystemUnavailable("demo booking system switched off")
