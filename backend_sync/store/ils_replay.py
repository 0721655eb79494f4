"""How each kind of outbox entry is sent to the ILS, checked after an unknown outcome, and
prepared (what its check needs, read before the send). Through the LibrarySystem port only.

Payloads (plain JSON the domain writes; never a PIN):
    checkout  {"card", "item_id", "due"?}        checkin  {"item_id", "location"?}
    renew     {"card", "item_id"}                hold     {"card", "mode", "item_id"?, ...}
    fee_paid  {"card", "amount", "currency"?, "fee_type"?, "method"?, "fee_id"?,
               "transaction_id"?}
(mode, fee_type and method hold the words of kiosk/core/vocabulary.py: "place", "overdue",
"debit_card" …, never a protocol's code.)
The replayer passes `no_block_at` (the kiosk's transaction date) when the ILS honours
no-block; a checkout also carries the due date the patron was given ("due"), which the ILS
takes as the no-block due date and ignores in a plain replay. The checks reuse the backends'
lost-answer recovery rules (backend_sync/recovery.py), over the same port.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from backend_sync.recovery import Recovery
from backend_sync.store.outbox import Outcome
from backend_sync.store.records import jsonable
from kiosk.core.errors import OutcomeUnknown
from kiosk.core.model import Item, Patron
from kiosk.core.outbox import EntryKind, EntryState, OutboxEntry
from kiosk.core.ports import LibrarySystem
from kiosk.core.vocabulary import FeeType, HoldMode, ItemStatus, PaymentMethod

W = TypeVar("W", bound=StrEnum)
Send = Callable[[OutboxEntry, "datetime | None"], Awaitable[Outcome]]
Verify = Callable[[OutboxEntry, dict[str, Any]], Awaitable["Outcome | None"]]
Prepare = Callable[[OutboxEntry], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class KindHandler:
    """`send` one entry (no_block_at given or None); `verify` after a possible send: the
    outcome if it was applied, None if certainly not (raise OutcomeUnknown if it cannot be
    told); `prepare` reads what `verify` will need, before the send."""

    send: Send
    verify: Verify
    prepare: Prepare | None = None


class PayloadError(ValueError):
    """An entry's payload lacks what its kind needs: the domain wrote a broken entry."""


def subject(entry: OutboxEntry) -> str:
    """What an entry changes at the ILS: two entries with one subject never share a window."""
    payload = entry.payload
    if entry.kind is EntryKind.FEE_PAID or (
        entry.kind is EntryKind.HOLD and not payload.get("item_id")
    ):
        return f"patron:{payload.get('card', '')}"
    if payload.get("item_id"):
        return f"item:{payload['item_id']}"
    return f"entry:{entry.key}"


def _field(entry: OutboxEntry, name: str) -> str:
    value = entry.payload.get(name)
    if not isinstance(value, str) or not value:
        raise PayloadError(f"{entry.kind} entry {entry.key}: payload has no {name!r}")
    return value


def _word(entry: OutboxEntry, words: type[W], name: str, default: W | None = None) -> W:
    """A vocabulary word from the payload (its default when absent and one is given)."""
    value = entry.payload.get(name)
    if value is None and default is not None:
        return default
    try:
        return words(value)
    except ValueError:
        kind = words.__name__
        raise PayloadError(
            f"{entry.kind} entry {entry.key}: {name} {value!r} is no {kind}"
        ) from None


def _amount(entry: OutboxEntry) -> Decimal:
    """The payment's amount: a decimal string (as records.jsonable writes a Decimal) or a number."""
    value = entry.payload.get("amount")
    amount = None
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        with contextlib.suppress(ArithmeticError):
            amount = Decimal(str(value))
    if amount is None or not amount.is_finite() or amount <= 0:
        raise PayloadError(f"fee_paid entry {entry.key}: amount {value!r} is no positive number")
    return amount


def _outcome(entry: OutboxEntry, result: Any, ok: bool) -> Outcome:
    data = jsonable(result)
    if ok:
        return Outcome(entry.key, EntryState.DONE, data)
    messages = " / ".join(getattr(result, "screen_messages", ()) or ())
    return Outcome(entry.key, EntryState.REJECTED, data, messages or "refused by the ILS")


