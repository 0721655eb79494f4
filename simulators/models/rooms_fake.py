"""The in-process fake booking system: the shared model behind the core's BookingSystem port.

For unit tests of the cache and the desk without HTTP. Same behaviour as the wire simulator
because both drive simulators.models.rooms; `reachable = False` makes every call fail the way
an unreachable server does (BookingSystemUnavailable), and `calls` counts the calls made.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime

from kiosk.core.rooms.errors import BookingRefused, BookingSystemUnavailable, UnknownSpace
from kiosk.core.rooms.model import (
    Booking,
    Category,
    Location,
    OpeningHours,
    Patron,
    RoomsSnapshot,
    Slot,
    Space,
)
from simulators.models.rooms import ModelNotFound, ModelRefusal, RoomsModel


class FakeBookingSystem:
    def __init__(self, model: RoomsModel) -> None:
        self.model = model
        self.reachable = True
        self.calls: Counter[str] = Counter()

    def _enter(self, name: str) -> None:
        self.calls[name] += 1
        if not self.reachable:
            raise BookingSystemUnavailable("booking system unreachable (fake)")

    def locations(self) -> tuple[Location, ...]:
        self._enter("locations")
        return self.model.locations()

    def categories(self, lids: Iterable[int]) -> tuple[Category, ...]:
        self._enter("categories")
        return self.model.categories(lids)

    def spaces(self, cids: Iterable[int]) -> tuple[Space, ...]:
        self._enter("spaces")
        return self.model.spaces(cids)

    def availability(self, space_ids: Iterable[int], day: date) -> dict[int, tuple[Slot, ...]]:
        self._enter("availability")
        return {i: self.model.free_slots(i, day) for i in space_ids}

    def hours(self, lids: Iterable[int], day: date) -> tuple[OpeningHours, ...]:
        self._enter("hours")
        return tuple(self.model.hours(lid, day) for lid in lids)

    def bookings(self, lids: Iterable[int], day: date) -> tuple[Booking, ...]:
        self._enter("bookings")
        return self.model.bookings(day, lids)

    def reserve(self, patron: Patron, space_id: int, start: datetime, end: datetime) -> Booking:
        self._enter("reserve")
        try:
            return self.model.reserve(patron, space_id, start, end)
        except ModelRefusal as exc:
            raise BookingRefused(exc.reasons) from None
        except ModelNotFound as exc:
            raise UnknownSpace(str(exc)) from None

    def cancel(self, booking_id: str) -> None:
        self._enter("cancel")
        self._write(self.model.cancel, booking_id)

    def check_in(self, booking_id: str) -> None:
        self._enter("check_in")
        self._write(self.model.check_in, booking_id)

    @staticmethod
    def _write(action, booking_id: str) -> None:
        try:
            action(booking_id)
        except ModelRefusal as exc:
            raise BookingRefused(exc.reasons) from None
        except ModelNotFound as exc:
            raise UnknownSpace(str(exc)) from None


class FakeRoomBookings:
    """The screens' RoomBookings port straight over the model: always today's live picture.

    For tests of the desk and, later, the screens, without a cache file. While the fake
    system is unreachable the last picture is kept and marked stale, reserve and cancel fail,
    and check-ins wait in `queued` (flush_check_ins sends them), as the real adapter does.
    """

    def __init__(self, system: FakeBookingSystem) -> None:
        self.system = system
        self.queued: list[str] = []
        self._last: RoomsSnapshot | None = None

    def snapshot(self, now: datetime) -> RoomsSnapshot:
        model, day = self.system.model, now.date()
        if not self.system.reachable:
            base = self._last or RoomsSnapshot(day)
            return replace(base, stale=True)
        self._last = RoomsSnapshot(
            day=day,
            locations=model.locations(),
            categories=model.categories(loc.lid for loc in model.locations()),
            spaces=model.spaces(),
            hours=tuple(model.hours(loc.lid, day) for loc in model.locations()),
            free={s.id: model.free_slots(s.id, day) for s in model.spaces()},
            bookings=model.bookings(day),
            refreshed_at=now,
            stale=False,
        )
        return self._last

    def reserve(self, patron: Patron, space_id: int, start: datetime, end: datetime) -> Booking:
        return self.system.reserve(patron, space_id, start, end)

    def cancel(self, booking_id: str) -> None:
        self.system.cancel(booking_id)

    def check_in(self, booking_id: str, now: datetime) -> bool:
        try:
            self.system.check_in(booking_id)
        except BookingSystemUnavailable:
            self.queued.append(booking_id)
            return False
        return True

    def flush_check_ins(self) -> int:
        sent = 0
        while self.queued:
            self.system.check_in(self.queued[0])
            self.queued.pop(0)
            sent += 1
        return sent
