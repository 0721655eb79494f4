"""The room-booking domain: locations, categories and their rules, spaces, free slots, bookings.

Owns the shapes every other rooms module speaks; mirrors LibCal's entities (Location `lid` ->
Category `cid` -> Space `id`/`eid`; bookings with a check-in status) so that a LibCal adapter and
another booking system both map onto it without loss. Never does I/O and never reads the clock:
every datetime here is timezone-aware and comes from the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# LibCal's booking status words; anything starting with "Cancelled" is not active.
CONFIRMED = "Confirmed"
TENTATIVE = "Tentative"
CANCELLED_BY_USER = "Cancelled by User"
CANCELLED_BY_SYSTEM = "Cancelled by System"  # LibCal's auto-cancel of a no-show
ACTIVE_STATUSES = frozenset({CONFIRMED, TENTATIVE})


@dataclass(frozen=True)
class Location:
    lid: int
    name: str


@dataclass(frozen=True)
class CategoryRules:
    """The limits a category imposes (LibCal: Admin > Spaces > Category > Booking Rules)."""

    slot_minutes: int = 30
    max_booking_minutes: int = 120
    max_day_minutes: int = 180  # per patron, per day, in this category
    max_bookings_per_day: int = 2  # per patron, per day, in this category
    window_days: int = 14  # how many days ahead one may book (0 = today only)
    checkin_before_minutes: int = 15  # check-in opens this long before the start
    auto_cancel_minutes: int = 15  # no-show released this long after the start (0 = never)


@dataclass(frozen=True)
class Category:
    cid: int
    lid: int
    name: str
    rules: CategoryRules = field(default_factory=CategoryRules)


@dataclass(frozen=True)
class Space:
    id: int
    lid: int
    cid: int
    name: str
    capacity: int = 1


@dataclass(frozen=True)
class Slot:
    """A bookable free interval of one space, as the booking system reports it."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class OpeningHours:
    """One location's hours on one day; `opens`/`closes` are None when closed all day."""

    lid: int
    day: date
    opens: datetime | None
    closes: datetime | None

    @property
    def is_open(self) -> bool:
        return self.opens is not None and self.closes is not None


@dataclass(frozen=True)
class Patron:
    """Who books, as the ILS knows them: the name and e-mail are never typed at the kiosk."""

    card: str
    first_name: str
    last_name: str
    email: str


@dataclass(frozen=True)
class Booking:
    booking_id: str
    space_id: int
    start: datetime
    end: datetime
    status: str = CONFIRMED
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    checked_in: bool = False

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True)
class RoomsSnapshot:
    """Everything the screens need for one day, as last fetched from the booking system.

    `refreshed_at` is when the booking system last answered (None: never); `stale` says the
    last refresh attempt failed or is too old, so screens mark the picture as possibly outdated.
    """

    day: date
    locations: tuple[Location, ...] = ()
    categories: tuple[Category, ...] = ()
    spaces: tuple[Space, ...] = ()
    hours: tuple[OpeningHours, ...] = ()
    free: dict[int, tuple[Slot, ...]] = field(default_factory=dict)
    bookings: tuple[Booking, ...] = ()
    refreshed_at: datetime | None = None
    stale: bool = True

    def space(self, space_id: int) -> Space | None:
        return next((s for s in self.spaces if s.id == space_id), None)

    def category(self, cid: int) -> Category | None:
        return next((c for c in self.categories if c.cid == cid), None)

    def hours_of(self, lid: int) -> OpeningHours | None:
        return next((h for h in self.hours if h.lid == lid and h.day == self.day), None)

    def booking(self, booking_id: str) -> Booking | None:
        return next((b for b in self.bookings if b.booking_id == booking_id), None)
