"""The UI's port onto room booking: a KioskPort that puts the room screens in front of another.

``RoomsFlow`` wraps the patron session port (CoreSession, or a test's port). While no room screen
is open every intent and every state passes straight through; a room intent (or the attract
screen's "Book a room") opens the room screens, and leaving them shows the wrapped port's state
again, untouched (a patron who came from their menu is still signed in). It decides nothing
about rooms: every rule is the room desk's (kiosk/core/rooms/desk.py), every word the
presenters' (kiosk/ui/presenters/rooms.py).

The card is asked for (reader or keypad, no PIN: the booking system only needs to know who)
when an action needs a patron and the wrapped session did not already name one. Confirmations
go to an optional ``send_receipt`` (print or e-mail to the address the ILS has on file).
Desk calls block (HTTP with timeouts): ``run_blocking`` runs each room intent (a worker
thread in `kiosk run`) and ``on_main`` brings the resulting screen back to the UI's loop; both
default to "right here", which is what the tests without a loop use.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from kiosk.core.receipts import Receipt, RoomBookingSlip
from kiosk.core.rooms.board import timeline
from kiosk.core.rooms.desk import RoomDesk
from kiosk.core.rooms.errors import (
    BookingRefused,
    BookingSystemUnavailable,
    NotYourBooking,
    PatronUnknown,
    RoomsError,
)
from kiosk.core.rooms.model import Booking, Patron
from kiosk.core.rooms.ports import PatronDirectory, RoomBookings
from kiosk.ui.presenters.intents import (
    Cancelled,
    CardPresented,
    Finished,
    Intent,
    Listener,
    StaffActionRequested,
    StartTapped,
    TimedOut,
)
from kiosk.ui.presenters.rooms import (
    ROOM_ERRORS,
    BookingAction,
    MyBookingsOpened,
    RoomBoardView,
    RoomBookView,
    RoomChosen,
    RoomDoneView,
    RoomLaterChosen,
    RoomMineView,
    RoomReceiptChosen,
    RoomsBack,
    RoomsOpened,
    RoomsPageTurned,
    RoomsRefreshRequested,
    RoomStaffView,
    RoomTimeChosen,
)
from kiosk.ui.presenters.rooms_build import board_view, mine_view, offering_rooms, staff_view
from kiosk.ui.presenters.views import (
    IdentifyView,
    Screen,
    UiState,
)

log = logging.getLogger(__name__)
Job = Callable[[], None]


def _inline(job: Job) -> None:
    job()


# print | email, the receipt, the patron (the e-mail address on file), the screen's language
# -> delivered?
ReceiptSender = Callable[[str, Receipt, Patron, str], bool]


class RoomsBackend(Protocol):
    """What the composition root hands the UI (kiosk.wiring.room_desk.RoomsParts): the cached
    bookings,
    the ILS for patrons, a refresh, and what the receipt says and offers."""

    bookings: RoomBookings
    patrons: PatronDirectory
    library_name: str
    kiosk_id: str
    offers_print: bool
    offers_email: bool

    def refresh(self, now: datetime, force: bool) -> bool:
        """True when the booking system answered (or no refresh was due yet)."""
        ...


class RoomsFlow:
    def __init__(
        self,
        inner,
        backend: RoomsBackend,
        now: Callable[[], datetime],
        send_receipt: ReceiptSender | None = None,
        patron_card: Callable[[], str] | None = None,
        run_blocking: Callable[[Job], object] = _inline,
        on_main: Callable[[Job], object] = _inline,
    ) -> None:
        self.run_blocking = run_blocking
        self.on_main = on_main
        self.inner = inner
        self.backend = backend
        self.desk = RoomDesk(backend.bookings, backend.patrons)
        self.now = now
        self.send_receipt = send_receipt
        self.patron_card = patron_card or (lambda: "")
        self._listeners: list[Listener] = []
        self._own: UiState | None = None  # None: the wrapped port's screens are shown
        self._card = ""
        self._pending: RoomIntent | None = None
        self._done: tuple[RoomDoneView, Receipt, Patron] | None = None
        inner.subscribe(self._inner_changed)

    # -- KioskPort -----------------------------------------------------------------------

    def state(self) -> UiState:
        return self._own if self._own is not None else offering_rooms(self.inner.state())

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def send(self, intent: Intent) -> None:
        if self._own is None and not _opens_rooms(intent):
            self.inner.send(intent)
            return
        self.run_blocking(lambda: self._guarded(intent))

    def _guarded(self, intent: Intent) -> None:
        """One room intent, off the UI thread when run_blocking is a worker: every error a
        reader can cause or meet becomes words on the screen."""
        try:
            self._handle(intent)
        except BookingSystemUnavailable:
            self._show_error("unreachable")
        except PatronUnknown:
            self._card = ""
            self._go(Screen.IDENTIFY, IdentifyView(message=ROOM_ERRORS["unknown_card"]))
        except NotYourBooking:
            self._show_error("not_yours")
        except BookingRefused as exc:
            self._show_error(exc.reasons[0].code if exc.reasons else "refused")
        except RoomsError:
            self._show_error("refused")
        except Exception:  # a bug or a broken cache must not leave the screen frozen
            log.exception("room intent %s failed", type(intent).__name__)
            self._show_error("refused")

    # -- flow ----------------------------------------------------------------------------

    def _handle(self, intent) -> None:
        match intent:
            case StartTapped(purpose="rooms") | RoomsOpened(staff=False):
                self._card = self._card or self.patron_card()
                self._refresh_quietly()
                self._board()
            case RoomsOpened(staff=True) | StaffActionRequested(action="rooms"):
                self._refresh_quietly()
                self._go(Screen.ROOM_STAFF, self._staff())
            case RoomsRefreshRequested():
                answered = self.backend.refresh(self.now(), True)
                self._go(Screen.ROOM_STAFF, self._staff("ok" if answered else "failed"))
            case RoomsPageTurned():
                self._turn_page()
            case RoomChosen() | MyBookingsOpened() if not self._card:
                self._pending = intent
                self._go(Screen.IDENTIFY, IdentifyView())
            case CardPresented(card=card):
                self._card_presented(card)
            case RoomChosen(space_id=space_id):
                self._walk_up(space_id)
            case RoomLaterChosen():
                self._later()
            case RoomTimeChosen(moment=moment):
                self._time_chosen(moment)
            case MyBookingsOpened():
                self._mine()
            case BookingAction(action=action, booking_id=booking_id):
                self._booking_action(action, booking_id)
            case RoomReceiptChosen(kind=kind, language=language):
                self._receipt(kind, language)
            case RoomsBack() | Cancelled():
                self._back()
            case Finished():
                self._leave()
            case TimedOut():
                self._leave()
                self.on_main(lambda: self.inner.send(intent))

    def _card_presented(self, card: str) -> None:
        self.desk.identify(card)  # PatronUnknown: asked again, in words
        self._card = card
        pending, self._pending = self._pending, None
        if pending is None:
            self._board()
        else:
            self._handle(pending)

    def _board(self, page: int = 0, error: str = "") -> None:
        now = self.now()
        snap = self.backend.bookings.snapshot(now)
        self._go(Screen.ROOMS, board_view(self.desk.board(now), snap, now, page, error))

    def _turn_page(self) -> None:
        view = self._own.view if self._own else None
        if isinstance(view, RoomBoardView):
            self._board(view.page + 1)
        elif isinstance(view, RoomStaffView | RoomBookView):
            self._go(self._own.screen, replace(view, page=view.page + 1))

    def _walk_up(self, space_id: int) -> None:
        now = self.now()
        space = self._space(space_id)
        options = self.desk.walk_up(self._card, space_id, now)
        if options:
            view = RoomBookView(space_id, space.name, space.capacity, "ends", *_split(options))
            self._go(Screen.ROOM_BOOK, replace(view, walk_up=True))
        else:
            self._later(space_id)

    def _later(self, space_id: int | None = None) -> None:
        view = self._own.view if self._own else None
        if space_id is None and isinstance(view, RoomBookView):
            space_id = view.space_id
        if space_id is None:
            return
        space = self._space(space_id)
        starts = self._later_starts(space_id)
        view = RoomBookView(space_id, space.name, space.capacity, "starts", None, starts)
        self._go(Screen.ROOM_BOOK, view)

    def _later_starts(self, space_id: int) -> tuple[datetime, ...]:
        """Grid starts after the slot under way where the room is free for one slot or more."""
        now = self.now()
        snap = self.backend.bookings.snapshot(now)
        space = self._space(space_id)
        category = snap.category(space.cid)
        step = timedelta(minutes=category.rules.slot_minutes if category else 30)
        starts = []
        for segment in timeline(snap, space):
            moment = segment.start
            while segment.state == "free" and moment + step <= segment.end:
                if moment > now:
                    starts.append(moment)
                moment += step
        return tuple(starts)

    def _time_chosen(self, moment: datetime) -> None:
        view = self._own.view if self._own else None
        if not isinstance(view, RoomBookView):
            return
        if view.stage == "starts":
            options = self.desk.walk_up(self._card, view.space_id, moment)
            if not options:
                self._go(Screen.ROOM_BOOK, replace(view, error="not_free"))
                return
            start, ends = _split(options)
            self._go(Screen.ROOM_BOOK, replace(view, stage="ends", start=start, choices=ends))
            return
        assert view.start is not None
        booking = self.desk.book(self._card, view.space_id, view.start, moment, self.now())
        self._confirm("booked", booking)

    def _mine(self, error: str = "") -> None:
        now = self.now()
        patron = self.desk.identify(self._card)
        mine = self.desk.my_bookings(self._card, now)
        snap = self.backend.bookings.snapshot(now)
        self._go(Screen.ROOM_MINE, mine_view(mine, snap, patron.first_name, now, error))

    def _booking_action(self, action: str, booking_id: str) -> None:
        now = self.now()
        if action == "checkin":
            outcome = self.desk.check_in(self._card, booking_id, now)
            self._confirm("queued" if outcome.queued else "checked_in", outcome.booking)
        elif action == "cancel":
            self._confirm("cancelled", self.desk.cancel(self._card, booking_id, now))

    def _confirm(self, outcome: str, booking: Booking) -> None:
        patron = self.desk.identify(self._card)
        name = self._space(booking.space_id).name
        receipt = Receipt.for_card(
            self._card,
            library_name=self.backend.library_name,
            kiosk_id=self.backend.kiosk_id,
            issued_at=self.now(),
            room=RoomBookingSlip(outcome, name, booking.start, booking.end, booking.booking_id),
        )
        view = RoomDoneView(
            "checked_in" if outcome == "queued" else outcome,
            name,
            booking.start,
            booking.end,
            booking.booking_id,
            receipt=receipt,
            queued=outcome == "queued",
            offers_print=self.backend.offers_print and self.send_receipt is not None,
            offers_email=self.backend.offers_email and self.send_receipt is not None,
        )
        self._done = (view, receipt, patron)
        self._go(Screen.ROOM_DONE, view)

    def _receipt(self, kind: str, language: str) -> None:
        if self._done is None:
            return
        view, receipt, patron = self._done
        if kind == "none" or self.send_receipt is None:
            self._leave()
            return
        delivered = self.send_receipt(kind, receipt, patron, language)
        result = ("printed" if kind == "print" else "emailed") if delivered else "failed"
        self._done = (replace(view, delivery=result), receipt, patron)
        self._go(Screen.ROOM_DONE, self._done[0])

    def _back(self) -> None:
        screen = self._own.screen if self._own else None
        if screen in (Screen.ROOMS, Screen.ROOM_STAFF):
            self._leave()
        else:
            self._pending = None
            self._board()

    def _leave(self) -> None:
        self._own = None
        self._card = ""
        self._pending = None
        self._done = None
        self._publish(offering_rooms(self.inner.state()))

    # -- helpers -------------------------------------------------------------------------

    def _show_error(self, code: str) -> None:
        view = self._own.view if self._own else None
        match view:
            case RoomBookView():
                self._go(Screen.ROOM_BOOK, replace(view, error=code))
            case RoomMineView():
                self._go(Screen.ROOM_MINE, replace(view, error=code))
            case RoomDoneView() if view.outcome != "booked":
                self._mine(code)
            case _:
                self._board(error=code)

    def _space(self, space_id: int):
        space = self.backend.bookings.snapshot(self.now()).space(space_id)
        if space is None:
            raise RoomsError(f"no space {space_id}")
        return space

    def _staff(self, refreshed: str = "") -> RoomStaffView:
        now = self.now()
        return staff_view(self.desk.day_by_room(now), self.desk.board(now), refreshed)

    def _refresh_quietly(self) -> None:
        self.backend.refresh(self.now(), False)

    def _go(self, screen: Screen, view) -> None:
        self._own = UiState(screen, view)
        self._publish(self._own)

    def _publish(self, state: UiState) -> None:
        self.on_main(lambda: self._tell(state))

    def _tell(self, state: UiState) -> None:
        for listener in list(self._listeners):
            listener(state)

    def _inner_changed(self, state: UiState) -> None:
        if self._own is None:
            self._tell(offering_rooms(state))  # already on the UI thread: no detour


RoomIntent = (
    RoomsOpened | RoomChosen | RoomTimeChosen | RoomLaterChosen | MyBookingsOpened | BookingAction
)


def _opens_rooms(intent: Intent) -> bool:
    return isinstance(intent, RoomsOpened) or intent in (
        StartTapped("rooms"),
        StaffActionRequested("rooms"),
    )


def _split(options: tuple[datetime, ...]) -> tuple[datetime, tuple[datetime, ...]]:
    return options[0], tuple(options[1:])
