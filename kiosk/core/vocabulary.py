"""The library system's vocabulary in the kiosk's own words: item states, return alerts,
security advice, fee types, payment methods and hold changes.

The library-system port (ports.py) and its results (model.py) speak only these. A backend
translates its protocol's codes to and from them in one place of its own (for SIP2:
backend_sync/sip2/mapping.py); nothing in kiosk/core compares a protocol code. Each value
is a plain word, so an outbox payload or a log line that holds one reads as itself.

Must never: carry a protocol's code as a value, or grow a member that only one backend can
tell apart (a backend maps what it cannot name to OTHER).
"""

from __future__ import annotations

from enum import StrEnum


class ItemStatus(StrEnum):
    """Where an item is in its circulation life."""

    OTHER = "other"
    ON_ORDER = "on_order"
    AVAILABLE = "available"
    CHARGED = "charged"  # on loan
    CHARGED_NOT_TO_BE_RECALLED = "charged_not_to_be_recalled"
    IN_PROCESS = "in_process"
    RECALLED = "recalled"
    WAITING_ON_HOLD_SHELF = "waiting_on_hold_shelf"
    WAITING_TO_BE_RESHELVED = "waiting_to_be_reshelved"
    IN_TRANSIT = "in_transit"
    CLAIMED_RETURNED = "claimed_returned"
    LOST = "lost"
    MISSING = "missing"


class ReturnAlert(StrEnum):
    """What a returned item needs beyond going back on the shelf."""

    NONE = "none"  # no alert named (a plain return, or an alert without a kind)
    UNKNOWN = "unknown"  # the library system raised an alert of an unknown kind
    HOLD_HERE = "hold_here"  # on hold for a patron at this library: the hold shelf
    HOLD_ELSEWHERE = "hold_elsewhere"  # on hold for a patron at another library
    INTERLIBRARY_TRANSIT = "interlibrary_transit"
    IN_TRANSIT = "in_transit"  # belongs to another library: send it home
    OTHER = "other"


class Desensitize(StrEnum):
    """Whether the library system says to switch an item's security off after a loan."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"  # it does not say (the kiosk decides by its own rules)


class FeeType(StrEnum):
    """What a fee is for."""

    OTHER_UNKNOWN = "other_unknown"
    ADMINISTRATIVE = "administrative"
    DAMAGE = "damage"
    OVERDUE = "overdue"
    PROCESSING = "processing"
    RENTAL = "rental"
    REPLACEMENT = "replacement"
    COMPUTER_ACCESS = "computer_access"
    HOLD_FEE = "hold_fee"


class PaymentMethod(StrEnum):
    """How a fee was paid at the kiosk."""

    CASH = "cash"
    CREDIT_CARD = "credit_card"
    DEBIT_CARD = "debit_card"


class HoldMode(StrEnum):
    """What a hold request does."""

    PLACE = "place"
    CANCEL = "cancel"
    CHANGE = "change"
