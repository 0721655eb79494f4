"""After a lost answer: ask the library system whether a state-changing request was applied.

Most ILSs (Koha, Evergreen) re-execute a repeated request: a second checkout becomes a renewal,
a second fee payment pays twice. So before any resend the caller queries the item or the
patron. Each method returns the result the lost answer would have given (marked `recovered`),
None when the request was certainly not applied (safe to send again), or raises OutcomeUnknown
when the library system's answers cannot tell.

Written against the core's LibrarySystem port (kiosk/core/ports.py) and its words, never a
protocol's codes, so every backend gets it: the SIP2 client (backend_sync/sip2/client.py)
asks it before resending, the outbox replayer (backend_sync/store/ils_replay.py) before
replaying an entry that may have gone out, and a second backend (a REST ILS) would do the
same. It lives in backend_sync rather than kiosk/core because the core never resends: only a
backend and the replayer meet a lost answer. It asks only item() and patron(), reads nothing
else, and keeps no state.
"""

from __future__ import annotations

from decimal import Decimal

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
from kiosk.core.ports import LibrarySystem
from kiosk.core.vocabulary import Desensitize, HoldMode, ItemStatus

# The item states that mean "not on loan any more" after a checkin.
_RETURNED = frozenset(
    {
        ItemStatus.AVAILABLE,
        ItemStatus.WAITING_ON_HOLD_SHELF,
        ItemStatus.WAITING_TO_BE_RESHELVED,
        ItemStatus.IN_TRANSIT,
        ItemStatus.CLAIMED_RETURNED,
    }
)


class Recovery:
    def __init__(self, library: LibrarySystem) -> None:
        self.library = library

    async def checkout(self, card: str, item_id: str, pin: str | None) -> LoanResult | None:
        item = await self.library.item(item_id)
        if not item.on_loan:
            return None
        patron = await self.library.patron(card, pin, details="charged")
        if not lists_item(patron.charged_items, item_id):
            return None  # on loan to someone else: sending again gets the ILS's refusal
        return LoanResult(
            ok=True,
            item_id=item_id,
            card=card,
            title=item.title,
            due_date=item.due_date,
            due_date_text=item.due_date_text,
            desensitize=Desensitize.YES,
            recovered=True,
        )

    async def checkin(self, item_id: str) -> ReturnResult | None:
        item = await self.library.item(item_id)
        if item.on_loan:
            return None
        if item.circulation_status not in _RETURNED:
            raise OutcomeUnknown(
                f"checkin of {item_id}: item status {item.circulation_status.value} does not tell"
            )
        return ReturnResult(
            ok=True,
            item_id=item_id,
            title=item.title,
            alert=item.circulation_status is ItemStatus.WAITING_ON_HOLD_SHELF
            or bool(item.hold_queue_length),
            permanent_location=item.permanent_location,
            recovered=True,
        )

    async def renew(self, card: str, before: Item) -> LoanResult | None:
        after = await self.library.item(before.item_id)
        if not after.on_loan:
            return None  # returned meanwhile: sending again gets the ILS's refusal
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
        after = await self.library.patron(card, details="fine")
        if before.fee_amount is None or after.fee_amount is None:
            raise OutcomeUnknown("fee paid: the library system does not report the amount owed")
        if after.fee_amount <= before.fee_amount - amount:
            return PaymentResult(
                accepted=True, card=card, transaction_id=transaction_id, recovered=True
            )
        if after.fee_amount == before.fee_amount:
            return None
        raise OutcomeUnknown("fee paid: the amount owed changed by something else")

    async def hold(self, card: str, mode: HoldMode, item_id: str) -> HoldResult | None:
        if mode is HoldMode.CHANGE or not item_id:
            raise OutcomeUnknown("hold change: the ILS's lists cannot tell if it was applied")
        patron = await self.library.patron(card, details="hold")
        unavailable = await self.library.patron(card, details="unavailable_holds")
        present = lists_item(patron.hold_items + unavailable.unavailable_holds, item_id)
        if present == (mode is HoldMode.PLACE):
            return HoldResult(ok=True, available=False, card=card, item_id=item_id)
        return None
