"""Several connections to the library system used as one (``[ils] connections``): each call
takes a free connection and gives it back, so a stack's checkouts can be in flight side by
side. Implements the LibrarySystem port over members that implement it; no I/O of its own.
A SIP2 session belongs to its connection, so nothing here spans two calls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from kiosk.core.model import (
    HoldResult,
    Item,
    LibraryStatus,
    LoanResult,
    Patron,
    PaymentResult,
    RenewAllResult,
    ReturnResult,
)
from kiosk.core.ports import LibrarySystem

T = TypeVar("T")


class LibraryPool:
    def __init__(self, members: Sequence[LibrarySystem]) -> None:
        if not members:
            raise ValueError("a pool needs at least one connection")
        self.members = tuple(members)
        self._free: asyncio.Queue[LibrarySystem] = asyncio.Queue()
        for member in self.members:
            self._free.put_nowait(member)

    @property
    def size(self) -> int:
        return len(self.members)

    async def _use(self, call: Callable[[LibrarySystem], Awaitable[T]]) -> T:
        member = await self._free.get()
        try:
            return await call(member)
        finally:
            self._free.put_nowait(member)

    async def status(self) -> LibraryStatus:
        return await self._use(lambda m: m.status())

    async def patron(self, card: str, pin: str | None = None, *, details: str = "") -> Patron:
        return await self._use(lambda m: m.patron(card, pin, details=details))

    async def item(self, item_id: str) -> Item:
        return await self._use(lambda m: m.item(item_id))

    async def checkout(
        self,
        card: str,
        item_id: str,
        pin: str | None = None,
        *,
        no_block_at: datetime | None = None,
        due: datetime | None = None,
    ) -> LoanResult:
        return await self._use(
            lambda m: m.checkout(card, item_id, pin, no_block_at=no_block_at, due=due)
        )

    async def checkin(
        self, item_id: str, *, no_block_at: datetime | None = None, location: str = ""
    ) -> ReturnResult:
        return await self._use(
            lambda m: m.checkin(item_id, no_block_at=no_block_at, location=location)
        )

    async def renew(
        self,
        card: str,
        item_id: str,
        pin: str | None = None,
        *,
        no_block_at: datetime | None = None,
    ) -> LoanResult:
        return await self._use(lambda m: m.renew(card, item_id, pin, no_block_at=no_block_at))

    async def renew_all(self, card: str, pin: str | None = None) -> RenewAllResult:
        return await self._use(lambda m: m.renew_all(card, pin))

    async def fee_paid(
        self,
        card: str,
        amount: Decimal,
        *,
        currency: str = "EUR",
        fee_type: str = "01",
        payment_type: str = "00",
        fee_id: str = "",
        transaction_id: str = "",
    ) -> PaymentResult:
        return await self._use(
            lambda m: m.fee_paid(
                card,
                amount,
                currency=currency,
                fee_type=fee_type,
                payment_type=payment_type,
                fee_id=fee_id,
                transaction_id=transaction_id,
            )
        )

    async def hold(
        self,
        card: str,
        *,
        mode: str,
        item_id: str = "",
        title: str = "",
        pickup_location: str = "",
        pin: str | None = None,
    ) -> HoldResult:
        return await self._use(
            lambda m: m.hold(
                card,
                mode=mode,
                item_id=item_id,
                title=title,
                pickup_location=pickup_location,
                pin=pin,
            )
        )

    async def end_session(self, card: str, pin: str | None = None) -> bool:
        return await self._use(lambda m: m.end_session(card, pin))

    async def close(self) -> None:
        for member in self.members:
            await member.close()
