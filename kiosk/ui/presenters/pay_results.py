"""What the payment desk says, as the payment screen's views: the fees owed as the choosing
stage, a payment's result as the outcome stage, a journalled payment as a line on the staff
list; and the desk as the screens need it (PaymentDeskPort). Pure: no I/O, no Kivy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

from kiosk.core.payments.fees import Choice, FeeRules, OwedFee
from kiosk.core.payments.records import PaymentRecord
from kiosk.core.payments.results import (
    ChoiceRefused,
    NotPaid,
    OwedFees,
    Paid,
    PaymentResult,
    Progress,
    SentToStaff,
)
from kiosk.core.vocabulary import FeeType
from kiosk.ui.presenters.pay_receipt import reference_of
from kiosk.ui.presenters.pay_views import PayFeeLine, PayView, StaffPaymentLine


class PaymentDeskPort(Protocol):
    """What the screens need of kiosk/core/payments/desk.py's PaymentDesk."""

    async def owed(self, card: str, pin: str | None) -> OwedFees: ...

    async def pay(
        self,
        card: str,
        pin: str | None,
        choice: Choice,
        *,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> PaymentResult: ...

    async def end_of_day(self) -> Any: ...

    def today(self) -> list[PaymentRecord]: ...


def outcome_view(own: PayView, result: PaymentResult) -> PayView:
    """The outcome stage for the desk's result (a refused choice goes back to choosing);
    the receipt decision is added by the flow."""
    done = replace(own, stage="outcome", terminal_text="", progress="")
    match result:
        case Paid(record=record, new_balance_cents=balance):
            reference = reference_of(record)
            return replace(done, outcome="paid", amount_cents=record.recorded_cents,
                           new_balance_cents=balance, reference=reference)  # fmt: skip
        case NotPaid(why=why, record=record, host_text=host):
            # NotPaid.text is the desk's words for the log (English): the patron gets our
            # sentence in their language, and beside it the bank's own text when the
            # terminal gave one (card schemes require it to be shown).
            reference = reference_of(record) if record is not None else ""
            return replace(done, outcome=why, reference=reference, detail=host)
        case SentToStaff(record=record):
            return replace(done, outcome="to_staff", reference=reference_of(record))
        case ChoiceRefused(refusal=refusal):
            return replace(own, stage="choose", refusal=refusal.reason)
    return replace(done, outcome="failed")


def choose_view(owed: OwedFees, rules: FeeRules) -> PayView:
    fees = tuple(
        PayFeeLine(fee.fee_id, fee.description, str(fee.fee_type), fee.amount_cents)
        for fee in owed.fees
    )
    refusal = "" if owed.total_cents > 0 else "nothing_owed"
    return PayView("choose", fees, owed.total_cents, owed.named, refusal=refusal,
                   minimum_cents=rules.minimum_cents,
                   can_type_amount=rules.partial_allowed and owed.total_cents > 0)  # fmt: skip


def staff_line(record: PaymentRecord) -> StaffPaymentLine:
    amount = record.charged_cents if record.state == "paid" else record.amount_cents
    return StaffPaymentLine(
        f"{record.started_at:%H:%M}", record.library_card_masked, record.bank_card_masked,
        amount, record.state, reference_of(record),
    )  # fmt: skip


def fee_of_line(line: PayFeeLine) -> OwedFee:
    return OwedFee(line.amount_cents, FeeType(line.fee_type), line.fee_id, None, line.description)
