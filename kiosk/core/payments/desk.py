"""The payment desk: what the touch screens, the staff screen and `kiosk payments` call to take
a patron's card payment of fees. It reads the fees, allocates the choice (fees.py), runs the
payment saga (saga.py, saga_runner.py) against the terminal and the library system with every
state journalled ahead, and settles what a crash left (saga_recovery.py) at start-up.

Rules:
  1. Never charged-but-not-recorded: the card is charged for good only after the library
     system accepted the postings (the saga's promise); this module only decides when a
     payment may start and how its end reads.
  2. The library system is asked for the fees first, fresh, before the card is asked for:
     unreachable means NotPaid("offline") and nothing is charged.
  3. One payment at a time per kiosk (the terminal does one operation at a time): a second
     caller gets NotPaid("busy") at once.
  4. A paid payment goes to the cash register (the fiscal port) once; the journal remembers
     that it did, so a crash in between repeats the call (registers are idempotent per id).

Never: shows text itself, asks for the card on the kiosk's screen, logs a PIN.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import replace

from kiosk.core.clock import Clock
from kiosk.core.errors import LibrarySystemError, LibraryUnavailable
from kiosk.core.payments.cash_register import CashRegister, NoCashRegister
from kiosk.core.payments.fees import AllocationRefused, Choice, FeeRules, allocate
from kiosk.core.payments.journal import JournalEntry, PaymentJournal, record_of
from kiosk.core.payments.metrics import NoPaymentRecorder, PaymentRecorder
from kiosk.core.payments.owed import owed_fees
from kiosk.core.payments.records import BrandCount, PaymentRecord, TerminalClose
from kiosk.core.payments.results import (
    ChoiceRefused,
    NotPaid,
    NotPaidWhy,
    OwedFees,
    Paid,
    PaymentResult,
    Progress,
    SentToStaff,
)
from kiosk.core.payments.saga import PaymentHold, State, begin
from kiosk.core.payments.saga_messages import ToStaff
from kiosk.core.payments.saga_recovery import recover
from kiosk.core.payments.saga_runner import JournalError, Run, SagaRunner
from kiosk.core.payments.terminal import (
    Aborted,
    Currency,
    Declined,
    EndOfDay,
    OutcomeUnknown,
    PaymentTerminal,
    TerminalStatus,
)
from kiosk.core.ports import LibrarySystem

log = logging.getLogger(__name__)

__all__ = ["EndOfDayFailed", "JournalError", "PaymentDesk"]


class EndOfDayFailed(Exception):
    """The terminal did not close its day (declined, or its answer was lost)."""


class PaymentDesk:
    def __init__(
        self,
        *,
        library: LibrarySystem,
        terminal: PaymentTerminal,
        journal: PaymentJournal,
        rules: FeeRules,
        hold_mode: PaymentHold,
        currency: Currency,
        kiosk_id: str,
        clock: Clock,
        cash_register: CashRegister | None = None,
        new_id: Callable[[], str] | None = None,
        on_staff: Callable[[ToStaff], None] | None = None,
        recorder: PaymentRecorder | None = None,
    ) -> None:
        self.library, self.terminal, self.journal = library, terminal, journal
        self.rules, self.hold_mode, self.currency = rules, hold_mode, currency
        self.kiosk_id, self.clock = kiosk_id, clock
        self.cash_register = cash_register or NoCashRegister()
        self.new_id = new_id or (lambda: uuid.uuid4().hex[:16])
        self.recorder = recorder or NoPaymentRecorder()
        self.runner = SagaRunner(library, terminal, journal, currency, clock, on_staff,
                                 self.recorder)  # fmt: skip
        self._busy = asyncio.Lock()

    async def owed(self, card: str, pin: str | None) -> OwedFees:
        """The patron's fees, fresh from the library system. Raises the port's errors
        (LibraryUnavailable when it cannot be reached)."""
        patron = await self.library.patron(card, pin, details="fine")
        return owed_fees(patron)

    async def pay(
        self,
        card: str,
        pin: str | None,
        choice: Choice,
        *,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> PaymentResult:
        """Take the payment of `choice`; the result says how it ended (see results.py)."""
        if self._busy.locked():
            return NotPaid(None, "busy", "another payment is running on this kiosk")
        async with self._busy:
            result = await self._pay(card, pin, choice, on_progress)
        self.recorder.payment(outcome_word(result))
        if isinstance(result, NotPaid) and result.why == "terminal_unavailable":
            self.recorder.terminal(False, result.text)
        elif result_reached_terminal(result):
            self.recorder.terminal(True)
        self._count_unsettled()
        return result

    async def _pay(
        self, card: str, pin: str | None, choice: Choice,
        on_progress: Callable[[Progress], None] | None,
    ) -> PaymentResult:  # fmt: skip
        try:
            patron = await self.library.patron(card, pin, details="fine")
        except LibraryUnavailable as exc:
            return NotPaid(None, "offline", f"the library system cannot be reached: {exc}")
        except LibrarySystemError as exc:
            return NotPaid(None, "offline", f"the library system did not answer: {exc}")
        if pin is not None and patron.pin_valid is False:
            return NotPaid(None, "library_refused", "the PIN is not right")
        if patron.valid is False:
            return NotPaid(None, "library_refused", "the library card is not valid")
        owed = owed_fees(patron)
        allocation = allocate(owed.fees, choice, self.rules)
        if isinstance(allocation, AllocationRefused):
            return ChoiceRefused(allocation)
        allocation = replace(allocation, owed_before_cents=owed.total_cents)
        saga = begin(self.new_id(), card, self.hold_mode, allocation)
        entry = JournalEntry(saga, self.kiosk_id, self.currency.alpha, self.clock.now())
        run = Run(entry, on_progress)
        await self.runner.write(entry)  # the intent, before the terminal is asked
        await self.runner.drive(run, ())
        await self._sell(run)
        return self._result(run)

    async def recover(self) -> list[PaymentRecord]:
        """At start-up: settle every payment a crash left open; what became of each."""
        settled = []
        async with self._busy:
            for entry in await self.journal.open_entries():
                run = Run(entry)
                if not entry.saga.final or entry.saga.state is State.TO_STAFF:
                    saga, commands = recover(entry.saga)
                    run.entry = replace(entry, saga=saga, told_staff=False)
                    if saga.final and run.entry.settled_at is None:
                        why = saga.staff_note or "the kiosk restarted before an approval"
                        run.entry = replace(run.entry, settled_at=self.clock.now(), reason=why)
                    await self.runner.write(run.entry)
                    await self.runner.drive(run, commands)
                await self._sell(run)
                settled.append(record_of(run.entry))
                log.info("payment %s recovered: %s", entry.saga.payment_id, run.saga.state)
        self._count_unsettled()
        return settled

    async def terminal_status(self) -> TerminalStatus:
        """The terminal's status (for the staff screen and `kiosk payments status`)."""
        async with self._busy:
            status = await self.terminal.status()
        self.recorder.terminal(status.ready, "" if status.ready else status.text)
        return status

    def resolve(self, payment_id: str, note: str) -> bool:
        """Staff settled a payment of the reconciliation list by hand (with what they did)."""
        done = self.journal.resolve(payment_id, note)
        self._count_unsettled()
        return done

    def _count_unsettled(self) -> None:
        try:
            self.recorder.unsettled(len(self.journal.unsettled()))
        except Exception:  # the metric must never fail a payment
            log.exception("payment journal: cannot count the unsettled payments")

    async def end_of_day(self) -> TerminalClose:
        """Close the terminal's day and journal its totals. Raises EndOfDayFailed."""
        async with self._busy:
            result = await self.terminal.end_of_day()
        if isinstance(result, Declined | OutcomeUnknown):
            raise EndOfDayFailed(result.reason)
        close = _close_of(result, self.kiosk_id, self.clock)
        await self.journal.write_close(close)
        return close

    def today(self) -> list[PaymentRecord]:
        """Today's payments (library wall time), oldest first: for the staff screen."""
        return self.journal.payments_on(self.clock.now().date())

    async def _sell(self, run: Run) -> None:
        if run.saga.state is not State.PAID or run.entry.sold:
            return
        try:
            self.cash_register.record_sale(record_of(run.entry))
        except Exception:  # the payment is settled; the register reports through health
            log.exception("cash register: sale of payment %s", run.saga.payment_id)
            return
        run.entry = replace(run.entry, sold=True)
        await self.runner.write(run.entry)

    def _result(self, run: Run) -> PaymentResult:
        record = record_of(run.entry)
        saga = run.saga
        match saga.state:
            case State.PAID:
                balance = saga.allocation.owed_before_cents - saga.recorded_cents
                return Paid(record, balance, run.receipt_lines)
            case State.TO_STAFF:
                return SentToStaff(record)
        host = run.last_outcome.host_text if isinstance(run.last_outcome, Declined) else ""
        return NotPaid(record, _why(run), record.reason, host)


