"""Runs one payment saga: journal each state, then execute its command against the terminal
or the library system and feed the answer back as an event, until the saga is final.

Rules:
  1. Journal first (saga.py rule 1): `_step` writes the entry before anything runs; a journal
     that cannot write raises JournalError and nothing more is sent.
  2. The reversal hold mode runs the library postings INSIDE the terminal's confirmation
     callback: the terminal holds the approval open (answering "ask me again") while the
     kiosk records the fees, and the callback answers the saga's Confirm(accept).
  3. Every answer becomes a saga event here, in domain words: terminal outcomes by type and
     decline category, library answers by result and error class (LibraryUnavailable:
     nothing applied; OutcomeUnknown: ask before anything else).
  4. "Already reversed" from the terminal is good news for a give-back (after a crash the
     terminal reverses an unconfirmed payment on its own).

Never: retries a terminal operation (an unknown outcome is settled, not repeated), logs a
PIN, or formats text for the patron (results.py carries words; the screens translate).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from kiosk.core.clock import Clock
from kiosk.core.errors import LibrarySystemError, LibraryUnavailable
from kiosk.core.errors import OutcomeUnknown as IlsOutcomeUnknown
from kiosk.core.payments.journal import JournalEntry, PaymentJournal
from kiosk.core.payments.metrics import NoPaymentRecorder, PaymentRecorder
from kiosk.core.payments.owed import cents, money
from kiosk.core.payments.results import Progress, Stage
from kiosk.core.payments.saga import Saga, State
from kiosk.core.payments.saga_messages import (
    AskIls,
    Authorise,
    Book,
    Command,
    Confirm,
    Event,
    IlsAccepted,
    IlsAnswerLost,
    IlsFoundNotRecorded,
    IlsFoundRecorded,
    IlsRefused,
    IlsStillUnknown,
    IlsUnreachable,
    Journalled,
    PostFeePaid,
    PreAuthorise,
    Release,
    Reverse,
    TerminalAborted,
    TerminalApproved,
    TerminalConfirmed,
    TerminalDeclined,
    TerminalOutcomeUnknown,
    TerminalReversed,
    TerminalReverseFailed,
    ToStaff,
)
from kiosk.core.payments.terminal import (
    Aborted,
    Approved,
    Currency,
    Declined,
    Outcome,
    OutcomeUnknown,
    PaymentRequest,
    PaymentTerminal,
    StatusShown,
)
from kiosk.core.ports import LibrarySystem
from kiosk.core.vocabulary import PaymentMethod

log = logging.getLogger(__name__)


class JournalError(Exception):
    """The payment journal cannot write: no payment may go on (nothing more is sent)."""


@dataclass
class Run:
    """One payment as it runs: the journalled entry and what the patron should hear."""

    entry: JournalEntry
    on_progress: Callable[[Progress], None] | None = None
    stage: Stage = "terminal"
    last_outcome: Outcome | None = None  # the terminal's last answer, for the result's words
    ils_refusal: str = ""
    ils_unreachable: bool = False
    receipt_lines: tuple[str, ...] = ()
    in_confirm: bool = False  # inside the terminal's confirmation callback (reversal mode)
    staff: list[ToStaff] = field(default_factory=list)

    @property
    def saga(self) -> Saga:
        return self.entry.saga

    def progress(self, stage: Stage, text: str = "") -> None:
        self.stage = stage
        if self.on_progress is not None:
            self.on_progress(Progress(stage, text))


@dataclass
class SagaRunner:
    library: LibrarySystem
    terminal: PaymentTerminal
    journal: PaymentJournal
    currency: Currency
    clock: Clock
    on_staff: Callable[[ToStaff], None] | None = None
    recorder: PaymentRecorder = field(default_factory=NoPaymentRecorder)

    async def drive(self, run: Run, commands: tuple[Command, ...]) -> None:
        """Execute until the saga is final, or (inside the confirmation callback) until it
        asks to Confirm. The entry in `run` is journalled already."""
        while True:
            if run.saga.final:
                for command in commands:
                    if isinstance(command, ToStaff):
                        await self._to_staff(run, command)
                return
            if not commands:
                commands = await self.step(run, Journalled())
                continue
            command = commands[0]
            if isinstance(command, Confirm) and run.in_confirm:
                return
            commands = await self.step(run, await self._execute(run, command))

    async def step(self, run: Run, event: Event) -> tuple[Command, ...]:
        if run.saga.state is State.REVERSING:
            self.recorder.reversal(_give_back_result(event))
        saga, commands = run.saga.apply(event)
        entry = replace(run.entry, saga=saga)
        if isinstance(event, IlsAccepted):
            entry = replace(entry, ils_ids=(*entry.ils_ids, event.transaction_id))
        if isinstance(event, IlsFoundRecorded):
            entry = replace(entry, ils_ids=(*entry.ils_ids, ""))
        if saga.final and entry.settled_at is None:
            entry = replace(entry, settled_at=self.clock.now(), reason=_reason(run, saga))
        run.entry = entry
        await self.write(entry)
        return commands

    async def write(self, entry: JournalEntry) -> None:
        try:
            await self.journal.write(entry)
        except Exception as exc:  # disk full, read-only, locked: stop before sending more
            raise JournalError(f"cannot write the payment journal: {exc}") from exc

    async def _execute(self, run: Run, command: Command) -> Event:
        match command:
            case Authorise() | PreAuthorise():
                run.progress("terminal")
                return await self._authorise(run, command)
            case PostFeePaid():
                run.progress("recording")
                return await self._post(run, command)
            case AskIls():
                run.progress("recording")
                return await self._ask(command)
            case Book(reservation=reservation, amount_cents=amount):
                run.progress("confirming")
                return _booked(await self.terminal.book(reservation, amount, _status(run)), run)
            case Release(reservation=reservation):
                run.progress("reversing")
                return _given_back(await self.terminal.release(reservation, _status(run)))
            case Reverse(receipt_number=receipt):
                run.progress("reversing")
                return _given_back(await self.terminal.reverse(receipt, _status(run)))
            case Confirm(accept=False):  # no open hold outside the callback: by receipt
                assert run.saga.approval is not None
                run.progress("reversing")
                outcome = await self.terminal.reverse(run.saga.approval.receipt_number)
                return _given_back(outcome)
            case Confirm(accept=True):
                return TerminalOutcomeUnknown("no open payment to confirm")
        raise AssertionError(f"not a command the runner executes: {command!r}")

    async def _authorise(self, run: Run, command: Authorise | PreAuthorise) -> Event:
        request = PaymentRequest(command.amount_cents, command.reference, self.currency)
        if isinstance(command, PreAuthorise):
            outcome = await self.terminal.pre_authorise(request, _status(run))
            run.last_outcome = outcome
            return _authorised(outcome)
        confirmed: list[bool] = []

        async def confirm(approval: Approved) -> bool:
            run.in_confirm = True
            try:
                await self.drive(run, await self.step(run, TerminalApproved(approval)))
            finally:
                run.in_confirm = False
            accept = run.saga.state is State.CONFIRMING
            run.progress("confirming" if accept else "reversing")
            confirmed.append(accept)
            return accept

        outcome = await self.terminal.authorise(request, _status(run), confirm)
        run.last_outcome = outcome
        if not confirmed:  # the terminal never asked: an approval it reports was not held
            if isinstance(outcome, Approved):
                return TerminalOutcomeUnknown("the terminal did not hold the payment", outcome)
            return _authorised(outcome)
        if confirmed[0]:
            if isinstance(outcome, Approved):
                run.receipt_lines = outcome.receipt_lines
            return _booked(outcome, run)
        match outcome:
            case Approved():
                return TerminalReverseFailed("the terminal kept a payment the kiosk refused")
            case OutcomeUnknown(reason=why):
                return TerminalOutcomeUnknown(why)
        return TerminalReversed()

    async def _post(self, run: Run, command: PostFeePaid) -> Event:
        p = command.posting
        try:
            result = await self.library.fee_paid(
                command.card, money(p.amount_cents), currency=self.currency.alpha,
                fee_type=p.fee_type, method=PaymentMethod.CREDIT_CARD, fee_id=p.fee_id,
                transaction_id=command.transaction_id,
            )  # fmt: skip
        except IlsOutcomeUnknown as exc:  # before LibraryUnavailable: it may be both
            return IlsAnswerLost(str(exc))
        except LibraryUnavailable as exc:
            run.ils_unreachable = True
            run.ils_refusal = f"the library system cannot be reached: {exc}"
            return IlsUnreachable(str(exc))
        except LibrarySystemError as exc:  # an unreadable answer: it may have been applied
            return IlsAnswerLost(str(exc))
        if result.accepted:
            return IlsAccepted(result.transaction_id)
        run.ils_refusal = "; ".join(result.screen_messages) or "refused by the library system"
        return IlsRefused(run.ils_refusal)

    async def _ask(self, command: AskIls) -> Event:
        try:
            patron = await self.library.patron(command.card, details="fine")
        except LibrarySystemError as exc:
            return IlsStillUnknown(str(exc))
        if patron.fee_amount is None:
            return IlsStillUnknown("the library system does not report the amount owed")
        owed = cents(patron.fee_amount)
        if owed == command.owed_if_recorded_cents:
            return IlsFoundRecorded()
        if owed == command.owed_if_not_recorded_cents:
            return IlsFoundNotRecorded()
        return IlsStillUnknown(f"the patron owes {owed} cents, neither before nor after")

    async def _to_staff(self, run: Run, command: ToStaff) -> None:
        log.warning(
            "payment %s to the reconciliation list: %s (trace %s, receipt %s, %s of %s cents "
            "recorded)", command.payment_id, command.reason, command.trace_number,
            command.receipt_number, command.recorded_cents, command.amount_cents,
        )  # fmt: skip
        run.staff.append(command)
        if self.on_staff is not None:
            self.on_staff(command)
        run.entry = replace(run.entry, told_staff=True)
        await self.write(run.entry)


def _status(run: Run) -> Callable[[StatusShown], None]:
    return lambda shown: run.progress(run.stage, shown.text)


def _authorised(outcome: Outcome) -> Event:
    match outcome:
        case Approved():
            return TerminalApproved(outcome)
        case Declined(reason=why):
            return TerminalDeclined(why)
        case Aborted(reason=why):
            return TerminalAborted(why)
        case OutcomeUnknown(reason=why, approved=approval):
            return TerminalOutcomeUnknown(why, approval)
    raise AssertionError(outcome)


def _booked(outcome: Outcome, run: Run) -> Event:
    match outcome:
        case Approved():
            if outcome.receipt_lines:
                run.receipt_lines = outcome.receipt_lines
            return TerminalConfirmed()
        case Declined(reason=why):
            return TerminalDeclined(why)
        case Aborted(reason=why):
            return TerminalAborted(why)
        case OutcomeUnknown(reason=why):
            return TerminalOutcomeUnknown(why)
    raise AssertionError(outcome)


def _given_back(outcome: Outcome) -> Event:
    match outcome:
        case Approved():
            return TerminalReversed()
        case Declined(category="already_reversed"):
            return TerminalReversed()
        case Declined(reason=why) | Aborted(reason=why):
            return TerminalReverseFailed(why)
        case OutcomeUnknown(reason=why):
            return TerminalOutcomeUnknown(why)
    raise AssertionError(outcome)


def _give_back_result(event: Event) -> str:
    match event:
        case TerminalReversed():
            return "reversed"
        case TerminalReverseFailed():
            return "failed"
    return "unknown"


def _reason(run: Run, saga: Saga) -> str:
    if saga.staff_note:
        return saga.staff_note
    if run.ils_refusal:
        return run.ils_refusal
    match run.last_outcome:
        case Declined(reason=why, host_text=host):
            return f"{why}: {host}" if host else why
        case Aborted(reason=why) | OutcomeUnknown(reason=why):
            return why
    return ""
