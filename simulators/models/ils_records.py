"""The records of the simulated library system: patrons, items, loans, holds, fines, rules.

Frozen values only; the Library (ils.py) replaces a record when it changes. No wire format
and no clock here. Money is Decimal euros; dates are naive local datetimes (SIP2's blank
time zone means the library's local time).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum


class ItemState(Enum):
    """What the catalogue says about a copy apart from loans and holds."""

    ON_SHELF = "on_shelf"
    LOST = "lost"
    MISSING = "missing"


class Circulation(Enum):
    """What an item is doing now, in the words of SIP2's circulation status."""

    AVAILABLE = "available"
    CHARGED = "charged"
    ON_HOLD_SHELF = "on_hold_shelf"
    IN_TRANSIT = "in_transit"
    LOST = "lost"
    MISSING = "missing"


class Refusal(Enum):
    """Why the library system said no; the SIP2 handlers turn each into a screen message."""

    UNKNOWN_PATRON = "unknown_patron"
    BAD_PIN = "bad_pin"
    PATRON_BLOCKED = "patron_blocked"
    CARD_EXPIRED = "card_expired"
    CARD_LOST = "card_lost"
    EXCESSIVE_FINES = "excessive_fines"
    LOAN_LIMIT = "loan_limit"
    UNKNOWN_ITEM = "unknown_item"
    NOT_FOR_LOAN = "not_for_loan"
    ITEM_LOST = "item_lost"
    ON_LOAN_TO_OTHER = "on_loan_to_other"
    ALREADY_ON_YOUR_CARD = "already_on_your_card"
    ON_HOLD_FOR_OTHER = "on_hold_for_other"
    NOT_ON_LOAN = "not_on_loan"
    NOT_YOUR_LOAN = "not_your_loan"
    RENEWAL_LIMIT = "renewal_limit"
    HOLDS_QUEUED = "holds_queued"
    NO_FINES = "no_fines"
    BAD_AMOUNT = "bad_amount"
    OVERPAYMENT = "overpayment"
    UNKNOWN_FINE = "unknown_fine"
    HOLD_EXISTS = "hold_exists"
    HOLD_NOT_FOUND = "hold_not_found"
    HOLD_LIMIT = "hold_limit"
    OFFLINE = "offline"


@dataclass(frozen=True)
class Location:
    code: str
    name: str
    branch: str  # holds picked up in another branch travel: SIP2 alert type 02, not 01


@dataclass(frozen=True)
class Patron:
    barcode: str
    name: str
    pin: str
    category: str = "adult"
    expires: date | None = None
    blocked: str = ""  # a librarian's block and its reason; empty when not blocked
    card_lost: bool = False
    email: str = ""
    phone: str = ""
    address: str = ""
    language: str = "000"


@dataclass(frozen=True)
class Item:
    barcode: str
    title: str
    author: str = ""
    item_type: str = "book"
    home: str = "ABONEMENTAS"  # permanent location code
    call_number: str = ""
    parts: int = 1  # pieces in a set (a 2-disc audiobook is 2); the kiosk must see all of them
    media_type: str = "001"  # SIP2 media type: 001 book, 002 magazine, 006 CD, 009 book with CD
    magnetic_media: bool = False
    properties: str = ""  # SIP2 item properties (CH), set by 19 Item Status Update
    state: ItemState = ItemState.ON_SHELF
    in_transit_to: str = ""  # a location code while the item travels home


@dataclass(frozen=True)
class Loan:
    item: str
    patron: str
    start: datetime
    due: datetime
    renewals: int = 0


@dataclass(frozen=True)
class Hold:
    hold_id: str
    patron: str
    item: str
    placed: datetime
    pickup: str  # location code, e.g. a knygomatas
    waiting_since: datetime | None = None  # on the hold shelf at `pickup` since then
    in_transit: bool = False  # trapped elsewhere, travelling to `pickup`
    expires: date | None = None  # last day on the hold shelf (or of the request)


@dataclass(frozen=True)
class Fine:
    fine_id: str
    patron: str
    amount: Decimal
    description: str
    fee_type: str = "01"  # SIP2 fee type: 01 other, 04 overdue, 06 rental, 07 replacement
    item: str = ""
    paid: Decimal = Decimal(0)

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid


@dataclass(frozen=True)
class Rules:
    """The circulation policy: per item type, per patron category, library-wide limits."""

    loan_days: dict[str, int] = field(
        default_factory=lambda: {"book": 28, "audiobook": 14, "dvd": 7, "magazine": 7}
    )  # an item type missing here (reference, skaitykla) is not for loan
    renewals: dict[str, int] = field(
        default_factory=lambda: {"book": 2, "audiobook": 1, "dvd": 1, "magazine": 0}
    )
    max_loans: dict[str, int] = field(
        default_factory=lambda: {"adult": 10, "child": 3, "staff": 50}
    )
    max_holds: int = 5
    max_overdue: int = 5  # more overdue loans than this sets "too many overdue"
    fine_limit: Decimal = Decimal("5.00")  # outstanding at or above this blocks the card
    daily_fine: Decimal = Decimal("0.10")  # per item and day late
    max_fine_per_item: Decimal = Decimal("3.00")
    hold_shelf_days: int = 7
    currency: str = "EUR"

    def loan_days_for(self, item_type: str) -> int:
        return self.loan_days.get(item_type, 0)

    def renewals_for(self, item_type: str) -> int:
        return self.renewals.get(item_type, 0)

    def max_loans_for(self, category: str) -> int:
        return self.max_loans.get(category, self.max_loans.get("adult", 10))


@dataclass(frozen=True)
class PatronFlags:
    """The patron status (SIP2's 14 characters, Y = denied/true) and the reasons behind it."""

    charge_denied: bool = False
    renewal_denied: bool = False
    hold_denied: bool = False
    card_lost: bool = False
    too_many_charged: bool = False
    too_many_overdue: bool = False
    excessive_fines: bool = False
    blocked: bool = False
    expired: bool = False


@dataclass(frozen=True)
class Outcome:
    """The result of one transaction: applied or refused (and why), and what it touched."""

    refusal: Refusal | None = None
    loan: Loan | None = None
    renewed: bool = False
    hold: Hold | None = None  # checkin: the hold the item was trapped for; checkout: filled
    transit_to: str = ""  # checkin: where the item must go (a hold elsewhere, or its home)
    fine: Fine | None = None  # checkin: the overdue fine it produced
    paid: Decimal = Decimal(0)

    @property
    def ok(self) -> bool:
        return self.refusal is None
