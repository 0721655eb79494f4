"""Ports: what the domain core needs from the world, as Protocols the adapters implement.

The core never imports an adapter; the composition root (kiosk/app.py) passes them in.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Protocol

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


class LibrarySystem(Protocol):
    """The library system (ILS). Raises kiosk.core.errors.LibrarySystemError subclasses:
    LibraryUnavailable when it cannot be reached, OutcomeUnknown when a state-changing
    request may or may not have been applied. A refusal is a result with ok=False, not an error.

    `no_block_at` marks a transaction that already happened offline at that time (SIP2
    no-block): the ILS must not refuse it, and uses the kiosk's date.
    """

    async def status(self) -> LibraryStatus: ...

    async def patron(self, card: str, pin: str | None = None, *, details: str = "") -> Patron:
        """`details`: "" or one of hold, overdue, charged, fine, recall, unavailable_holds."""
        ...

    async def item(self, item_id: str) -> Item: ...

    async def checkout(
        self,
        card: str,
        item_id: str,
        pin: str | None = None,
        *,
        no_block_at: datetime | None = None,
        due: datetime | None = None,
    ) -> LoanResult: ...

    async def checkin(
        self, item_id: str, *, no_block_at: datetime | None = None, location: str = ""
    ) -> ReturnResult: ...

    async def renew(
        self,
        card: str,
        item_id: str,
        pin: str | None = None,
        *,
        no_block_at: datetime | None = None,
    ) -> LoanResult: ...

    async def renew_all(self, card: str, pin: str | None = None) -> RenewAllResult: ...

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
    ) -> PaymentResult: ...

    async def hold(
        self,
        card: str,
        *,
        mode: str,
        item_id: str = "",
        title: str = "",
        pickup_location: str = "",
        pin: str | None = None,
    ) -> HoldResult: ...

    async def end_session(self, card: str, pin: str | None = None) -> bool: ...

    async def close(self) -> None: ...
