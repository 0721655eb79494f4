"""The UI's port onto the real patron session core (kiosk/core/circulation/service.py).

Translates both ways and decides nothing: each ``SessionView`` the core publishes becomes a
``UiState`` (screen + view model), and each intent becomes one call on the service, run as
an asyncio task on the shared loop. The conversion itself is pure and lives in
kiosk/ui/presenters/core_views.py; this module keeps what the port remembers between views
(the local screens, the visit's counts, the devices' health, the last staff action) and
dispatches the intents. Two moments the core does not model are kept here as pure screen
flow: the card/PIN keypad before any card was shown (the core waits in IDLE), and the
goodbye after the receipt decision (the core is already back in IDLE).

Locker pickup goes to an optional ``PickupDesk``: a door code (pickup_by_code), or, when
``pickup_by_card`` is on ([lockers] pickup_by_card), a library card and its PIN
(pickup_by_card). The card and PIN reach this port only inside one PickupCardEntered and are
passed straight on: the desk asks the ILS, so that call runs in a worker thread while the
screen says "Checking…". The composition root calls ``door_closed``; staff mode (staff card
+ PIN: while the core's view says ``staff_login`` the keypad asks for the staff PIN) shows
the devices' health and runs its buttons through an optional ``StaffDesk``. The core's idle
timer is the only one for the screens it models: their UiStates say ``core_timed`` and carry
its seconds left, and a touch (``StillHere``) touches the core. kiosk/wiring/assembly.py wires all
of it. Texts stay msgids (kiosk/core/circulation/notices.py) until rendered.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol

from kiosk.core.circulation.session import Activity, EndReason, SessionView, State
from kiosk.core.health import DeviceHealth, DeviceKind, DeviceState, PaperState
from kiosk.core.receipt_delivery import InvalidEmailAddress
from kiosk.ui.presenters.core_views import line_counts, pickup_outcome, screen_for, staff_view
from kiosk.ui.presenters.intents import (
    AccountOpened,
    BorrowingOpened,
    Cancelled,
    CardPresented,
    CodeScanned,
    Finished,
    Intent,
    LanguageChosen,
    Listener,
    PickupByCardChosen,
    PickupCardEntered,
    PickupCardTyped,
    PickupCodeEntered,
    PinEntered,
    ReceiptChosen,
    RenewAllRequested,
    RenewRequested,
    StaffActionRequested,
    StartTapped,
    StillHere,
    TimedOut,
)
from kiosk.ui.presenters.views import (
    AttractView,
    GoodbyeView,
    IdentifyView,
    PickupView,
    Screen,
    StaffView,
    UiState,
)

log = logging.getLogger("knygomatas.ui.session")


class Service(Protocol):
    view: SessionView

    async def present_card(self, card: str) -> None: ...
    async def scan(self, code: str) -> None: ...
    async def enter_pin(self, pin: str) -> None: ...
    async def start_returns(self) -> None: ...
    async def choose(self, activity: Activity) -> None: ...
    async def renew(self, item_id: str) -> None: ...
    async def renew_all(self) -> None: ...
    async def done(self) -> None: ...
    async def receipt(self, choice: str, address: str = "") -> None: ...
    async def cancel(self) -> None: ...
    def touch(self) -> None: ...


class PickupDesk(Protocol):
    """The locker logic's pickup (kiosk/core/lockers/service.py): Opened or Refused."""

    def pickup_by_code(self, code: str, now: datetime) -> Any: ...
    def pickup_by_card(self, card: str, pin: str, now: datetime) -> Any: ...


class StaffDesk(Protocol):
    """The staff screen's actions and overview (kiosk/wiring/staff_desk.py)."""

    def overview(self) -> dict[str, Any]: ...
    async def act(self, action: str, target: str) -> bool: ...


