"""The receipt of a card payment made on the touch screen: the library's part (each fee paid
with its amount, the total, the new balance, the payment reference) followed by the
cardholder's copy exactly as the terminal wrote it. Pure: builds a kiosk.core.receipts.Receipt
that the usual receipt desk (kiosk/core/receipt_delivery.py: print, e-mail or none, one
decision) delivers. The library card appears masked; the bank card only as the terminal
masked it, inside its own lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from kiosk.core.payments.records import PaymentRecord
from kiosk.core.payments.results import Paid
from kiosk.core.receipts import ItemKind, Receipt, ReceiptItem
from kiosk.ui.presenters.pay_text import FEE_TYPES, balance_text, fee_title
from kiosk.ui.presenters.pay_views import PayFeeLine
from kiosk.ui.presenters.text import Texts


class ReceiptDeskLike(Protocol):
    """kiosk.core.receipt_delivery.ReceiptDesk, as the payment screen uses it."""

    def choices(self) -> tuple[Any, ...]: ...
    def spoken(self) -> str: ...
    async def print(self) -> Any: ...
    async def email(self, address: str) -> Any: ...
    def decline(self) -> Any: ...


def reference_of(record: PaymentRecord) -> str:
    """What staff look a payment up by: the terminal's trace and receipt numbers, else ours."""
    parts = []
    if record.trace_number is not None:
        parts.append(f"{record.trace_number:06d}")
    if record.receipt_number is not None:
        parts.append(f"{record.receipt_number:04d}")
    return "/".join(parts) or record.payment_id


def paid_receipt(
    paid: Paid,
    fees: Sequence[PayFeeLine],
    card: str,
    texts: Texts,
    library_name: str,
    kiosk_id: str,
    issued_at: datetime,
) -> Receipt:
    record = paid.record
    described = {fee.fee_id: fee.description for fee in fees if fee.fee_id}
    items = []
    for posting in record.postings:
        about = described.get(posting.fee_id, "") if posting.fee_id else ""
        title = fee_title(str(posting.fee_type), about, texts)
        items.append(
            ReceiptItem(ItemKind.PAID, title, posting.fee_id, amount_cents=posting.amount_cents)
        )
    if not items:
        title = texts.gettext(FEE_TYPES["other_unknown"])
        items.append(ReceiptItem(ItemKind.PAID, title, amount_cents=record.recorded_cents))
    notes = [balance_text(paid.new_balance_cents, texts)]
    if paid.cardholder_receipt_lines:
        notes.append("")
        notes.extend(paid.cardholder_receipt_lines)
    return Receipt.for_card(
        card,
        library_name=library_name,
        kiosk_id=kiosk_id,
        issued_at=issued_at,
        items=tuple(items),
        payment_reference=reference_of(record),
        notes=tuple(notes),
    )
