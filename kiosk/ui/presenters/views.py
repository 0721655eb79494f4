"""Immutable view models: everything a screen may show, as plain frozen values.

A screen renders exactly one of these and nothing else, so when a session ends and the view
is replaced by the attract view, no widget can still hold a patron's data. Status and reason
fields are codes; kiosk/ui/presenters/text.py turns them into words in the screen's language.
The session core (core/circulation/session.py) will produce these through an adapter; until then
kiosk/ui/demo_session.py does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Screen(StrEnum):
    ATTRACT = "attract"
    IDENTIFY = "identify"
    CIRCULATION = "circulation"
    ACCOUNT = "account"
    RECEIPT = "receipt"
    GOODBYE = "goodbye"
    PICKUP = "pickup"
    STAFF = "staff"
    ROOMS = "rooms"  # the room screens: kiosk/ui/presenters/rooms.py, kiosk/ui/rooms_session.py
    ROOM_BOOK = "room_book"
    ROOM_MINE = "room_mine"
    ROOM_DONE = "room_done"
    ROOM_STAFF = "room_staff"
    PAY = "pay"  # paying fines: kiosk/ui/presenters/pay_flow.py, pay_views.py
    REGISTRATION = "registration"  # kiosk/ui/presenters/registration.py, registration_flow.py
    REGISTRATION_STAFF = "registration_staff"


class LineStatus(StrEnum):
    READING = "reading"
    BORROWED = "borrowed"
    RETURNED = "returned"
    RENEWED = "renewed"
    REFUSED = "refused"
    WAITING_PARTS = "waiting_parts"


@dataclass(frozen=True)
class BookCard:
    title: str
    author: str = ""


@dataclass(frozen=True)
class AttractView:
    library_name: str
    opening_hours: tuple[str, ...] = ()
    message: str = ""
    new_books: tuple[BookCard, ...] = ()
    offers_return: bool = True
    offers_pickup: bool = True
    offers_rooms: bool = False  # set by kiosk/ui/rooms_session.py when [rooms] is configured
    offers_registration: bool = False  # set by the registration flow ([registration])
    # the config's texts per language: (language, opening hours, message); the fields above
    # are the Lithuanian (fallback) ones
    by_language: tuple[tuple[str, tuple[str, ...], str], ...] = ()

    def in_language(self, language: str) -> tuple[tuple[str, ...], str]:
        """The opening hours and the message to show in ``language``."""
        for name, hours, message in self.by_language:
            if name == language:
                return hours, message
        return self.opening_hours, self.message


@dataclass(frozen=True)
class IdentifyView:
    purpose: str = "patron"  # patron | staff
    card_seen: bool = False
    error: str = ""  # a reason code, see text.IDENTIFY_ERRORS
    pin_max: int = 6
    message: str = ""  # or the core's msgid (core/circulation/notices.py), translated on screen
    where: str = ""


@dataclass(frozen=True)
class ItemLine:
    item_id: str
    title: str
    status: LineStatus
    due: date | None = None
    sort_bin: str = ""
    reason: str = ""  # a refusal code, see text.REFUSALS
    parts_present: int = 1
    parts_total: int = 1
    message: str = ""  # or the core's own msgids (kiosk/core/circulation/notices.py)
    where: str = ""


@dataclass(frozen=True)
class CirculationView:
    mode: str  # borrow | return
    patron_name: str = ""
    lines: tuple[ItemLine, ...] = ()
    offers_rooms: bool = False


@dataclass(frozen=True)
class LoanLine:
    item_id: str
    title: str
    due: date
    overdue: bool = False
    renewed: bool = False
    refusal: str = ""
    message: str = ""  # the core's msgid for a refused renewal

    @property
    def renewable(self) -> bool:
        """Offer Renew unless it was just renewed or just refused."""
        return not self.renewed and not self.refusal and not self.message


@dataclass(frozen=True)
class HoldLine:
    title: str
    ready: bool
    where: str = ""
    until: date | None = None
    position: int | None = None


@dataclass(frozen=True)
class FineLine:
    description: str
    amount_cents: int


@dataclass(frozen=True)
class AccountView:
    patron_name: str
    loans: tuple[LoanLine, ...] = ()
    holds: tuple[HoldLine, ...] = ()
    fines: tuple[FineLine, ...] = ()
    payment: str = ""  # "" pay at the desk | offered | offline (set by presenters/pay_flow.py)

    @property
    def fines_total_cents(self) -> int:
        return sum(fine.amount_cents for fine in self.fines)

    def holds_ready_first(self) -> tuple[HoldLine, ...]:
        return tuple(sorted(self.holds, key=lambda hold: not hold.ready))


@dataclass(frozen=True)
class ReceiptView:
    printer_ready: bool = True
    email_on_file: bool = False
    borrowed: int = 0
    returned: int = 0
    renewed: int = 0
    spoken_receipt: str = ""  # the receipt's content, for "Read the receipt aloud"
    offline_kept: int = 0  # items recorded on the kiosk with the library system offline
    not_offline: tuple[str, ...] = ()  # titles the offline policy refused


@dataclass(frozen=True)
class GoodbyeView:
    receipt: str = "none"  # print | email | none
    borrowed: int = 0
    returned: int = 0
    renewed: int = 0
    offline_kept: int = 0  # as ReceiptView: said in words (core/circulation/offline_outcome.py)
    not_offline: tuple[str, ...] = ()


@dataclass(frozen=True)
class PickupView:
    """Locker pickup. The door code path is ``code`` -> ``opened`` -> ``closed``; with
    ``card_offered`` ([lockers] pickup_by_card) the code stage offers the card path
    ``card`` -> ``pin`` -> ``checking`` -> ``opened`` -> ``closed``. The card number and PIN
    are never part of the view: they stay in the screen's keypads until submitted."""

    stage: str = "code"  # code | card | pin | checking | opened | closed
    compartment: str = ""
    error: str = ""  # a reason code, see text.PICKUP_ERRORS
    code_length: int = 6
    card_offered: bool = False  # "Use my library card instead" under the code keypad


