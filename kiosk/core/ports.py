"""Ports: what the domain core needs from the world, as Protocols the adapters implement.

The core never imports an adapter; the composition root passes them in.

A library-system backend (SIP2 today in backend_sync/sip2; a REST ILS such as Koha's or
FOLIO's API next) is one package that provides a class implementing ``LibrarySystem`` below,
and nothing else in the core changes:

- every method takes and returns the core's values (model.py) in the core's words
  (vocabulary.py: ItemStatus, ReturnAlert, Desensitize, FeeType, PaymentMethod, HoldMode);
  the backend translates its protocol's codes in a module of its own;
- it raises kiosk.core.errors: LibraryUnavailable when it cannot be reached (nothing was
  applied), OutcomeUnknown when a state-changing request may or may not have been applied;
  a refusal is a result (ok=False / accepted=False), never an error;
- after a lost answer it must not resend blindly: backend_sync/recovery.py (``Recovery``)
  asks any LibrarySystem whether the request was applied, so a backend reuses it;
- it honours ``no_block_at`` (replaying a transaction the kiosk accepted offline) as well as
  its protocol can, since the outbox replayer (backend_sync/store) calls it the same way;
- the composition root (kiosk/wiring) builds it from the settings.
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
from kiosk.core.vocabulary import FeeType, HoldMode, PaymentMethod


class LibrarySystem(Protocol):
    """The library system (ILS). Raises kiosk.core.errors.LibrarySystemError subclasses:
    LibraryUnavailable when it cannot be reached, OutcomeUnknown when a state-changing
    request may or may not have been applied. A refusal is a result with ok=False, not an error.

    `no_block_at` marks a transaction that already happened offline at that time: the ILS
    must not refuse it, and uses the kiosk's date.
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
        fee_type: FeeType = FeeType.OTHER_UNKNOWN,
        method: PaymentMethod = PaymentMethod.CASH,
        fee_id: str = "",
        transaction_id: str = "",
    ) -> PaymentResult:
        """Record at the ILS that `card` paid `amount` (of one fee `fee_id`, or towards what
        they owe). `transaction_id` is the kiosk's (or the terminal's) reference, so the ILS
        and the recovery after a lost answer can tell this payment from another."""
        ...

    async def hold(
        self,
        card: str,
        *,
        mode: HoldMode,
        item_id: str = "",
        title: str = "",
        pickup_location: str = "",
        pin: str | None = None,
    ) -> HoldResult: ...

    async def end_session(self, card: str, pin: str | None = None) -> bool: ...

    async def close(self) -> None: ...
