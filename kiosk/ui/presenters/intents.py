"""What a tap asks the kiosk to do: frozen intents the UI sends, and the port it sends them to.

The UI never decides the next screen; it forwards an intent and renders the ``UiState`` it is
given back (through the listener). A card read by the scanner arrives the same way as a typed
one (``CardPresented``), so the flow works with touch, keypad and scanner alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from kiosk.ui.presenters.views import UiState


@dataclass(frozen=True)
class StartTapped:
    purpose: str = "patron"  # patron | return | pickup


@dataclass(frozen=True)
class CardPresented:
    card: str


@dataclass(frozen=True)
class CodeScanned:
    """A barcode scanner read a whole code: a library card or an item (the core tells)."""

    code: str


@dataclass(frozen=True)
class PinEntered:
    pin: str


@dataclass(frozen=True)
class AccountOpened:
    pass


@dataclass(frozen=True)
class BorrowingOpened:
    pass


@dataclass(frozen=True)
class RenewRequested:
    item_id: str


@dataclass(frozen=True)
class RenewAllRequested:
    pass


@dataclass(frozen=True)
class Finished:
    pass


@dataclass(frozen=True)
class ReceiptChosen:
    kind: str  # print | email | none
    email: str = ""


@dataclass(frozen=True)
class PickupCodeEntered:
    code: str


@dataclass(frozen=True)
class PickupByCardChosen:
    """The patron tapped "Use my library card instead" under the door-code keypad."""


@dataclass(frozen=True)
class PickupCardTyped:
    """The card number was typed or scanned on the pickup screen: ask for the PIN. The number
    itself stays in the screen until the PIN is entered (PickupCardEntered)."""


@dataclass(frozen=True)
class PickupCardEntered:
    """Card number and PIN for a locker pickup; kept out of any repr (logs, tracebacks)."""

    card: str = field(repr=False)
    pin: str = field(repr=False)


@dataclass(frozen=True)
class StaffActionRequested:
    action: str  # test_reader | test_locks | test_printer | test_ils | test_smtp | send_outbox …
    target: str = ""


@dataclass(frozen=True)
class Cancelled:
    pass


@dataclass(frozen=True)
class TimedOut:
    pass


@dataclass(frozen=True)
class LanguageChosen:
    """The screen's language changed (a patron's switch, or back to the default after a
    visit): the receipt of the visit follows it."""

    language: str


@dataclass(frozen=True)
class StillHere:
    """A touch anywhere, or "extend my time", while the core's idle timer runs the visit."""


Intent = (
    StartTapped
    | CardPresented
    | CodeScanned
    | PinEntered
    | AccountOpened
    | BorrowingOpened
    | RenewRequested
    | RenewAllRequested
    | Finished
    | ReceiptChosen
    | PickupCodeEntered
    | PickupByCardChosen
    | PickupCardTyped
    | PickupCardEntered
    | StaffActionRequested
    | Cancelled
    | TimedOut
    | StillHere
    | LanguageChosen
)

Listener = Callable[[UiState], None]


class KioskPort(Protocol):
    """The core as the UI sees it: a current state, a listener for changes, and intents."""

    def state(self) -> UiState: ...
    def subscribe(self, listener: Listener) -> None: ...
    def send(self, intent: Intent) -> None: ...
