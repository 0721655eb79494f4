"""The patron's card payment of fees as a state machine: hold the card payment open, record it
at the library system, then confirm it or give it back. Pure: no I/O, no clock.

The promise: never charged-but-not-recorded. The card is charged for good only after the
library system accepted every posting of the allocation (fees.py).

Rules:
  1. The orchestrator journals the saga (state and data) BEFORE it executes the commands a
     transition returned; a transition that returns no command into a state that is not final
     is followed by `Journalled` once the journal write is durable. So a crash in state S
     means: S's commands may or may not have run. `recover` decides from that alone.
  2. Two hold modes (per terminal, from config):
       preauth   PreAuthorise -> post -> Book(the recorded amount) or Release
       reversal  Authorise (with a confirmation callback) -> post -> Confirm(True) or
                 Confirm(False); the terminal reverses an approval the kiosk never confirms,
                 so after a crash the hold is gone (`hold_alive` False): Reverse by receipt.
  3. Postings go one at a time. A refusal after some were accepted: preauth books only what
     was recorded (charged == recorded); reversal gives the whole payment back and sends the
     recorded part to staff (recorded, not charged: the patron is not harmed).
  4. An outcome nobody can settle at once goes to staff (`ToStaff`) with the payment id, the
     terminal's trace and receipt numbers and what was recorded. A lost library answer is
     asked after first (`AskIls`: the fee total before, the total expected after).
  5. An approval never reported to the kiosk is not charged: both hold modes charge only on
     the kiosk's confirm or book (an unseen pre-authorisation lapses).
  6. Illegal (state, event) raises `IllegalTransition`; `TRANSITIONS` lists every legal one
     with the states it may lead to (which one is decided by the saga's data).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from kiosk.core.payments.fees import Allocation
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
from kiosk.core.payments.terminal import Approved

__all__ = [  # the events and commands are the saga's vocabulary: importable from here too
    "FINAL",
    "TRANSITIONS",
    "AskIls",
    "Authorise",
    "Book",
    "Command",
    "Confirm",
    "Event",
    "IllegalTransition",
    "IlsAccepted",
    "IlsAnswerLost",
    "IlsFoundNotRecorded",
    "IlsFoundRecorded",
    "IlsRefused",
    "IlsStillUnknown",
    "IlsUnreachable",
    "Journalled",
    "PaymentHold",
    "PostFeePaid",
    "PreAuthorise",
    "Release",
    "Reverse",
    "Saga",
    "State",
    "TerminalAborted",
    "TerminalApproved",
    "TerminalConfirmed",
    "TerminalDeclined",
    "TerminalOutcomeUnknown",
    "TerminalReverseFailed",
    "TerminalReversed",
    "ToStaff",
    "begin",
    "entry_commands",
]  # fmt: skip


class PaymentHold(StrEnum):
    PREAUTH = "preauth"
    REVERSAL = "reversal"


class State(StrEnum):
    WRITTEN_AHEAD = "written_ahead"  # the intent is journalled; the terminal not yet asked
    AUTHORISING = "authorising"  # the terminal asked to authorise / pre-authorise
    AUTHORISED = "authorised"  # approval held open and journalled; nothing posted
    POSTING = "posting_to_ils"  # posting number `next_posting` sent (or about to be)
    CHECKING_ILS = "checking_ils"  # a posting's answer was lost: asking the library system
    ILS_ACCEPTED = "ils_accepted"  # every posting recorded; not yet confirmed
    CONFIRMING = "confirming"  # confirm / book sent
    PAID = "paid"  # charged and recorded
    REVERSING = "reversing"  # confirm(False) / release / reverse sent
    REVERSED = "reversed"  # given back: not charged, nothing recorded
    NOT_CHARGED = "not_charged"  # declined or aborted at the terminal, or never asked
    IN_DOUBT = "in_doubt"  # an outcome is unknown; decided on `Journalled`
    TO_STAFF = "to_staff"  # on the reconciliation list


FINAL = frozenset({State.PAID, State.REVERSED, State.NOT_CHARGED, State.TO_STAFF})


class IllegalTransition(Exception):
    """The orchestrator fed an event the saga cannot take in its state (its own mistake)."""


S = State
TRANSITIONS: dict[tuple[State, type], frozenset[State]] = {
    (S.WRITTEN_AHEAD, Journalled): frozenset({S.AUTHORISING}),
    (S.AUTHORISING, TerminalApproved): frozenset({S.AUTHORISED}),
    (S.AUTHORISING, TerminalDeclined): frozenset({S.NOT_CHARGED}),
    (S.AUTHORISING, TerminalAborted): frozenset({S.NOT_CHARGED}),
    (S.AUTHORISING, TerminalOutcomeUnknown): frozenset({S.IN_DOUBT}),
    (S.AUTHORISED, Journalled): frozenset({S.POSTING}),
    (S.POSTING, IlsAccepted): frozenset({S.POSTING, S.ILS_ACCEPTED}),
    (S.POSTING, IlsRefused): frozenset({S.REVERSING, S.CONFIRMING}),
    (S.POSTING, IlsUnreachable): frozenset({S.REVERSING, S.CONFIRMING}),
    (S.POSTING, IlsAnswerLost): frozenset({S.CHECKING_ILS}),
    (S.CHECKING_ILS, IlsFoundRecorded): frozenset({S.POSTING, S.ILS_ACCEPTED}),
    (S.CHECKING_ILS, IlsFoundNotRecorded): frozenset({S.REVERSING, S.CONFIRMING}),
    (S.CHECKING_ILS, IlsStillUnknown): frozenset({S.IN_DOUBT}),
    (S.ILS_ACCEPTED, Journalled): frozenset({S.CONFIRMING, S.REVERSING}),
    (S.CONFIRMING, TerminalConfirmed): frozenset({S.PAID}),
    (S.CONFIRMING, TerminalDeclined): frozenset({S.TO_STAFF}),
    (S.CONFIRMING, TerminalAborted): frozenset({S.TO_STAFF}),
    (S.CONFIRMING, TerminalOutcomeUnknown): frozenset({S.TO_STAFF}),
    (S.IN_DOUBT, Journalled): frozenset({S.REVERSING, S.NOT_CHARGED}),
    (S.REVERSING, TerminalReversed): frozenset({S.REVERSED, S.TO_STAFF}),
    (S.REVERSING, TerminalReverseFailed): frozenset({S.TO_STAFF}),
    (S.REVERSING, TerminalOutcomeUnknown): frozenset({S.TO_STAFF}),
}


@dataclass(frozen=True)
class Saga:
    payment_id: str
    card: str
    mode: PaymentHold
    allocation: Allocation
    state: State = State.WRITTEN_AHEAD
    approval: Approved | None = None
    next_posting: int = 0  # index of the posting sent or to send
    recorded_cents: int = 0  # accepted by the library system
    hold_alive: bool = True  # reversal mode: False once the authorise call is gone (crash)
    staff_note: str = ""  # set when something must reach staff even if the card is settled

    @property
    def amount_cents(self) -> int:
        return self.allocation.total_cents

    @property
    def final(self) -> bool:
        return self.state in FINAL

    def apply(self, event: Event) -> tuple[Saga, tuple[Command, ...]]:
        """The next saga and the commands to execute after journalling it."""
        allowed = TRANSITIONS.get((self.state, type(event)))
        if allowed is None:
            raise IllegalTransition(f"{type(event).__name__} in state {self.state}")
        after = _advance(self, event)
        if after.state not in allowed:  # a bug in _advance, not the orchestrator's
            raise AssertionError(f"{self.state} -> {after.state} is not in the table")
        return after, entry_commands(after)


def begin(payment_id: str, card: str, mode: PaymentHold, allocation: Allocation) -> Saga:
    """A new payment, to journal before anything else (then feed `Journalled`)."""
    if allocation.total_cents <= 0:
        raise ValueError("nothing to pay")
    return Saga(payment_id, card, mode, allocation)


def _advance(saga: Saga, event: Event) -> Saga:
    match event:
        case Journalled():
            return _after_journal(saga)
        case TerminalApproved(approval=approval):
            return replace(saga, state=S.AUTHORISED, approval=approval)
        case TerminalDeclined() | TerminalAborted() if saga.state is S.AUTHORISING:
            return replace(saga, state=S.NOT_CHARGED)
        case TerminalDeclined(reason=why) | TerminalAborted(reason=why):
            return _staff(saga, f"recorded at the library system, the terminal refused: {why}")
        case TerminalOutcomeUnknown(reason=why, approval=approval) if saga.state is S.AUTHORISING:
            # The authorise call is over: in the reversal mode nothing is left to confirm or
            # refuse, the approval (if any) is given back by its receipt number.
            alive = saga.hold_alive and saga.mode is PaymentHold.PREAUTH
            return replace(saga, state=S.IN_DOUBT, approval=approval or saga.approval,
                           hold_alive=alive)  # fmt: skip
        case TerminalOutcomeUnknown(reason=why):
            return _staff(saga, f"the terminal's answer was lost: {why}")
        case TerminalConfirmed():
            return replace(saga, state=S.PAID)
        case TerminalReversed():
            return replace(saga, state=S.TO_STAFF if saga.staff_note else S.REVERSED)
        case TerminalReverseFailed(reason=why):
            return _staff(saga, f"could not give the payment back: {why}")
        case IlsAccepted() | IlsFoundRecorded():
            return _recorded(saga)
        case IlsRefused() | IlsUnreachable() | IlsFoundNotRecorded():
            return _not_recorded(saga)
        case IlsAnswerLost():
            return replace(saga, state=S.CHECKING_ILS)
        case IlsStillUnknown(reason=why):
            note = f"posting {saga.next_posting + 1} may be recorded without payment: {why}"
            return replace(saga, state=S.IN_DOUBT, staff_note=note)
    raise IllegalTransition(f"{type(event).__name__} in state {saga.state}")


def _after_journal(saga: Saga) -> Saga:
    match saga.state:
        case S.WRITTEN_AHEAD:
            return replace(saga, state=S.AUTHORISING)
        case S.AUTHORISED:
            return replace(saga, state=S.POSTING, next_posting=0)
        case S.ILS_ACCEPTED if saga.mode is PaymentHold.REVERSAL and not saga.hold_alive:
            note = "recorded at the library system; the terminal reversed the unconfirmed payment"
            return replace(saga, state=S.REVERSING, staff_note=note)
        case S.ILS_ACCEPTED:
            return replace(saga, state=S.CONFIRMING)
        case S.IN_DOUBT if saga.approval is None:
            return replace(saga, state=S.NOT_CHARGED)
        case _:  # IN_DOUBT with an approval
            return replace(saga, state=S.REVERSING)


def _recorded(saga: Saga) -> Saga:
    posting = saga.allocation.postings[saga.next_posting]
    recorded = saga.recorded_cents + posting.amount_cents
    if saga.next_posting + 1 < len(saga.allocation.postings):
        return replace(saga, state=S.POSTING, next_posting=saga.next_posting + 1,
                       recorded_cents=recorded)  # fmt: skip
    return replace(saga, state=S.ILS_ACCEPTED, recorded_cents=recorded)


def _not_recorded(saga: Saga) -> Saga:
    if saga.recorded_cents == 0:
        return replace(saga, state=S.REVERSING)
    if saga.mode is PaymentHold.PREAUTH:  # book exactly what the library system recorded
        return replace(saga, state=S.CONFIRMING)
    note = f"{saga.recorded_cents} cents recorded at the library system, the payment given back"
    return replace(saga, state=S.REVERSING, staff_note=note)


def _staff(saga: Saga, reason: str) -> Saga:
    return replace(saga, state=S.TO_STAFF, staff_note=saga.staff_note or reason)


def entry_commands(saga: Saga) -> tuple[Command, ...]:
    match saga.state:
        case S.AUTHORISING if saga.mode is PaymentHold.PREAUTH:
            return (PreAuthorise(saga.amount_cents, saga.payment_id),)
        case S.AUTHORISING:
            return (Authorise(saga.amount_cents, saga.payment_id),)
        case S.POSTING:
            posting = saga.allocation.postings[saga.next_posting]
            return (PostFeePaid(saga.card, posting, saga.next_posting, _trace(saga)),)
        case S.CHECKING_ILS:
            return (_ask(saga),)
        case S.CONFIRMING:
            return (_confirm(saga),)
        case S.REVERSING:
            return (_give_back(saga),)
        case S.TO_STAFF:
            return (_to_staff(saga),)
    return ()


def _trace(saga: Saga) -> str:
    return str(saga.approval.trace_number) if saga.approval else saga.payment_id


def _ask(saga: Saga) -> AskIls:
    posting = saga.allocation.postings[saga.next_posting]
    before = saga.allocation.owed_before_cents - saga.recorded_cents
    return AskIls(saga.card, posting, saga.next_posting, _trace(saga), before,
                  before - posting.amount_cents)  # fmt: skip


def _confirm(saga: Saga) -> Command:
    if saga.mode is PaymentHold.REVERSAL:
        return Confirm(True)
    assert saga.approval is not None
    return Book(saga.approval, saga.recorded_cents)


def _give_back(saga: Saga) -> Command:
    assert saga.approval is not None
    if saga.mode is PaymentHold.PREAUTH:
        return Release(saga.approval)
    if saga.hold_alive:
        return Confirm(False)
    return Reverse(saga.approval.receipt_number)


def _to_staff(saga: Saga) -> ToStaff:
    a = saga.approval
    return ToStaff(saga.payment_id, saga.card, saga.staff_note, a.trace_number if a else None,
                   a.receipt_number if a else None, saga.amount_cents,
                   saga.recorded_cents)  # fmt: skip
