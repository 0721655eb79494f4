"""The payment journal port: the write-ahead record of every card payment, and what a
journalled payment looks like to its readers. Pure: the SQLite journal lives in
backend_sync/store/payments_journal.py.

Rules:
  - `write` returns only once the entry is durable (committed, fsynced). The desk writes each
    saga state BEFORE it runs that state's command (saga.py rule 1), so after a kill -9 the
    journal holds the last state whose command may or may not have run.
  - One row per payment id, replaced on every write (the journal keeps the newest state);
    `JournalEntry.open` says whether start-up recovery still has work with it.
  - Terminal end-of-day closes are journalled too: the accountant's report compares them.

Never: stores a PIN or a full bank card number (the saga holds the library card and the
terminal's masked PAN only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kiosk.core.payments.records import (
    PaymentJournalReader,
    PaymentRecord,
    RecordedPosting,
    TerminalClose,
)
from kiosk.core.payments.saga import Saga, State
from kiosk.core.privacy import mask_card


@dataclass(frozen=True)
class JournalEntry:
    """A payment saga with what the journal keeps beside it."""

    saga: Saga
    kiosk_id: str
    currency: str  # ISO 4217 alpha
    started_at: datetime  # library wall time (naive)
    settled_at: datetime | None = None
    ils_ids: tuple[str, ...] = ()  # the library system's transaction id per accepted posting
    reason: str = ""  # declined, aborted, refused or sent to staff: in words
    told_staff: bool = False  # the ToStaff command ran
    sold: bool = False  # the cash register has the sale
    resolved: str = ""  # staff's note once they settled a to_staff payment by hand

    @property
    def open(self) -> bool:
        """Start-up recovery must look at it: not final, staff not yet told, or a paid
        payment the cash register has not seen."""
        state = self.saga.state
        if not self.saga.final:
            return True
        if state is State.TO_STAFF:
            return not self.told_staff
        return state is State.PAID and not self.sold


class PaymentJournal(PaymentJournalReader, Protocol):
    async def write(self, entry: JournalEntry) -> None:
        """Store `entry` durably (replacing the payment's older state) before returning."""
        ...

    async def open_entries(self) -> list[JournalEntry]:
        """Entries start-up recovery must finish (`JournalEntry.open`), oldest first."""
        ...

    async def write_close(self, close: TerminalClose) -> None:
        """Store a terminal end-of-day durably."""
        ...

    def entry(self, payment_id: str) -> JournalEntry | None: ...

    def resolve(self, payment_id: str, note: str) -> bool:
        """Staff settled a payment of the reconciliation list by hand: it leaves `unsettled`
        (its state stays, for the report). False when there is no such unsettled payment."""
        ...


def record_of(entry: JournalEntry) -> PaymentRecord:
    """The accountant's and the staff screen's view of a journalled payment."""
    saga = entry.saga
    approval = saga.approval
    postings = []
    cumulative = 0
    for index, posting in enumerate(saga.allocation.postings):
        cumulative += posting.amount_cents
        recorded = cumulative <= saga.recorded_cents  # postings are recorded in order
        ils_id = entry.ils_ids[index] if recorded and index < len(entry.ils_ids) else ""
        postings.append(RecordedPosting(posting.amount_cents, posting.fee_type, posting.fee_id,
                                        recorded, ils_id))  # fmt: skip
    return PaymentRecord(
        payment_id=saga.payment_id,
        kiosk_id=entry.kiosk_id,
        started_at=entry.started_at,
        settled_at=entry.settled_at,
        library_card_masked=mask_card(saga.card),
        state=saga.state.value,
        hold_mode=saga.mode.value,
        amount_cents=saga.amount_cents,
        recorded_cents=saga.recorded_cents,
        currency=entry.currency,
        postings=tuple(postings),
        trace_number=approval.trace_number if approval else None,
        receipt_number=approval.receipt_number if approval else None,
        bank_card_masked=approval.masked_card if approval else "",
        card_brand=approval.card_brand if approval else "",
        terminal_id=approval.terminal_id if approval else "",
        reason=saga.staff_note if saga.state is State.TO_STAFF else entry.reason,
    )
