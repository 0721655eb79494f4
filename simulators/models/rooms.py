"""The booking system's behaviour, shared by the in-process fake and the LibCal wire simulator.

Owns the state of a LibCal-like booking system: locations, categories with their rules, spaces,
weekly opening hours, bookings. Answers availability as LibCal does (grid slots between opening
and closing, minus active bookings, not past, within the booking window), enforces the same
rules the kiosk checks (kiosk.core.rooms.rules, one implementation for both sides), releases
no-shows after the auto-cancel time, and takes check-ins inside the window. Time comes from an
injected clock and booking ids from a seeded random source; never touches the network.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kiosk.core.rooms.checkin import CheckInState, check_in_state, is_no_show
from kiosk.core.rooms.model import (
    CANCELLED_BY_SYSTEM,
    CANCELLED_BY_USER,
    Booking,
    Category,
    CategoryRules,
    Location,
    OpeningHours,
    Patron,
    Slot,
    Space,
)
from kiosk.core.rooms.rules import BookingRequest, Refusal, check_booking

WeeklyHours = dict[int, tuple[time, time] | None]  # weekday (0 = Monday) -> opens, closes


class ModelRefusal(Exception):
    """The booking system refuses a request (a LibCal 4xx with its error text)."""

    def __init__(self, reasons: tuple[Refusal, ...]) -> None:
        self.reasons = reasons
        super().__init__("; ".join(r.describe() for r in reasons))


class ModelNotFound(Exception):
    """No such booking, space or location."""


@dataclass
class RoomsDataset:
    tz: ZoneInfo
    locations: list[Location]
    categories: list[Category]
    spaces: list[Space]
    weekly_hours: dict[int, WeeklyHours]  # lid -> weekly hours
    bookings: list[Booking] = field(default_factory=list)


class RoomsModel:
    def __init__(
        self,
        dataset: RoomsDataset,
        clock: Callable[[], datetime],
        rng: random.Random | None = None,
    ) -> None:
        self.data = dataset
        self.clock = clock
        self._rng = rng or random.Random(0)
        self._lock = threading.RLock()
        by_cid = {c.cid: c.rules for c in dataset.categories}
        self._rules = {s.id: by_cid.get(s.cid, CategoryRules()) for s in dataset.spaces}

    # ---- reading -------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock().astimezone(self.data.tz)

    def locations(self) -> tuple[Location, ...]:
        return tuple(self.data.locations)

    def categories(self, lids: Iterable[int]) -> tuple[Category, ...]:
        wanted = set(lids)
        return tuple(c for c in self.data.categories if c.lid in wanted)

    def spaces(self, cids: Iterable[int] | None = None, ids: Iterable[int] | None = None):
        cid_set = None if cids is None else set(cids)
        id_set = None if ids is None else set(ids)
        return tuple(
            s
            for s in self.data.spaces
            if (cid_set is None or s.cid in cid_set) and (id_set is None or s.id in id_set)
        )

    def category_of(self, space: Space) -> Category:
        return next(c for c in self.data.categories if c.cid == space.cid)

    def hours(self, lid: int, day: date) -> OpeningHours:
        span = self.data.weekly_hours.get(lid, {}).get(day.weekday())
        if span is None:
            return OpeningHours(lid, day, None, None)
        tz = self.data.tz
        return OpeningHours(
            lid, day, datetime.combine(day, span[0], tz), datetime.combine(day, span[1], tz)
        )

    def free_slots(self, space_id: int, day: date) -> tuple[Slot, ...]:
        with self._lock:
            self._release_no_shows()
            space = self._space(space_id)
            rules = self._rules[space_id]
            now = self.now()
            if day > now.date() + timedelta(days=rules.window_days):
                return ()
            hours = self.hours(space.lid, day)
            if not hours.is_open:
                return ()
            assert hours.opens is not None and hours.closes is not None
            taken = [b for b in self.data.bookings if b.space_id == space_id and b.active]
            step = timedelta(minutes=rules.slot_minutes)
            slots, start = [], hours.opens
            while start + step <= hours.closes:
                end = start + step
                if end > now and not any(b.overlaps(start, end) for b in taken):
                    slots.append(Slot(start, end))
                start = end
            return tuple(slots)

    def bookings(
        self,
        day: date,
        lids: Iterable[int] | None = None,
        *,
        email: str | None = None,
        space_id: int | None = None,
        include_cancelled: bool = True,
    ) -> tuple[Booking, ...]:
        with self._lock:
            self._release_no_shows()
            lid_set = None if lids is None else set(lids)
            space_lid = {s.id: s.lid for s in self.data.spaces}
            found = (
                b
                for b in self.data.bookings
                if b.start.astimezone(self.data.tz).date() == day
                and (lid_set is None or space_lid.get(b.space_id) in lid_set)
                and (email is None or b.email.casefold() == email.casefold())
                and (space_id is None or b.space_id == space_id)
                and (include_cancelled or b.active)
            )
            return tuple(sorted(found, key=lambda b: (b.start, b.booking_id)))

    # ---- writing -------------------------------------------------------------------------
    def reserve(self, patron: Patron, space_id: int, start: datetime, end: datetime) -> Booking:
        with self._lock:
            self._release_no_shows()
            space = self._space(space_id)
            day = start.astimezone(self.data.tz).date()
            refusals = check_booking(
                BookingRequest(space, start, end, patron.email),
                rules=self._rules[space_id],
                hours=self.hours(space.lid, day),
                free=self.free_slots(space_id, day),
                patron_bookings=self.bookings(day, email=patron.email),
                category_space_ids=frozenset(s.id for s in self.spaces([space.cid])),
                now=self.now(),
            )
            if refusals:
                raise ModelRefusal(refusals)
            booking = Booking(
                booking_id=self._new_id(),
                space_id=space_id,
                start=start.astimezone(self.data.tz),
                end=end.astimezone(self.data.tz),
                first_name=patron.first_name,
                last_name=patron.last_name,
                email=patron.email,
            )
            self.data.bookings.append(booking)
            return booking

    def cancel(self, booking_id: str) -> Booking:
        with self._lock:
            booking = self._booking(booking_id)
            if not booking.active:
                raise ModelRefusal((Refusal("already_cancelled"),))
            if booking.end <= self.now():
                raise ModelRefusal((Refusal("already_over"),))
            return self._replace(booking, status=CANCELLED_BY_USER)

    def check_in(self, booking_id: str) -> Booking:
        with self._lock:
            self._release_no_shows()
            booking = self._booking(booking_id)
            rules = self._rules[booking.space_id]
            state = check_in_state(booking, rules, self.now())
            if state is CheckInState.CHECKED_IN:
                return booking  # idempotent: a replayed check-in is not an error
            if state is not CheckInState.OPEN:
                raise ModelRefusal((Refusal(f"check_in_{state.value}"),))
            return self._replace(booking, checked_in=True)

    def add_booking(self, booking: Booking) -> None:
        with self._lock:
            self.data.bookings.append(booking)

    # ---- inside --------------------------------------------------------------------------
    def _release_no_shows(self) -> None:
        now = self.now()
        for booking in list(self.data.bookings):
            if is_no_show(booking, self._rules[booking.space_id], now):
                self._replace(booking, status=CANCELLED_BY_SYSTEM)

    def _replace(self, booking: Booking, **changes: object) -> Booking:
        index = self.data.bookings.index(booking)
        self.data.bookings[index] = replace(booking, **changes)  # type: ignore[arg-type]
        return self.data.bookings[index]

    def _space(self, space_id: int) -> Space:
        for space in self.data.spaces:
            if space.id == space_id:
                return space
        raise ModelNotFound(f"no space {space_id}")

    def _booking(self, booking_id: str) -> Booking:
        for booking in self.data.bookings:
            if booking.booking_id == booking_id:
                return booking
        raise ModelNotFound(f"no booking {booking_id}")

    def _new_id(self) -> str:
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        while True:
            candidate = "cs_" + "".join(self._rng.choice(alphabet) for _ in range(8))
            if all(b.booking_id != candidate for b in self.data.bookings):
                return candidate


class SimClock:
    """The simulator's idea of now: the real time shifted by an offset, or frozen at a moment.

    Tests freeze it (`set`), demos leave it running; `advance` moves it either way.
    """

    def __init__(self, tz: ZoneInfo, frozen_at: datetime | None = None) -> None:
        self.tz = tz
        self._frozen = frozen_at
        self._offset = timedelta(0)

    def __call__(self) -> datetime:
        if self._frozen is not None:
            return self._frozen.astimezone(self.tz)
        return datetime.now(self.tz) + self._offset

    def set(self, moment: datetime) -> None:
        self._frozen = moment

    def advance(self, delta: timedelta) -> None:
        if self._frozen is not None:
            self._frozen += delta
        else:
            self._offset += delta
