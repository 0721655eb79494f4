"""The locker logic's LibrarySystem and StaffAuthenticator ports over the kiosk's async
library-system port (the SIP2 client), for code that runs in worker threads.

The locker logic is synchronous (it runs in the poll thread); the SIP2 client is async. Each
port call hands its coroutine to ``run`` (plain argument: the wiring passes
kiosk/wiring/loop_bridge.py's ``LoopBridge.run``, i.e. the kiosk's one event loop) and waits
for it, bounded; a TimeoutError counts as an unreachable library system.

- ``checkin`` checks the item in at the locker's pickup location (SIP2 AP), so the ILS traps
  the hold for this pickup point; the hold patron (CY) and destination (CT) come back and
  the patron's contact data (BE, BF, language) is read with a patron information request.
  An unreachable ILS refuses the load ("library system unreachable"): nothing is opened.
- ``checkout`` at pickup: when the ILS cannot be reached, the answer was lost, or it refuses
  while reporting itself off-line (ACS status), the loan goes to the kiosk's outbox as an
  offline (SIP2 no-block) transaction with the kiosk's time: the door is already open and
  the patron takes the book. Without an outbox the checkout is reported refused.
- ``checkin`` during retrieval reuses the same call; the logic does not look at its result,
  so a failure there is only logged: the items are in staff hands with the printed list.
Never logs a PIN; card numbers are masked.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any, TypeVar

from kiosk.core.errors import LibrarySystemError, LibraryUnavailable
from kiosk.core.lockers.ports import Checkout, HoldCheckin
from kiosk.core.model import Patron, lists_item
from kiosk.core.outbox import EntryKind, Outbox, OutboxEntry
from kiosk.core.ports import LibrarySystem
from kiosk.core.privacy import mask_card

log = logging.getLogger("knygomatas.lockers.ils")
T = TypeVar("T")
UNREACHABLE = "library system unreachable"


# Runs a coroutine on the kiosk's event loop and returns its result (or raises TimeoutError).
RunOnLoop = Callable[[Coroutine[Any, Any, Any]], Any]


class LockerLibrary:
    def __init__(
        self,
        library: LibrarySystem,
        run: RunOnLoop,
        location: str,
        *,
        outbox: Outbox | None = None,
        kiosk_id: str = "kiosk",
    ) -> None:
        self.library = library
        self.run = run
        self.location = location
        self.outbox = outbox
        self.kiosk_id = kiosk_id

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.run(coro)

    def checkin(self, item_id: str, now: datetime) -> HoldCheckin:
        try:
            result = self._call(self.library.checkin(item_id, location=self.location))
        except (LibrarySystemError, TimeoutError) as exc:
            log.warning("checkin of %s failed: %s", item_id, type(exc).__name__)
            return HoldCheckin(item_id, False, screen_message=UNREACHABLE)
        message = " ".join(result.screen_messages)
        if not result.ok or not result.hold_patron_id:
            return HoldCheckin(item_id, result.ok, title=result.title, screen_message=message)
        language, email, phone = self._contact(result.hold_patron_id)
        return HoldCheckin(
            item_id,
            True,
            hold_patron=result.hold_patron_id,
            pickup_location=result.destination,
            title=result.title,
            patron_language=language,
            patron_email=email,
            patron_phone=phone,
            screen_message=message,
        )

    def _contact(self, patron_id: str) -> tuple[str, str, str]:
        """Language, e-mail and phone of the hold patron; empty when the ILS does not say."""
        try:
            patron = self._call(self.library.patron(patron_id))
        except (LibrarySystemError, TimeoutError) as exc:
            log.warning("no contact data for %s: %s", mask_card(patron_id), type(exc).__name__)
            return "", "", ""
        return patron.language, patron.email, patron.phone  # "" = the default language

    def checkout(self, patron_id: str, item_id: str, now: datetime) -> Checkout:
        try:
            if self._already_lent(patron_id, item_id):
                # a pickup interrupted after its checkout was sent (power cut, kill -9):
                # sending again would renew it at ACSs like Koha
                return Checkout(item_id, True)
            result = self._call(self.library.checkout(patron_id, item_id))
            if result.ok or self._online():
                message = " ".join(result.screen_messages)
                return Checkout(item_id, result.ok, screen_message=message)
        except (LibrarySystemError, TimeoutError) as exc:
            log.warning("checkout of %s failed: %s", item_id, type(exc).__name__)
        payload = {"card": patron_id, "item_id": item_id}
        if self._queue(EntryKind.CHECKOUT, item_id, payload, now):
            return Checkout(item_id, True, offline=True, screen_message=UNREACHABLE)
        return Checkout(item_id, False, screen_message=UNREACHABLE)

    def _already_lent(self, patron_id: str, item_id: str) -> bool:
        item = self._call(self.library.item(item_id))
        if not item.on_loan:
            return False
        patron = self._call(self.library.patron(patron_id, details="charged"))
        return lists_item(patron.charged_items, item_id)

    def _online(self) -> bool:
        """After a refusal: is the ILS really deciding, or refusing because it is offline
        (SIP2 ACS status: on-line N)? Only the first is a refusal of this patron."""
        try:
            return self._call(self.library.status()).online
        except (LibrarySystemError, TimeoutError):
            return False

    def patron(self, card: str, pin: str | None) -> Patron | None:
        """The ILS's answer about a card (and PIN); None when it cannot be asked."""
        try:
            return self._call(self.library.patron(card, pin))
        except (LibrarySystemError, TimeoutError) as exc:
            log.warning("patron %s not checked: %s", mask_card(card), type(exc).__name__)
            return None

    def authenticate_patron(self, card: str, pin: str, now: datetime) -> str | None:
        patron = self.patron(card, pin)
        if patron is None:
            raise LibraryUnavailable("the ILS cannot check the card now")
        if not (patron.valid and patron.pin_valid):
            return None
        return patron.card or card

    def _queue(self, kind: EntryKind, item_id: str, payload: dict[str, Any], now: datetime) -> bool:
        """Record the transaction in the outbox for a no-block replay; False without one."""
        if self.outbox is None:
            return False
        key = f"{self.kiosk_id}:locker:{kind.value}:{item_id}:{now.isoformat()}"
        self._call(self.outbox.add(OutboxEntry(key, kind, payload, now, offline=True)))
        return True


class StaffByIls:
    """Staff log in with a card matching ``card_pattern`` that the ILS knows as valid, with
    its PIN when one is given (the logic passes None in card-only mode)."""

    def __init__(self, library: LockerLibrary, card_pattern: str) -> None:
        self.library = library
        self.card_pattern = card_pattern

    def authenticate(self, card: str, pin: str | None) -> str | None:
        if not self.card_pattern or not re.fullmatch(self.card_pattern, card):
            return None
        patron = self.library.patron(card, pin)
        if patron is None or not patron.valid or (pin is not None and not patron.pin_valid):
            return None
        return mask_card(card)  # who loaded, for the locker log: never the full card