def outcome_word(result: PaymentResult) -> str:
    """The metrics' word for how `pay` ended (metrics.OUTCOMES)."""
    match result:
        case Paid():
            return "paid"
        case SentToStaff():
            return "to_staff"
        case ChoiceRefused():
            return "choice_refused"
        case NotPaid(why=why):
            return why
    raise AssertionError(result)


def result_reached_terminal(result: PaymentResult) -> bool:
    return isinstance(result, Paid | SentToStaff) or (
        isinstance(result, NotPaid) and result.record is not None
        and result.why in ("declined", "aborted", "card", "library_refused", "offline")
    )  # fmt: skip


def _why(run: Run) -> NotPaidWhy:
    if run.saga.state is State.REVERSED:
        return "offline" if run.ils_unreachable else "library_refused"
    match run.last_outcome:
        case Aborted():
            return "aborted"
        case Declined(category="bank" | "other"):
            return "declined"
        case Declined(category="card"):
            return "card"
        case Declined(category="busy"):
            return "busy"
    return "terminal_unavailable"


def _close_of(result: EndOfDay, kiosk_id: str, clock: Clock) -> TerminalClose:
    brands = tuple(BrandCount(b.brand, b.count, b.amount_cents) for b in result.by_brand)
    return TerminalClose(kiosk_id, clock.now(), result.count, result.amount_cents, brands)
