"""What the payment journal tells the accountant: one settled (or unsettled) payment per
`PaymentRecord`, and the terminal's end-of-day totals per `TerminalClose`. The journal
(the orchestrator's write-ahead store) produces them; the day's report (report.py), the
staff screen and `kiosk payments list` read them. Pure data: no I/O.

Amounts are integer cents. Times are the library's wall time (naive, [kiosk] timezone), the
same clock the journal writes with. The card is the library card, masked as the screens show
it; the bank card only ever as the terminal masked it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from kiosk.core.vocabulary import FeeType


@dataclass(frozen=True)
class RecordedPosting:
    """One Fee Paid sent to the library system for this payment."""

    amount_cents: int
    fee_type: FeeType
    fee_id: str = ""  # "" : unnamed, the library system applied it oldest first
    recorded: bool = False  # the library system accepted it
    ils_transaction_id: str = ""  # what the library system answered, if it named one


@dataclass(frozen=True)
class PaymentRecord:
    payment_id: str
    kiosk_id: str
    started_at: datetime
    settled_at: datetime | None  # None while the payment is not final
    library_card_masked: str
    state: str  # the saga's State value: paid, reversed, not_charged, to_staff, or in progress
    hold_mode: str  # preauth | reversal
    amount_cents: int  # what the terminal was asked for
    recorded_cents: int  # what the library system accepted
    currency: str  # ISO 4217 alpha, e.g. "EUR"
    postings: tuple[RecordedPosting, ...]
    trace_number: int | None = None
    receipt_number: int | None = None
    bank_card_masked: str = ""  # as the terminal masked it: every digit but the last four hidden
    card_brand: str = ""
    terminal_id: str = ""
    reason: str = ""  # declined / aborted / sent to staff: in words

    @property
    def charged_cents(self) -> int:
        """What the patron's bank card was charged for good (0 unless paid)."""
        return self.recorded_cents if self.state == "paid" else 0


@dataclass(frozen=True)
class BrandCount:
    brand: str
    count: int
    amount_cents: int


@dataclass(frozen=True)
class TerminalClose:
    """One end-of-day the terminal ran (it may run more than once a day)."""

    kiosk_id: str
    at: datetime
    count: int
    amount_cents: int
    by_brand: tuple[BrandCount, ...] = ()


class PaymentJournalReader(Protocol):
    """What readers of the payment journal need; the store's journal implements it."""

    def payments_on(self, day: date) -> list[PaymentRecord]:
        """Every payment started on `day` (library wall time), oldest first."""
        ...

    def closes_on(self, day: date) -> list[TerminalClose]:
        """Every terminal end-of-day run on `day`, oldest first."""
        ...

    def unsettled(self) -> list[PaymentRecord]:
        """Payments on the reconciliation list (to_staff) or not final, oldest first."""
        ...
