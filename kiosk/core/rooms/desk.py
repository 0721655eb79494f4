"""The room desk: what a patron and staff do with rooms at the kiosk, UI-free.

Book (walk-up "from now until …" or a later slot today), check in with the library card,
cancel one's own booking, and staff's view of the day by room. The patron is always the
one the ILS names for the card presented; the rules are checked here before anything is
sent, and the booking system has the last word. Never touches the network or the clock:
adapters come in through the ports, `now` through every call.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from kiosk.core.rooms import board as board_view
from kiosk.core.rooms.checkin import CheckInState, check_in_state
from kiosk.core.rooms.errors import (
    BookingRefused,
    NotYourBooking,
    PatronUnknown,
    UnknownSpace,
)
from kiosk.core.rooms.model import (
    CANCELLED_BY_USER,
    Booking,
    CategoryRules,
    Patron,
    RoomsSnapshot,
    Space,
)
from kiosk.core.rooms.ports import PatronDirectory, RoomBookings
from kiosk.core.rooms.rules import BookingRequest, Refusal, check_booking


@dataclass(frozen=True)
class BoardView:
    rows: tuple[board_view.RoomNow, ...]
    refreshed_at: datetime | None
    stale: bool


@dataclass(frozen=True)
class CheckInOutcome:
    booking: Booking
    queued: bool  # True: the booking system was unreachable, the check-in waits in the queue


class RoomDesk:
    def __init__(self, bookings: RoomBookings, patrons: PatronDirectory) -> None:
        self._bookings = bookings
        self._patrons = patrons

    def board(self, now: datetime) -> BoardView:
        snap = self._bookings.snapshot(now)
        return BoardView(board_view.board(snap, now), snap.refreshed_at, snap.stale)

    def identify(self, card: str) -> Patron:
        patron = self._patrons.patron_by_card(card)
        if patron is None:
            raise PatronUnknown("card not known to the library system")
        if not patron.email:
            raise PatronUnknown("no e-mail address on file: ask at the desk")
        return patron

    def walk_up(self, card: str, space_id: int, now: datetime) -> tuple[datetime, ...]:
        """(start, end choices…) for booking this room from now; () when it is not free."""
        patron = self.identify(card)
        snap = self._bookings.snapshot(now)
        space, rules = _space_and_rules(snap, space_id)
        ids = _category_space_ids(snap, space)
        today = [
            b
            for b in _patron_bookings(snap, patron)
            if b.active and b.space_id in ids and b.start.date() == now.date()
        ]
        if len(today) >= rules.max_bookings_per_day:
            return ()
        left = rules.max_day_minutes - sum(b.minutes for b in today)
        return board_view.walk_up_ends(snap, space, rules, now, left)

    def book(
        self,
        card: str,
        space_id: int,
        start: datetime,
        end: datetime,
        now: datetime,
        group_size: int = 1,
    ) -> Booking:
        patron = self.identify(card)
        snap = self._bookings.snapshot(now)
        space, rules = _space_and_rules(snap, space_id)
        refusals = check_booking(
            BookingRequest(space, start, end, patron.email, group_size),
            rules=rules,
            hours=snap.hours_of(space.lid) if start.date() == snap.day else None,
            free=snap.free.get(space.id, ()),
            patron_bookings=_patron_bookings(snap, patron),
            category_space_ids=_category_space_ids(snap, space),
            now=now,
        )
        if start.date() != snap.day:
            refusals = (Refusal("not_today"), *refusals)
        if refusals:
            raise BookingRefused(refusals)
        return self._bookings.reserve(patron, space.id, start, end)

    def my_bookings(self, card: str, now: datetime) -> tuple[Booking, ...]:
        patron = self.identify(card)
        snap = self._bookings.snapshot(now)
        return tuple(
            sorted(
                (b for b in _patron_bookings(snap, patron) if b.active and b.end > now),
                key=lambda b: b.start,
            )
        )

    def check_in(self, card: str, booking_id: str, now: datetime) -> CheckInOutcome:
        booking, rules = self._own_booking(card, booking_id, now)
        state = check_in_state(booking, rules, now)
        if state is not CheckInState.OPEN:
            raise BookingRefused((Refusal(f"check_in_{state.value}"),))
        sent = self._bookings.check_in(booking_id, now)
        return CheckInOutcome(replace(booking, checked_in=True), queued=not sent)

    def cancel(self, card: str, booking_id: str, now: datetime) -> Booking:
        booking, _ = self._own_booking(card, booking_id, now)
        if not booking.active:
            raise BookingRefused((Refusal("already_cancelled"),))
        if booking.end <= now:
            raise BookingRefused((Refusal("already_over"),))
        self._bookings.cancel(booking_id)
        return replace(booking, status=CANCELLED_BY_USER)

    def day_by_room(self, now: datetime) -> tuple[tuple[Space, tuple[Booking, ...]], ...]:
        """Staff: every space with the day's bookings (cancelled ones too), in time order."""
        snap = self._bookings.snapshot(now)
        return tuple(
            (
                space,
                tuple(
                    sorted(
                        (b for b in snap.bookings if b.space_id == space.id),
                        key=lambda b: b.start,
                    )
                ),
            )
            for space in sorted(snap.spaces, key=lambda s: s.name)
        )

    def _own_booking(
        self, card: str, booking_id: str, now: datetime
    ) -> tuple[Booking, CategoryRules]:
        patron = self.identify(card)
        snap = self._bookings.snapshot(now)
        booking = snap.booking(booking_id)
        if booking is None:
            raise UnknownSpace(f"no booking {booking_id} today")
        if booking.email.casefold() != patron.email.casefold():
            raise NotYourBooking("this booking belongs to another reader")
        _, rules = _space_and_rules(snap, booking.space_id)
        return booking, rules


def _space_and_rules(snap: RoomsSnapshot, space_id: int) -> tuple[Space, CategoryRules]:
    space = snap.space(space_id)
    if space is None:
        raise UnknownSpace(f"no space {space_id}")
    category = snap.category(space.cid)
    return space, category.rules if category else CategoryRules()


def _category_space_ids(snap: RoomsSnapshot, space: Space) -> frozenset[int]:
    return frozenset(s.id for s in snap.spaces if s.cid == space.cid)


def _patron_bookings(snap: RoomsSnapshot, patron: Patron) -> tuple[Booking, ...]:
    email = patron.email.casefold()
    return tuple(b for b in snap.bookings if b.email.casefold() == email)
