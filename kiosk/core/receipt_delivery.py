"""One receipt decision per session: print, e-mail, or none, and never a second copy.

Rules (the table below is the whole state machine):
- A session starts PENDING. Print moves it to PRINTING; the printer's answer moves it to
  PRINTED, or to PRINT_FAILED when the printer reports a fault (paper out, cover open,
  offline, stalled mid-job).
- A repeated tap on Print after the first (while PRINTING, after PRINTED, or a stale button
  after any other decision) prints nothing: the current outcome is returned again (paper
  saving: one receipt per session).
- After PRINT_FAILED the patron is offered e-mail or no receipt; printing is not retried in
  the same session (the printer just told us it cannot), and the session goes on.
- E-mail queues the receipt (the mailer persists it and retries in the background) and ends
  in EMAIL_QUEUED; None ends in DECLINED. Both are final.

Every outcome is also reported as an event (health, metrics and the staff screen listen).
Never does I/O itself: the printer and the mailer are ports; never logs a full address.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from kiosk.core.receipts import SPEECH_COLUMNS, Block, Receipt, Texts, as_speech, as_text, layout

EMAIL_COLUMNS = 48
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


class PrinterFault(Exception):
    """The receipt printer cannot print now; ``reason`` is a short code for staff and metrics."""

    reason = "printer_fault"


class InvalidEmailAddress(ValueError):
    """The patron typed something that is not an e-mail address."""


class ReceiptPrinter(Protocol):
    columns: int

    async def print_blocks(self, blocks: tuple[Block, ...]) -> None:
        """Print and cut one receipt; raises PrinterFault."""
        ...


class ReceiptMailer(Protocol):
    async def queue(self, address: str, subject: str, text: str) -> None:
        """Persist the e-mail for background delivery; returns once it cannot be lost."""
        ...


class State(StrEnum):
    PENDING = "pending"
    PRINTING = "printing"
    PRINTED = "printed"
    PRINT_FAILED = "print_failed"
    EMAIL_QUEUED = "email_queued"
    DECLINED = "declined"


class Choice(StrEnum):
    PRINT = "print"
    EMAIL = "email"
    NONE = "none"


TRANSITIONS: dict[tuple[State, str], State] = {
    (State.PENDING, "print"): State.PRINTING,
    (State.PRINTING, "printed"): State.PRINTED,
    (State.PRINTING, "print_failed"): State.PRINT_FAILED,
    (State.PENDING, "email"): State.EMAIL_QUEUED,
    (State.PRINT_FAILED, "email"): State.EMAIL_QUEUED,
    (State.PENDING, "none"): State.DECLINED,
    (State.PRINT_FAILED, "none"): State.DECLINED,
}


class IllegalReceiptStep(Exception):
    """A step the table does not allow (e.g. e-mail after the receipt was printed)."""


@dataclass(frozen=True)
class Outcome:
    state: State
    offer: tuple[Choice, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class ReceiptPrinted:
    session_id: str


@dataclass(frozen=True)
class ReceiptPrintFailed:
    session_id: str
    reason: str


@dataclass(frozen=True)
class ReceiptEmailQueued:
    session_id: str


@dataclass(frozen=True)
class ReceiptDeclined:
    session_id: str


ReceiptEvent = ReceiptPrinted | ReceiptPrintFailed | ReceiptEmailQueued | ReceiptDeclined


def validate_email(address: str) -> str:
    """The address trimmed, or InvalidEmailAddress (a pragmatic check, not RFC 5322)."""
    address = address.strip()
    if len(address) > 254 or not _ADDRESS.match(address):
        raise InvalidEmailAddress("not an e-mail address")
    return address


def step(state: State, event: str) -> State:
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise IllegalReceiptStep(f"{event} is not allowed when the receipt is {state}") from None


class ReceiptDesk:
    """The receipt of one session: the patron's choice, carried out once."""

    def __init__(
        self,
        session_id: str,
        receipt: Receipt,
        texts: Texts,
        printer: ReceiptPrinter | None,
        mailer: ReceiptMailer | None,
        report: Callable[[ReceiptEvent], None],
    ) -> None:
        self.session_id = session_id
        self.receipt = receipt
        self.texts = texts
        self.printer = printer
        self.mailer = mailer
        self.report = report
        self.state = State.PENDING
        self._last = Outcome(State.PENDING, self.choices())

    def spoken(self) -> str:
        """The receipt's content for self-voicing, in the language it was made in."""
        return as_speech(layout(self.receipt, self.texts, SPEECH_COLUMNS))

    def choices(self) -> tuple[Choice, ...]:
        """What the screen offers now: print only when a printer is configured and not failed."""
        offer = [Choice.PRINT] if self.printer and self.state is State.PENDING else []
        if self.mailer and self.state in (State.PENDING, State.PRINT_FAILED):
            offer.append(Choice.EMAIL)
        if self.state in (State.PENDING, State.PRINT_FAILED):
            offer.append(Choice.NONE)
        return tuple(offer)

    async def print(self) -> Outcome:
        if self.state is not State.PENDING or self.printer is None:
            return self._last  # a repeated or stale tap: the first decision stands
        self.state = step(self.state, "print")
        self._last = Outcome(self.state)
        try:
            await self.printer.print_blocks(layout(self.receipt, self.texts, self.printer.columns))
        except PrinterFault as fault:
            self.state = step(self.state, "print_failed")
            self.report(ReceiptPrintFailed(self.session_id, fault.reason))
            self._last = Outcome(self.state, self.choices(), fault.reason)
            return self._last
        self.state = step(self.state, "printed")
        self.report(ReceiptPrinted(self.session_id))
        self._last = Outcome(self.state)
        return self._last

    async def email(self, address: str) -> Outcome:
        if self.mailer is None:
            raise IllegalReceiptStep("no e-mail receipts on this kiosk")
        valid = validate_email(address)
        next_state = step(self.state, "email")
        text = as_text(layout(self.receipt, self.texts, EMAIL_COLUMNS), EMAIL_COLUMNS)
        subject = self.texts.gettext("%(library)s: your receipt") % {
            "library": self.receipt.library_name
        }
        await self.mailer.queue(valid, subject, text)
        self.state = next_state
        self.report(ReceiptEmailQueued(self.session_id))
        self._last = Outcome(self.state)
        return self._last

    def decline(self) -> Outcome:
        self.state = step(self.state, "none")
        self.report(ReceiptDeclined(self.session_id))
        self._last = Outcome(self.state)
        return self._last
