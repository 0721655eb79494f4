"""What the payment desk tells the kiosk's metrics (kiosk/telemetry/payments.py exposes it):
payments by outcome, give-backs by result, the reconciliation list's length, the terminal's
health. Words only, a closed vocabulary: never a card number or an amount."""

from __future__ import annotations

from typing import Protocol

OUTCOMES = (
    "paid", "to_staff", "choice_refused", "declined", "aborted", "card", "busy",
    "terminal_unavailable", "library_refused", "offline",
)  # fmt: skip
REVERSALS = ("reversed", "failed", "unknown")


class PaymentRecorder(Protocol):
    def payment(self, outcome: str) -> None:
        """One `PaymentDesk.pay` ended: an OUTCOMES word."""
        ...

    def reversal(self, result: str) -> None:
        """A give-back (confirm-false, release, reverse) ended: a REVERSALS word."""
        ...

    def unsettled(self, count: int) -> None:
        """Payments on the reconciliation list or not final, staff not done with them."""
        ...

    def terminal(self, ready: bool, reason: str = "") -> None:
        """What the last operation or status enquiry said about the terminal."""
        ...


class NoPaymentRecorder:
    def payment(self, outcome: str) -> None:
        return None

    def reversal(self, result: str) -> None:
        return None

    def unsettled(self, count: int) -> None:
        return None

    def terminal(self, ready: bool, reason: str = "") -> None:
        return None