class IlsReplay:
    def __init__(self, library: LibrarySystem) -> None:
        self.library = library
        self.recovery = Recovery(library)

    def handlers(self) -> Mapping[EntryKind, KindHandler]:
        return {
            EntryKind.CHECKOUT: KindHandler(self.checkout, self.verify_checkout),
            EntryKind.CHECKIN: KindHandler(self.checkin, self.verify_checkin),
            EntryKind.RENEW: KindHandler(self.renew, self.verify_renew, self.before_renew),
            EntryKind.FEE_PAID: KindHandler(self.fee_paid, self.verify_fee, self.before_fee),
            EntryKind.HOLD: KindHandler(self.hold, self.verify_hold),
        }

    # ---- sending -----------------------------------------------------------------------

    async def checkout(self, entry: OutboxEntry, no_block_at: datetime | None) -> Outcome:
        due = entry.payload.get("due")
        result = await self.library.checkout(
            _field(entry, "card"),
            _field(entry, "item_id"),
            no_block_at=no_block_at,
            due=datetime.fromisoformat(due) if due else None,
        )
        return _outcome(entry, result, result.ok)

    async def checkin(self, entry: OutboxEntry, no_block_at: datetime | None) -> Outcome:
        result = await self.library.checkin(
            _field(entry, "item_id"),
            no_block_at=no_block_at,
            location=str(entry.payload.get("location", "")),
        )
        return _outcome(entry, result, result.ok)

    async def renew(self, entry: OutboxEntry, no_block_at: datetime | None) -> Outcome:
        result = await self.library.renew(
            _field(entry, "card"), _field(entry, "item_id"), no_block_at=no_block_at
        )
        return _outcome(entry, result, result.ok)

    async def fee_paid(self, entry: OutboxEntry, no_block_at: datetime | None) -> Outcome:
        p = entry.payload
        result = await self.library.fee_paid(
            _field(entry, "card"),
            _amount(entry),
            currency=p.get("currency", "EUR"),
            fee_type=_word(entry, FeeType, "fee_type", FeeType.OTHER_UNKNOWN),
            method=_word(entry, PaymentMethod, "method", PaymentMethod.CASH),
            fee_id=p.get("fee_id", ""),
            transaction_id=p.get("transaction_id", ""),
        )
        return _outcome(entry, result, result.accepted)

    async def hold(self, entry: OutboxEntry, no_block_at: datetime | None) -> Outcome:
        p = entry.payload
        result = await self.library.hold(
            _field(entry, "card"),
            mode=_word(entry, HoldMode, "mode"),
            item_id=p.get("item_id", ""),
            title=p.get("title", ""),
            pickup_location=p.get("pickup_location", ""),
        )
        return _outcome(entry, result, result.ok)

    # ---- before a send: what a later check will need -----------------------------------

    async def before_renew(self, entry: OutboxEntry) -> dict[str, Any]:
        item = await self.library.item(_field(entry, "item_id"))
        return {"due_date_text": item.due_date_text}

    async def before_fee(self, entry: OutboxEntry) -> dict[str, Any]:
        patron = await self.library.patron(_field(entry, "card"), details="fine")
        return {"owed": None if patron.fee_amount is None else str(patron.fee_amount)}

    # ---- after a possible send: was it applied? ----------------------------------------

    async def verify_checkout(self, entry: OutboxEntry, check: dict[str, Any]) -> Outcome | None:
        found = await self.recovery.checkout(_field(entry, "card"), _field(entry, "item_id"), None)
        return None if found is None else _outcome(entry, found, True)

    async def verify_checkin(self, entry: OutboxEntry, check: dict[str, Any]) -> Outcome | None:
        found = await self.recovery.checkin(_field(entry, "item_id"))
        return None if found is None else _outcome(entry, found, True)

    async def verify_renew(self, entry: OutboxEntry, check: dict[str, Any]) -> Outcome | None:
        if "due_date_text" not in check:
            raise OutcomeUnknown("renewal: no due date was read before it was sent")
        before = Item(
            item_id=_field(entry, "item_id"),
            title="",
            circulation_status=ItemStatus.CHARGED,
            due_date_text=check["due_date_text"],
        )
        found = await self.recovery.renew(_field(entry, "card"), before)
        return None if found is None else _outcome(entry, found, True)

    async def verify_fee(self, entry: OutboxEntry, check: dict[str, Any]) -> Outcome | None:
        card = _field(entry, "card")
        owed = check.get("owed")
        before = Patron(
            card=card,
            name="",
            valid=None,
            pin_valid=None,
            fee_amount=None if owed is None else Decimal(owed),
        )
        found = await self.recovery.fee_paid(
            card,
            before,
            _amount(entry),
            str(entry.payload.get("transaction_id", "")),
        )
        return None if found is None else _outcome(entry, found, True)

    async def verify_hold(self, entry: OutboxEntry, check: dict[str, Any]) -> Outcome | None:
        found = await self.recovery.hold(
            _field(entry, "card"),
            _word(entry, HoldMode, "mode"),
            str(entry.payload.get("item_id", "")),
        )
        return None if found is None else _outcome(entry, found, True)
