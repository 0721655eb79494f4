"""The ports room booking talks through: typing.Protocols the adapters implement.

BookingSystem is the remote system (LibCal 1.1 is one module implementing it; another system
would be one more). RoomBookings is what the kiosk's screens use: an instant picture from the
local cache plus the writes, which need the booking system. PatronDirectory is the ILS seen
from here: a card gives a name and an e-mail. Calls may block; the composition root runs them
in worker threads, never on the event loop.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Protocol

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


class PatronDirectory(Protocol):
    def patron_by_card(self, card: str) -> Patron | None:
        """The patron holding this card, or None when the ILS does not know it."""
        ...


class BookingSystem(Protocol):
    """The library's booking system. Raises BookingSystemUnavailable or BookingRefused."""

    def locations(self) -> tuple[Location, ...]: ...

    def categories(self, lids: Iterable[int]) -> tuple[Category, ...]: ...

    def spaces(self, cids: Iterable[int]) -> tuple[Space, ...]: ...

    def availability(self, space_ids: Iterable[int], day: date) -> dict[int, tuple[Slot, ...]]:
        """Free slots of each space on that day (only that day's slots)."""
        ...

    def hours(self, lids: Iterable[int], day: date) -> tuple[OpeningHours, ...]: ...

    def bookings(self, lids: Iterable[int], day: date) -> tuple[Booking, ...]:
        """Every booking of that day, cancelled ones included, with check-in status."""
        ...

    def reserve(self, patron: Patron, space_id: int, start: datetime, end: datetime) -> Booking:
        """Book once: an adapter never retries a reserve blindly (it looks for it first)."""
        ...

    def cancel(self, booking_id: str) -> None: ...

    def check_in(self, booking_id: str) -> None: ...


class RoomBookings(Protocol):
    """What the room screens use. `snapshot` answers at once, even when offline."""

    def snapshot(self, now: datetime) -> RoomsSnapshot: ...

    def reserve(self, patron: Patron, space_id: int, start: datetime, end: datetime) -> Booking:
        """Needs the booking system: never made offline (no double booking)."""
        ...

    def cancel(self, booking_id: str) -> None:
        """Needs the booking system: never made offline."""
        ...

    def check_in(self, booking_id: str, now: datetime) -> bool:
        """True when the booking system took it; False when queued to be sent later."""
        ...
