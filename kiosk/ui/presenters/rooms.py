"""Room booking on the touch screen: its view models, its intents and its words.

Pure and window-free like the rest of kiosk/ui/presenters: frozen views that the room screens
render (board, book, my bookings, confirmation, staff day), the intents their buttons send,
and the functions that turn both into translated text. Refusal codes are the domain's
(kiosk/core/rooms/rules.py, checkin.py); every msgid is marked for extraction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.core.receipts import Receipt
from kiosk.ui.presenters.text import N_, RowText, Texts, Tone

# -- views -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoomRow:
    space_id: int
    name: str
    capacity: int
    free_now: bool
    free_until: datetime | None = None
    next_free: datetime | None = None
    free_runs: tuple[tuple[datetime, datetime], ...] = ()  # the day's free stretches
    closed_today: bool = False  # closed all day, or closed for the rest of it
    opens_next: datetime | None = None  # the next opening the booking system's hours name
    bookable: bool = True  # a slot exists today: otherwise the board offers no "Book"


@dataclass(frozen=True)
class RoomBoardView:
    rows: tuple[RoomRow, ...] = ()
    refreshed_at: datetime | None = None
    stale: bool = False
    page: int = 0  # counts "More rooms" taps; the screen wraps it to the pages that fit
    error: str = ""  # a code of ROOM_ERRORS


@dataclass(frozen=True)
class RoomBookView:
    space_id: int
    name: str
    capacity: int = 1
    stage: str = "ends"  # ends: "from START until …" | starts: a later start today
    start: datetime | None = None
    choices: tuple[datetime, ...] = ()  # end times (stage ends) or start times (stage starts)
    walk_up: bool = False  # the start is the slot under way ("from now")
    error: str = ""
    page: int = 0


@dataclass(frozen=True)
class MyBooking:
    booking_id: str
    name: str
    start: datetime
    end: datetime
    checked_in: bool = False
    can_check_in: bool = False


@dataclass(frozen=True)
class RoomMineView:
    bookings: tuple[MyBooking, ...] = ()
    patron_name: str = ""
    error: str = ""


@dataclass(frozen=True)
class RoomDoneView:
    outcome: str  # booked | checked_in | queued | cancelled
    name: str
    start: datetime
    end: datetime
    booking_id: str = ""
    receipt: Receipt | None = None  # shown as text on screen, printed or e-mailed on request
    queued: bool = False  # checked in while the booking system was unreachable: sent later
    offers_print: bool = False
    offers_email: bool = False
    delivery: str = ""  # "" (not chosen yet) | printed | emailed | failed


@dataclass(frozen=True)
class StaffBookingLine:
    start: datetime
    end: datetime
    who: str  # first name and initial, never the e-mail (+ checked in, × cancelled)
    active: bool
    checked_in: bool


@dataclass(frozen=True)
class StaffRoom:
    name: str
    bookings: tuple[StaffBookingLine, ...] = ()


@dataclass(frozen=True)
class RoomStaffView:
    rooms: tuple[StaffRoom, ...] = ()
    refreshed_at: datetime | None = None
    stale: bool = False
    refreshed: str = ""  # "" | ok | failed: the answer to the last Refresh
    page: int = 0


# -- intents -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RoomsOpened:
    """Open the room board (from the attract screen, the patron's menu or staff mode)."""

    staff: bool = False


@dataclass(frozen=True)
class RoomChosen:
    space_id: int


@dataclass(frozen=True)
class RoomTimeChosen:
    moment: datetime  # a start (stage starts) or an end (stage ends)


@dataclass(frozen=True)
class RoomLaterChosen:
    """Book later today instead of from now: show the start times."""


@dataclass(frozen=True)
class MyBookingsOpened:
    pass


@dataclass(frozen=True)
class BookingAction:
    action: str  # checkin | cancel
    booking_id: str


@dataclass(frozen=True)
class RoomReceiptChosen:
    kind: str  # print | email | none
    language: str = "lt"  # the screen's language: the receipt is worded in it


@dataclass(frozen=True)
class RoomsPageTurned:
    pass


@dataclass(frozen=True)
class RoomsRefreshRequested:
    pass


@dataclass(frozen=True)
class RoomsBack:
    pass


RoomIntent = (
    RoomsOpened
    | RoomChosen
    | RoomTimeChosen
    | RoomLaterChosen
    | MyBookingsOpened
    | BookingAction
    | RoomReceiptChosen
    | RoomsPageTurned
    | RoomsRefreshRequested
    | RoomsBack
)

# -- words -------------------------------------------------------------------------------

ROOM_ERRORS = {
    "unreachable": N_("The booking system is not answering. Please try again later."),
    "unknown_card": N_("This card cannot book rooms. Please ask at the desk."),
    "not_yours": N_("This booking belongs to another reader."),
    "not_free": N_("This time is no longer free. Please choose another."),
    "too_long": N_("That is longer than this room can be booked for."),
    "day_limit": N_("You have used up today's booking time for these rooms."),
    "too_many_bookings": N_("You already have the most bookings allowed today for these rooms."),
    "outside_hours": N_("The library is closed at that time."),
    "in_past": N_("That time has already passed."),
    "check_in_too_early": N_("Check-in opens shortly before the booking starts."),
    "check_in_closed": N_("Too late to check in: the booking was released."),
    "check_in_checked_in": N_("You are already checked in."),
    "check_in_cancelled": N_("This booking was cancelled."),
    "already_cancelled": N_("This booking was cancelled."),
    "already_over": N_("This booking is already over."),
    "refused": N_("The booking system refused this. Please ask at the desk."),
    "unknown": N_("The booking may or may not have been made. Please ask at the desk."),
}

OUTCOMES = {
    "booked": N_("The room is booked"),
    "checked_in": N_("You are checked in"),
    "cancelled": N_("The booking is cancelled"),
}

RECEIPT_RESULTS = {
    "printed": N_("Take your receipt from the printer."),
    "emailed": N_("The confirmation was sent to your e-mail."),
    "failed": N_("The confirmation could not be sent. Please note the booking number."),
}


def span(start: datetime, end: datetime, tr: Texts) -> str:
    return f"{tr.time(start)}–{tr.time(end)}"


def error_text(code: str, tr: Texts) -> str:
    message = ROOM_ERRORS.get(code) or (ROOM_ERRORS["refused"] if code else "")
    return "! " + tr.gettext(message) if message else ""


def stale_text(refreshed_at: datetime | None, stale: bool, tr: Texts) -> str:
    """The board's honesty line: when the picture may be out of date, say since when."""
    if not stale:
        return ""
    if refreshed_at is None:
        return tr.gettext("The booking system is not answering; no rooms to show yet.")
    return tr.gettext("Possibly out of date: last updated at %(time)s") % {
        "time": tr.time(refreshed_at)
    }


def capacity_text(capacity: int, tr: Texts) -> str:
    text = tr.ngettext("for %(count)s person", "for up to %(count)s people", capacity)
    return text % {"count": tr.number(capacity)}


# "Opens …" per weekday (Monday first): a whole phrase each, so every language can decline
# the day its own way (lt "pirmadienį", pl "w poniedziałek").
OPENS_ON = (
    N_("Opens Monday %(time)s"),
    N_("Opens Tuesday %(time)s"),
    N_("Opens Wednesday %(time)s"),
    N_("Opens Thursday %(time)s"),
    N_("Opens Friday %(time)s"),
    N_("Opens Saturday %(time)s"),
    N_("Opens Sunday %(time)s"),
)


def opens_text(opens_next: datetime | None, tr: Texts) -> str:
    """ "Opens Monday 10:00", or "" when no opening is known."""
    if opens_next is None:
        return ""
    return tr.gettext(OPENS_ON[opens_next.weekday()]) % {"time": tr.time(opens_next)}


def closed_status(row: RoomRow, tr: Texts) -> str:
    """ "Closed today — opens Monday 10:00" in one line (the command's board)."""
    opens = opens_text(row.opens_next, tr)
    closed = tr.gettext("Closed today")
    return f"{closed} — {opens[:1].lower()}{opens[1:]}" if opens else closed


def room_row(row: RoomRow, tr: Texts) -> RowText:
    """A room on the board: name, now/next as a status word, the day's free stretches. On a
    closed day it says so, and when it opens next, instead of "busy"."""
    if row.closed_today and not row.bookable:
        parts = (opens_text(row.opens_next, tr), capacity_text(row.capacity, tr))
        detail = " · ".join(part for part in parts if part)
        return RowText(row.name, detail, tr.gettext("Closed today"), Tone.NEUTRAL)
    if row.free_now and row.free_until is not None:
        status = tr.gettext("Free until %(time)s") % {"time": tr.time(row.free_until)}
        tone = Tone.GOOD
    elif row.next_free is not None:
        status = tr.gettext("Busy, free from %(time)s") % {"time": tr.time(row.next_free)}
        tone = Tone.WAIT
    else:
        status, tone = tr.gettext("Busy for the rest of the day"), Tone.BAD
    runs = ", ".join(span(start, end, tr) for start, end in row.free_runs[:3])
    more = "…" if len(row.free_runs) > 3 else ""
    free = tr.gettext("Free today: %(times)s") % {"times": runs + more} if runs else ""
    detail = " · ".join(part for part in (capacity_text(row.capacity, tr), free) if part)
    return RowText(row.name, detail, status, tone)


def my_booking_row(booking: MyBooking, tr: Texts) -> RowText:
    if booking.checked_in:
        status, tone = tr.gettext("Checked in"), Tone.GOOD
    elif booking.can_check_in:
        status, tone = tr.gettext("Check in now"), Tone.WAIT
    else:
        status, tone = tr.gettext("Booked"), Tone.NEUTRAL
    detail = tr.gettext("Booking %(id)s") % {"id": booking.booking_id}
    return RowText(f"{booking.name} · {span(booking.start, booking.end, tr)}", detail, status, tone)


def staff_room_row(room: StaffRoom, tr: Texts) -> RowText:
    parts = []
    for line in room.bookings:
        mark = "+ " if line.checked_in else ("× " if not line.active else "")
        parts.append(f"{mark}{span(line.start, line.end, tr)} {line.who}".strip())
    detail = "; ".join(parts) if parts else tr.gettext("No bookings today.")
    active = sum(1 for line in room.bookings if line.active)
    count = tr.ngettext("%(count)s booking", "%(count)s bookings", active)
    return RowText(room.name, detail, count % {"count": tr.number(active)}, Tone.NEUTRAL)