class CoreSession:
    """KioskPort over the circulation service; call ``on_view`` from Ports.on_view."""

    def __init__(
        self,
        service: Service,
        attract: AttractView,
        *,
        now: Callable[[], datetime],
        lockers: PickupDesk | None = None,
        staff: StaffDesk | None = None,
        spawn: Callable[[Awaitable[None]], object] | None = None,
        pickup_by_card: bool = True,
    ) -> None:
        self.service = service
        self.attract = attract
        self.now = now
        self.lockers = lockers
        self.pickup_by_card = pickup_by_card  # [lockers] pickup_by_card: offer card + PIN
        self.staff = staff
        self.language = ""  # the screen's language ("" until the app says): receipts follow it
        self._staff_done: tuple[str, str] = ("", "")  # the last staff action and its target
        self._restart_asked = False  # "Restart" was tapped once: the screen asks to confirm
        self._spawn = spawn or asyncio.ensure_future
        self._listeners: list[Listener] = []
        self._local: UiState | None = None  # keypad before a card, goodbye, pickup
        self._choice = "none"
        self._counts = {"borrowed": 0, "returned": 0, "renewed": 0}
        self._state = UiState(Screen.ATTRACT, attract)
        self._health: dict[str, DeviceHealth] = {}

    def state(self) -> UiState:
        return self._state

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _show(self, state: UiState) -> None:
        self._state = state
        for listener in list(self._listeners):
            listener(state)

    def _local_screen(self, state: UiState | None) -> None:
        self._local = state
        self._show(state or self.convert(self.service.view))

    # -- core -> screen --------------------------------------------------------------------

    def on_view(self, view: SessionView) -> None:
        if view.state is State.RECEIPT or view.lines:
            self._counts = line_counts(view)
        visiting = (Screen.RECEIPT, Screen.CIRCULATION, Screen.ACCOUNT)
        leaving = self._state.screen in visiting and view.last_end is EndReason.DONE
        if view.state is State.IDLE and leaving:
            goodbye = GoodbyeView(self._choice, **self._counts)
            self._local_screen(UiState(Screen.GOODBYE, goodbye))
            return
        if view.state is not State.STAFF:
            self._staff_done, self._restart_asked = ("", ""), False
            forget = getattr(self.staff, "forget", None)  # a desk may keep locker work
            if forget is not None:
                forget()
        if view.state is not State.IDLE:
            self._local = None
        self._show(self._local or self.convert(view))

    def convert(self, view: SessionView) -> UiState:
        """The screen for the core's view (presenters/core_views.py)."""
        return screen_for(view, self.attract, self._counts, staff=self._staff_view, now=self.now)

    def _staff_view(self) -> StaffView:
        overview = self.staff.overview() if self.staff is not None else {}
        return staff_view(self._health.values(), overview, self._staff_done, self._restart_asked)

    # -- device health (the HealthReporter port) ---------------------------------------------

    def report(self, health: DeviceHealth) -> None:
        """A device's state as its adapter reports it (never patron data, health.py)."""
        self._health[health.device] = health
        self._refresh_staff()

    def _refresh_staff(self) -> None:
        if self._state.screen is Screen.STAFF and self.service.view.state is State.STAFF:
            self._show(self.convert(self.service.view))

    def printer_paper(self, state: PaperState) -> None:
        paper = DeviceState.OK if state is PaperState.OK else DeviceState.DEGRADED
        self.report(DeviceHealth("printer", DeviceKind.PRINTER, paper, f"paper {state.value}"))

    # -- screen -> core --------------------------------------------------------------------

    def send(self, intent: Intent) -> None:
        service = self.service
        service.touch()
        match intent:
            case StartTapped(purpose="return"):
                self._run(service.start_returns())
            case StartTapped(purpose="pickup"):
                self._pickup_stage("code")
            case PickupByCardChosen():
                self._pickup_stage("card")
            case PickupCardTyped():
                self._pickup_stage("pin")
            case PickupCardEntered(card=card, pin=pin):
                self._pickup_card(card, pin)
            case StartTapped():
                self._local_screen(UiState(Screen.IDENTIFY, IdentifyView()))
            case CardPresented(card=card):
                self._run(service.present_card(card))
            case CodeScanned(code=code):
                self._run(service.scan(code))
            case PinEntered(pin=pin):
                self._run(service.enter_pin(pin))
            case AccountOpened():
                self._run(service.choose(Activity.ACCOUNT))
            case BorrowingOpened():
                self._run(service.choose(Activity.BORROW))
            case RenewRequested(item_id=item):
                self._run(service.renew(item))
            case RenewAllRequested():
                self._run(service.renew_all())
            case Finished():
                self._finish()
            case ReceiptChosen(kind=kind, email=email):
                offered = service.view.receipt_choices
                self._choice = kind if kind in offered else "none"
                self._run(self._receipt(self._choice, email))
            case PickupCodeEntered(code=code):
                self._pickup(code)
            case StaffActionRequested(action=action, target=target):
                self._run(self._staff_act(action, target))
            case StillHere():
                pass  # service.touch() above restarted the core's idle wait
            case LanguageChosen(language=language):
                self.language = language
            case Cancelled() | TimedOut():
                self._local = None
                if service.view.state is State.IDLE:
                    self._show(self.convert(service.view))
                else:
                    self._run(service.cancel())

    def _run(self, call: Awaitable[None]) -> None:
        self._spawn(call)

    async def _staff_act(self, action: str, target: str) -> None:
        if self.staff is None or self.service.view.state is not State.STAFF:
            return
        if action == "restart" and target != "confirm":
            self._restart_asked = True  # nothing stops until staff confirm
            self._refresh_staff()
            return
        self._restart_asked = False
        self._staff_done = (action, target)  # shown at once: "Test started: …"
        self._refresh_staff()
        if not await self.staff.act(action, target):
            self._staff_done = ("", "")  # not on this kiosk: claim nothing
        self._refresh_staff()

    async def _receipt(self, kind: str, email: str) -> None:
        try:
            await self.service.receipt(kind, email)
        except InvalidEmailAddress:
            # the keyboard stays up: the patron corrects the address or chooses another way
            self._show(self.convert(self.service.view))

    def _finish(self) -> None:
        if self._local is not None or self.service.view.state is State.IDLE:
            self._local_screen(None)
        else:
            self._run(self.service.done())

    def door_closed(self, compartment: str) -> None:
        """The composition root saw the opened compartment's door close (LockerService.poll):
        a patron's pickup, or the compartment staff are loading."""
        staff_door = getattr(self.staff, "door_closed", None)
        if self._state.screen is Screen.STAFF and staff_door is not None:
            if staff_door(compartment):
                self._refresh_staff()
            return
        view = self._state.view
        opened = isinstance(view, PickupView) and view.stage == "opened"
        if opened and compartment in view.compartment.split(", "):
            closed = PickupView("closed", view.compartment)
            self._local_screen(UiState(Screen.PICKUP, closed))

    # -- locker pickup (a local screen: the circulation core stays idle) -------------------

    def _card_offered(self) -> bool:
        return self.pickup_by_card and self.lockers is not None

    def _pickup_stage(self, stage: str) -> None:
        if stage != "code" and not self._card_offered():
            stage = "code"  # the card path is switched off: nothing but the door code
        view = PickupView(stage, card_offered=self._card_offered())
        self._local_screen(UiState(Screen.PICKUP, view))

    def _pickup(self, code: str) -> None:
        outcome = None if self.lockers is None else self.lockers.pickup_by_code(code, self.now())
        view = pickup_outcome(outcome, by_card=False, card_offered=self._card_offered())
        self._local_screen(UiState(Screen.PICKUP, view))

    def _pickup_card(self, card: str, pin: str) -> None:
        if not self._card_offered():
            self._pickup_stage("code")
            return
        checking = UiState(Screen.PICKUP, PickupView("checking", card_offered=True))
        self._local_screen(checking)
        self._run(self._ask_by_card(checking, card, pin))

    async def _ask_by_card(self, checking: UiState, card: str, pin: str) -> None:
        desk = self.lockers
        assert desk is not None
        try:
            outcome = await asyncio.to_thread(desk.pickup_by_card, card, pin, self.now())
        except Exception:  # the screen must not stay on "Checking…": say what a patron can do
            log.exception("locker pickup by card failed")
            outcome = None
        view = pickup_outcome(outcome, by_card=True, card_offered=True)
        # A refusal only concerns the patron still waiting for it; open doors are shown even
        # if the screen moved on, since someone must be told which compartment stands open.
        if self._state is checking or view.stage == "opened":
            self._local_screen(UiState(Screen.PICKUP, view))