@dataclass(frozen=True)
class DeviceLine:
    device: str  # reader | locks | printer | ils | smtp
    healthy: bool
    detail: str = ""


@dataclass(frozen=True)
class ReconciliationLine:
    item_id: str
    title: str
    problem: str  # a code, see text.RECONCILIATION


@dataclass(frozen=True)
class RetrievedLine:
    """One item staff took out of an expired compartment (the retrieval list)."""

    compartment: str
    item_id: str
    title: str


@dataclass(frozen=True)
class StaffView:
    staff_name: str = ""
    devices: tuple[DeviceLine, ...] = ()
    outbox_pending: int = 0
    outbox_failed: int = 0
    reconciliation: tuple[ReconciliationLine, ...] = ()
    to_load: int = 0
    expired: int = 0
    alarms: tuple[str, ...] = ()
    config: tuple[tuple[str, str], ...] = ()
    last_action: str = ""  # the last staff action (text.STAFF_RESULTS) and what it was for
    last_target: str = ""
    offers_rooms: bool = False
    tab: str = ""  # lockers | expired: where a locker action's outcome shows ("": stay)
    load_stage: str = ""  # "" | open | loaded | refused (staff_lockers.load_status)
    load_compartment: str = ""
    load_refusal: str = ""  # text.LOAD_REFUSALS key
    notice_sent: bool = True
    retrieved: tuple[RetrievedLine, ...] = ()
    can_print: bool = False
    restart_asked: bool = False
    offers_payments: bool = False  # "Card payments": set by presenters/pay_flow.py
    offers_registrations: bool = False  # the day's applications ([registration])


View = (
    AttractView
    | IdentifyView
    | CirculationView
    | AccountView
    | ReceiptView
    | GoodbyeView
    | PickupView
    | StaffView
)


@dataclass(frozen=True)
class UiState:
    """What the app shows now: one screen and its view."""

    screen: Screen
    view: View = field(default_factory=lambda: AttractView(library_name=""))
    # Set when the session core times this screen (real-core mode): the UI's own countdown
    # stays off and the warning shows the core's seconds left (None: no warning now).
    core_timed: bool = False
    warning_s: int | None = None
