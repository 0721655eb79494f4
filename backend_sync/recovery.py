"""After a lost answer: ask the ACS whether a state-changing request was applied.

Most ACSs (Koha, Evergreen) re-execute a repeated request: a second checkout becomes a renewal,
a second fee payment pays twice. So before any resend the client queries the item or the
patron. Each method returns the result the lost answer would have given (marked `recovered`),
None when the request was certainly not applied (safe to send again), or raises OutcomeUnknown
when the ACS's answers cannot tell.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from kiosk.core.errors import OutcomeUnknown
from kiosk.core.model import (
    HoldResult,
    Item,
    LoanResult,
    Patron,
    PaymentResult,
    ReturnResult,
    lists_item,
)

if TYPE_CHECKING:
    from backend_sync.sip2.client import Sip2Client

# Circulation statuses (spec 18) that mean "not on loan any more" after a checkin.
_RETURNED = frozenset({"03", "08", "09", "10", "11"})


class Recovery:
    def __init__(self, client: Sip2Client) -> None:
        self.client = client

    async def checkout(self, card: str, item_id: str, pin: str | None) -> LoanResult | None:
        item = await self.client.item(item_id)
        if not item.on_loan:
            return None
        patron = await self.client.patron(card, pin, details="charged")
        if not lists_item(patron.charged_items, item_id):
            return None  # on loan to someone else: sending again gets the ACS's refusal
        return LoanResult(
            ok=True,
            item_id=item_id,
            card=card,
            title=item.title,
            due_date=item.due_date,
            due_date_text=item.due_date_text,
            desensitize="Y",
            recovered=True,
        )

    async def checkin(self, item_id: str) -> ReturnResult | None:
        item = await self.client.item(item_id)
        if item.on_loan:
            return None
        if item.circulation_status not in _RETURNED:
            raise OutcomeUnknown(
                f"checkin of {item_id}: item status {item.circulation_status} does not tell"
            )
        return ReturnResult(
            ok=True,
            item_id=item_id,
            title=item.title,
            alert=item.circulation_status == "08" or bool(item.hold_queue_length),
            permanent_location=item.permanent_location,
            recovered=True,
        )

    async def renew(self, card: str, before: Item) -> LoanResult | None:
        after = await self.client.item(before.item_id)
        if not after.on_loan:
            return None  # returned meanwhile: sending again gets the ACS's refusal
        if after.due_date_text == before.due_date_text:
            # A renewal on the day of the loan may leave the due date as it was, so an
            # unchanged date does not prove it was not applied; a resend could renew twice.
            raise OutcomeUnknown(f"renewal of {before.item_id}: the due date did not tell")
        return LoanResult(
            ok=True,
            item_id=before.item_id,
            card=card,
            title=after.title,
            due_date=after.due_date,
            due_date_text=after.due_date_text,
            renewal=True,
            recovered=True,
        )

    async def fee_paid(
        self, card: str, before: Patron, amount: Decimal, transaction_id: str
    ) -> PaymentResult | None:
        after = await self.client.patron(card, details="fine")
        if before.fee_amount is None or after.fee_amount is None:
            raise OutcomeUnknown("fee paid: the ACS does not report the amount owed")
        if after.fee_amount <= before.fee_amount - amount:
            return PaymentResult(
                accepted=True, card=card, transaction_id=transaction_id, recovered=True
            )
        if after.fee_amount == before.fee_amount:
            return None
        raise OutcomeUnknown("fee paid: the amount owed changed by something else")

    async def hold(self, card: str, mode: str, item_id: str) -> HoldResult | None:
        if mode == "*" or not item_id:
            raise OutcomeUnknown("hold change: the ACS's lists cannot tell if it was applied")
        patron = await self.client.patron(card, details="hold")
        unavailable = await self.client.patron(card, details="unavailable_holds")
        present = lists_item(patron.hold_items + unavailable.unavailable_holds, item_id)
        if present == (mode == "+"):
            return HoldResult(ok=True, available=False, card=card, item_id=item_id)
        return None
