"""What the payment desk (desk.py) tells its callers, the touch screens and `kiosk payments`:
the fees a patron owes, progress while a payment runs, and how it ended. Pure data: no I/O.

Outcomes of `PaymentDesk.pay`:
  Paid            charged and recorded at the library system; the receipts' content
  NotPaid         nothing charged; `why` says what to tell the patron (and the CLI's exit code)
  SentToStaff     the kiosk could not settle it at once: on the reconciliation list
  ChoiceRefused   the choice itself was refused (below the minimum, partial not allowed, …)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kiosk.core.payments.fees import AllocationRefused, OwedFee
from kiosk.core.payments.records import PaymentRecord


@dataclass(frozen=True)
class OwedFees:
    """A patron's fees as the library system lists them, oldest first where it dates them."""

    fees: tuple[OwedFee, ...]
    total_cents: int  # the library system's own total (its fee amount), else the lines' sum
    currency: str = "EUR"

    @property
    def named(self) -> bool:
        """Every fee has an identifier, so the patron may choose which to pay."""
        return bool(self.fees) and all(f.fee_id for f in self.fees)


Stage = Literal["terminal", "recording", "confirming", "reversing"]


@dataclass(frozen=True)
class Progress:
    stage: Stage
    text: str = ""  # the terminal's status text ("Insert card"), shown word for word


@dataclass(frozen=True)
class Paid:
    record: PaymentRecord
    new_balance_cents: int  # what the patron owes after this payment
    cardholder_receipt_lines: tuple[str, ...] = ()  # the terminal's lines, printed as they came


NotPaidWhy = Literal[
    "declined",  # the bank said no
    "aborted",  # cancelled at the terminal (patron, timeout)
    "card",  # the card cannot be used: try another
    "busy",  # the terminal (or another payment on this kiosk) is busy: try again shortly
    "terminal_unavailable",  # the terminal cannot take payments now: staff alerted
    "library_refused",  # the library system refused the payment; the card was given back
    "offline",  # the library system cannot be reached; nothing was charged
]


@dataclass(frozen=True)
class NotPaid:
    record: PaymentRecord | None  # None: nothing was started (offline, busy kiosk)
    why: NotPaidWhy
    text: str = ""  # in words, for the log and the staff screen (the bank's text if any)
    host_text: str = ""  # the bank's own decline text as the terminal gave it, for the patron


@dataclass(frozen=True)
class SentToStaff:
    record: PaymentRecord


@dataclass(frozen=True)
class ChoiceRefused:
    refusal: AllocationRefused


PaymentResult = Paid | NotPaid | SentToStaff | ChoiceRefused
