"""How a finished ZVT operation reads in the port's words (kiosk.core.payments.terminal).

Rules (PA00P015 §2.2.8, research notes §10, §13):
  - 84 xx to our command: nothing started → Declined (9C/A0: busy).
  - no 80 00 within T3: we cannot tell whether the terminal started → OutcomeUnknown.
  - link lost or T4 after the terminal started: OutcomeUnknown, carrying the approval if a
    04 0F with result 00 had arrived (the flow settles it by receipt number).
  - 06 0F after a 04 0F with result 00 → Approved.
  - 06 1E: 6C → Aborted (cancelled at the terminal); after the kiosk refused the approval →
    Aborted (the terminal reversed it); otherwise Declined with the code in words.
"""

from __future__ import annotations

from device_drivers.payment import zvt_codes
from device_drivers.payment.zvt_messages import Message
from device_drivers.payment.zvt_session import Result
from kiosk.core.payments.terminal import (
    Aborted,
    Approved,
    BrandTotal,
    Declined,
    EndOfDay,
    Outcome,
    OutcomeUnknown,
)

CANCELLED = 0x6C
ALREADY_REVERSED = 0xB4


def outcome_of(result: Result, refused_by_kiosk: bool = False) -> Outcome:
    if result.refused_code is not None:
        return declined(result.refused_code)
    approval = approval_of(result)
    if result.failure:
        if result.failed_in == "awaiting_ack" and "cannot connect" in result.failure:
            return Declined(result.failure, "unreachable")
        return OutcomeUnknown(result.failure, approval)
    if result.ok:
        if approval is not None:
            return approval
        if not result.infos:  # some terminals send no 04 0F for a booking or release
            return Approved(0, 0, 0, receipt_lines=_lines(result, "customer"))
        return declined(result.result_code if result.result_code is not None else 0xFF)
    code = result.result_code if result.result_code is not None else 0xFF
    if refused_by_kiosk:
        return Aborted("the kiosk refused the approval; the terminal reversed the payment")
    if result.accepted_info and approval is not None:
        return OutcomeUnknown(f"terminal aborted after approving: {zvt_codes.result_text(code)}",
                              approval)  # fmt: skip
    if code == CANCELLED:
        return Aborted(zvt_codes.result_text(code))
    return declined(code, _host_text(result))


def declined(code: int, host_text: str = "") -> Declined:
    if code == ALREADY_REVERSED:  # a give-back of what the terminal reversed itself: done
        return Declined(zvt_codes.result_text(code), "already_reversed", code, host_text)
    category = zvt_codes.result_category(code)
    port_category = {"cancelled": "other", "reversal": "refused_request", "approved": "other"}.get(
        category, category
    )
    return Declined(zvt_codes.result_text(code), port_category, code, host_text)  # type: ignore[arg-type]


def approval_of(result: Result) -> Approved | None:
    info = next((i for i in reversed(result.infos) if i.field("result_code") == 0), None)
    if info is None:
        return None
    customer = _lines(result, "customer") or _lines(result, "unknown")
    return approval_from(info, customer, _lines(result, "merchant"))


def approval_from(
    info: Message, receipt: tuple[str, ...] = (), merchant: tuple[str, ...] = ()
) -> Approved:
    card_type = info.field("card_type")
    brand = info.field("card_name") or (
        zvt_codes.card_type_name(card_type) if isinstance(card_type, int) else ""
    )
    terminal_id = info.field("terminal_id")
    return Approved(
        trace_number=int(info.field("trace_number", 0)),  # type: ignore[arg-type]
        receipt_number=int(info.field("receipt_number", 0)),  # type: ignore[arg-type]
        amount_cents=int(info.field("amount", 0)),  # type: ignore[arg-type]
        masked_card=masked_pan(str(info.field("pan", ""))),
        card_brand=str(brand),
        auth_code=str(info.field("auth_code", "")),
        terminal_id=f"{terminal_id:08d}" if isinstance(terminal_id, int) else "",
        receipt_lines=receipt,
        merchant_lines=merchant,
    )


def masked_pan(pan: str) -> str:
    """Every digit but the last four as "*", whatever the terminal already masked."""
    if not pan:
        return ""
    return "*" * max(0, len(pan) - 4) + pan[-4:].replace("E", "*")


def end_of_day_of(result: Result) -> EndOfDay | Declined | OutcomeUnknown:
    outcome = outcome_of(result)
    if isinstance(outcome, Declined | OutcomeUnknown):
        return outcome
    if isinstance(outcome, Aborted):
        return Declined(outcome.reason, "other", CANCELLED)
    info = result.infos[-1] if result.infos else None
    totals = info.field("single_totals") if info else None
    brands = tuple(
        BrandTotal(s.scheme, s.count, s.amount_cents)
        for s in getattr(totals, "schemes", ())
        if s.count or s.amount_cents
    )
    return EndOfDay(
        amount_cents=int(info.field("amount", 0)) if info else 0,  # type: ignore[arg-type]
        count=sum(b.count for b in brands),
        by_brand=brands,
        receipt_lines=_lines(result, "administration") or _lines(result, "unknown"),
    )


def _lines(result: Result, kind: str) -> tuple[str, ...]:
    return tuple(line for r in result.receipts if r.kind == kind for line in r.lines)


def _host_text(result: Result) -> str:
    texts = [i.field("additional_text") for i in result.infos if i.field("additional_text")]
    return str(texts[-1]) if texts else ""
