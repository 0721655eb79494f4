"""The payment saga's events (what happened, past tense) and commands (what to do next,
imperative): plain frozen data, shared by the state machine (saga.py), its recovery
(saga_recovery.py) and the orchestrator (desk.py) that executes the commands. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.payments.fees import Posting
from kiosk.core.payments.terminal import Approved


# -- events (past tense) ------------------------------------------------------------------
@dataclass(frozen=True)
class Journalled:
    """The saga's current state is durably in the journal."""


@dataclass(frozen=True)
class TerminalApproved:
    approval: Approved


@dataclass(frozen=True)
class TerminalDeclined:
    reason: str


@dataclass(frozen=True)
class TerminalAborted:
    reason: str


@dataclass(frozen=True)
class TerminalOutcomeUnknown:
    reason: str
    approval: Approved | None = None


@dataclass(frozen=True)
class TerminalConfirmed:
    """The confirm or book took: the card is charged for good."""


@dataclass(frozen=True)
class TerminalReversed:
    """Confirm(False), release or reverse took: nothing charged."""


@dataclass(frozen=True)
class TerminalReverseFailed:
    reason: str


@dataclass(frozen=True)
class IlsAccepted:
    transaction_id: str = ""


@dataclass(frozen=True)
class IlsRefused:
    reason: str


@dataclass(frozen=True)
class IlsUnreachable:
    """Nothing reached the library system: the posting is certainly not recorded."""

    reason: str


@dataclass(frozen=True)
class IlsAnswerLost:
    reason: str


@dataclass(frozen=True)
class IlsFoundRecorded:
    pass


@dataclass(frozen=True)
class IlsFoundNotRecorded:
    pass


@dataclass(frozen=True)
class IlsStillUnknown:
    reason: str


Event = (
    Journalled | TerminalApproved | TerminalDeclined | TerminalAborted | TerminalOutcomeUnknown
    | TerminalConfirmed | TerminalReversed | TerminalReverseFailed | IlsAccepted | IlsRefused
    | IlsUnreachable | IlsAnswerLost | IlsFoundRecorded | IlsFoundNotRecorded | IlsStillUnknown
)  # fmt: skip


# -- commands (imperative) ----------------------------------------------------------------
@dataclass(frozen=True)
class Authorise:
    """authorise(request, confirm=...) : the reversal hold mode."""

    amount_cents: int
    reference: str


@dataclass(frozen=True)
class PreAuthorise:
    amount_cents: int
    reference: str


@dataclass(frozen=True)
class PostFeePaid:
    card: str
    posting: Posting
    index: int
    transaction_id: str  # the terminal's trace number


@dataclass(frozen=True)
class AskIls:
    """Was posting `index` recorded? Compare the patron's fee total now with these."""

    card: str
    posting: Posting
    index: int
    transaction_id: str
    owed_if_not_recorded_cents: int
    owed_if_recorded_cents: int


@dataclass(frozen=True)
class Confirm:
    """Answer the terminal's held approval: True books it, False makes it reverse."""

    accept: bool


@dataclass(frozen=True)
class Book:
    reservation: Approved
    amount_cents: int


@dataclass(frozen=True)
class Release:
    reservation: Approved


@dataclass(frozen=True)
class Reverse:
    receipt_number: int


@dataclass(frozen=True)
class ToStaff:
    payment_id: str
    card: str
    reason: str
    trace_number: int | None
    receipt_number: int | None
    amount_cents: int  # what the terminal was asked for
    recorded_cents: int  # what the library system accepted, as far as the kiosk knows


Command = (
    Authorise | PreAuthorise | PostFeePaid | AskIls | Confirm | Book | Release | Reverse | ToStaff
)
