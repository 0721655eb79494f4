"""What the kiosk knows about patrons, items and transactions: frozen values, no I/O.

These are the library system port's results (ports.py), in the words of vocabulary.py; each
backend maps its protocol's messages to them, so nothing above backend_sync sees a protocol's
code or field id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from kiosk.core.vocabulary import Desensitize, ItemStatus, ReturnAlert


@dataclass(frozen=True)
class LibraryStatus:
    online: bool
    checkin_ok: bool
    checkout_ok: bool
    renewal_ok: bool
    status_update_ok: bool
    offline_ok: bool
    timeout_s: float | None
    retries: int | None
    protocol_version: str
    supported: frozenset[str]
    institution: str
    library_name: str = ""
    terminal_location: str = ""
    screen_messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Patron:
    """A patron as the ILS reports them. `flags` holds the set 14-position status names
    (charge_denied, card_lost, excessive_fines …)."""

    card: str
    name: str
    valid: bool | None
    pin_valid: bool | None
    flags: frozenset[str] = frozenset()
    language: str = ""  # a language code ("en"), "" when the library system names none
    email: str = ""
    phone: str = ""
    fee_amount: Decimal | None = None
    fee_limit: Decimal | None = None
    currency: str = ""
    charged_items: tuple[str, ...] = ()
    overdue_items: tuple[str, ...] = ()
    hold_items: tuple[str, ...] = ()
    unavailable_holds: tuple[str, ...] = ()
    fine_items: tuple[str, ...] = ()
    recall_items: tuple[str, ...] = ()
    counts: dict[str, int | None] = field(default_factory=dict, hash=False, compare=False)
    screen_messages: tuple[str, ...] = ()

    @property
    def may_borrow(self) -> bool:
        return bool(self.valid) and "charge_denied" not in self.flags


def lists_item(entries: tuple[str, ...], item_id: str) -> bool:
    """Whether a patron's item list (charged, holds …) holds `item_id`; some library systems
    follow the id with a space and the title, so only the id is compared."""
    return any(entry == item_id or entry.startswith(item_id + " ") for entry in entries)


@dataclass(frozen=True)
class Item:
    item_id: str
    title: str
    circulation_status: ItemStatus
    due_date: datetime | None = None
    due_date_text: str = ""
    hold_queue_length: int | None = None
    owner: str = ""
    current_location: str = ""
    permanent_location: str = ""
    media_type: str = ""
    fee_amount: Decimal | None = None
    screen_messages: tuple[str, ...] = ()

    @property
    def on_loan(self) -> bool:
        return self.circulation_status is ItemStatus.CHARGED


@dataclass(frozen=True)
class LoanResult:
    """The answer to a checkout or a renewal."""

    ok: bool
    item_id: str
    card: str
    title: str = ""
    due_date: datetime | None = None
    due_date_text: str = ""
    renewal: bool = False
    desensitize: Desensitize = Desensitize.UNKNOWN
    fee_amount: Decimal | None = None
    currency: str = ""
    media_type: str = ""
    transaction_id: str = ""
    screen_messages: tuple[str, ...] = ()
    recovered: bool = False  # learnt by querying after a lost response, not from the answer


@dataclass(frozen=True)
class ReturnResult:
    ok: bool
    item_id: str
    title: str = ""
    resensitize: bool = True
    alert: bool = False
    alert_type: ReturnAlert = ReturnAlert.NONE
    sort_bin: str = ""
    permanent_location: str = ""
    destination: str = ""
    hold_patron_id: str = ""
    hold_patron_name: str = ""
    patron_card: str = ""
    screen_messages: tuple[str, ...] = ()
    recovered: bool = False


@dataclass(frozen=True)
class RenewAllResult:
    ok: bool
    renewed: tuple[str, ...]
    unrenewed: tuple[str, ...]
    screen_messages: tuple[str, ...] = ()


@dataclass(frozen=True)
class PaymentResult:
    accepted: bool
    card: str
    transaction_id: str = ""
    screen_messages: tuple[str, ...] = ()
    recovered: bool = False


@dataclass(frozen=True)
class HoldResult:
    ok: bool
    available: bool
    card: str
    item_id: str = ""
    title: str = ""
    pickup_location: str = ""
    queue_position: str = ""
    expiration: datetime | None = None
    screen_messages: tuple[str, ...] = ()
