"""The patron session: its states, the table of legal transitions, the idle timer and the
immutable view the UI observes. Pure: the service (service.py) feeds events and time.

Rules:
1. IDLE is clean: nothing of a patron is held anywhere. Every other state leaves through
   ``end`` (reasons: done, timeout, error, staff_override, new_card, cancelled, refused),
   which clears the visit and sends End Patron Session to the ILS.
2. A card starts IDENTIFYING; with PIN entry configured the kiosk asks for the PIN first
   (AWAITING_PIN) and only then asks the ILS, so a stranger learns nothing about a card.
3. A staff card always asks for the PIN (AWAITING_PIN, whatever ``pin_required`` says) and
   goes to STAFF only when the ILS, or with the ILS unreachable the local technician PIN,
   accepts it (staff_auth.py); never to a patron's account. A wrong staff PIN is counted and
   refused like a patron's.
4. A refused patron sees why (REFUSED) until they dismiss it or the timer ends it.
5. WORKING is a patron's visit (borrow, return, renew, account); RETURNS is an anonymous
   returns-only visit when returning without login is allowed.
6. Done with something to record goes to RECEIPT (one decision: print / e-mail / none);
   done with nothing goes straight to IDLE.
7. A new card mid-session ends the current one (reason new_card) before the new one starts.
8. The idle timer runs in every state but IDLE, dialogs included: warn at ``warn_s``, end at
   ``end_s`` since the last touch; any intent counts as a touch.

    IDLE ──card──► IDENTIFYING ──pin_needed──► AWAITING_PIN ──pin──► IDENTIFYING
      │                 ├──accepted──► WORKING ──done──► RECEIPT ──decided──► (end) IDLE
      │                 ├──staff─────► STAFF        (staff card + PIN accepted)
      │                 └──refused───► REFUSED
      └──returns──► RETURNS ──done──► RECEIPT
    any state but IDLE ──end(reason)──► IDLE
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kiosk.core.circulation.notices import Notice


class State(StrEnum):
    IDLE = "idle"
    IDENTIFYING = "identifying"
    AWAITING_PIN = "awaiting_pin"
    REFUSED = "refused"
    STAFF = "staff"
    WORKING = "working"
    RETURNS = "returns"
    RECEIPT = "receipt"


class EndReason(StrEnum):
    DONE = "done"
    TIMEOUT = "timeout"
    ERROR = "error"
    STAFF_OVERRIDE = "staff_override"
    NEW_CARD = "new_card"
    CANCELLED = "cancelled"
    REFUSED = "refused"


TRANSITIONS: dict[tuple[State, str], State] = {
    (State.IDLE, "card"): State.IDENTIFYING,
    (State.IDLE, "returns"): State.RETURNS,
    (State.IDENTIFYING, "pin_needed"): State.AWAITING_PIN,
    (State.IDENTIFYING, "accepted"): State.WORKING,
    (State.IDENTIFYING, "staff"): State.STAFF,
    (State.IDENTIFYING, "refused"): State.REFUSED,
    (State.AWAITING_PIN, "pin"): State.IDENTIFYING,
    (State.WORKING, "done"): State.RECEIPT,
    (State.RETURNS, "done"): State.RECEIPT,
    (State.RECEIPT, "decided"): State.IDLE,
    **{(state, "end"): State.IDLE for state in State if state is not State.IDLE},
}


class IllegalTransition(Exception):
    """An event the table does not allow in the current state (a bug or a stale tap)."""


def step(state: State, event: str) -> State:
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise IllegalTransition(f"{event!r} is not allowed in state {state}") from None


@dataclass(frozen=True)
class IdleTimer:
    warn_s: float = 60.0
    end_s: float = 80.0

    def check(self, state: State, last_touch: float, now: float) -> tuple[bool, float | None]:
        """(end the session now, seconds left to show in the warning or None)."""
        if state is State.IDLE:
            return False, None
        idle = now - last_touch
        if idle >= self.end_s:
            return True, None
        if idle >= self.warn_s:
            return False, self.end_s - idle
        return False, None


class Activity(StrEnum):
    BORROW = "borrow"
    RETURN = "return"
    ACCOUNT = "account"


class LineStatus(StrEnum):
    WORKING = "working"
    WAITING_FOR_PARTS = "waiting_for_parts"
    BORROWED = "borrowed"
    RETURNED = "returned"
    RENEWED = "renewed"
    REFUSED = "refused"
    SECURITY_FAILED = "security_failed"
    NOT_ON_LOAN = "not_on_loan"
    UNKNOWN_OUTCOME = "unknown_outcome"


@dataclass(frozen=True)
class ItemLine:
    """One item of this visit, in the order the patron placed or scanned it."""

    seq: int
    item_id: str
    activity: Activity
    status: LineStatus
    title: str = ""
    notice: Notice | None = None
    due: datetime | None = None
    sort_bin: str = ""
    offline: bool = False
    at: datetime | None = None  # when the item was placed, scanned or asked for


@dataclass(frozen=True)
class LoanView:
    item_id: str
    title: str
    due: datetime | None
    overdue: bool


@dataclass(frozen=True)
class HoldView:
    item_id: str
    title: str
    ready: bool
    where: str


@dataclass(frozen=True)
class FineView:
    description: str
    amount: str  # as the ILS gave it ("3.00"); the UI formats money


@dataclass(frozen=True)
class AccountView:
    loans: tuple[LoanView, ...]
    holds: tuple[HoldView, ...]  # ready for pickup first
    fines: tuple[FineView, ...]
    fines_total: str
    currency: str


@dataclass(frozen=True)
class SessionView:
    """Everything a screen may show. Immutable; a new one is published on every change."""

    state: State = State.IDLE
    activity: Activity = Activity.BORROW
    patron_name: str = ""
    may_borrow: bool = False
    offline: bool = False
    warning_s: float | None = None
    dialog: str = ""
    notice: Notice | None = None
    lines: tuple[ItemLine, ...] = ()
    account: AccountView | None = None
    receipt_choices: tuple[str, ...] = ()
    receipt_text: str = ""  # the receipt's content for self-voicing, while it is being chosen
    pin_tries_left: int | None = None
    last_end: EndReason | None = None
    staff_id: str = ""  # the signed-in staff card, masked (who loaded a locker), in STAFF only
    staff_login: bool = False  # the card shown is a staff card: the PIN asked is the staff PIN
