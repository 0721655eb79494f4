"""A scripted stand-in for the UI's port, for SCREEN tests only: it replays a fixed story (one
patron, one stack of books with a refusal and a set waiting for its parts, one account with a
fine, one locker code, the staff tabs) so each screen's rendering can be checked line by line.

It is not the kiosk and never runs in one: `kiosk run`, `kiosk demo`, the autopilot and the
benchmarks bind the app to the real core (kiosk/ui/core_session.CoreSession; kiosk/demo/).
Flows that must follow the core's rules are tested against it (test_core_flows.py and the
tests built on kiosk/demo/in_process.py). Kept here, beside the tests that use it, so no
product code can import it.

Story identities: patron card 24000123 with PIN 1234; staff card 99000001 with PIN 4321;
door code 482913 opens compartment 7, and so does the patron card with its PIN on the pickup
screen (the staff card with its PIN has nothing to collect). ``pad_reads`` feeds items as
the RFID pad would.
In staff mode, item barcode 50001 (on hold here) loads into compartment 9 and any other is
refused for want of a hold; "Open all expired" lists two items; restart asks, then says so.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from kiosk.ui.presenters.intents import (
    AccountOpened,
    BorrowingOpened,
    Cancelled,
    CardPresented,
    CodeScanned,
    Finished,
    Intent,
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
    TimedOut,
)
from kiosk.ui.presenters.views import (
    AccountView,
    AttractView,
    CirculationView,
    DeviceLine,
    FineLine,
    GoodbyeView,
    HoldLine,
    IdentifyView,
    ItemLine,
    LineStatus,
    LoanLine,
    PickupView,
    ReceiptView,
    ReconciliationLine,
    RetrievedLine,
    Screen,
    StaffView,
    UiState,
)

PATRON_CARD, PATRON_PIN = "24000123", "1234"
STAFF_CARD, STAFF_PIN = "99000001", "4321"
DOOR_CODE, DOOR_COMPARTMENT = "482913", "7"

STACK = (
    ("30001", "Balys Sruoga. Dievų miškas", LineStatus.BORROWED, ""),
    ("30002", "Žemaitė. Marti ir kiti apsakymai", LineStatus.BORROWED, ""),
    ("30003", "Kristijonas Donelaitis. Metai", LineStatus.REFUSED, "on_hold"),
    (
        "30004",
        "Lietuvių kalbos vadovas (knyga ir 2 kompaktiniai diskai)",
        LineStatus.WAITING_PARTS,
        "",
    ),
)
RETURNS = (
    ("40001", "Antoine de Saint-Exupéry. Mažasis princas", "B3"),
    ("40002", "Jurga Ivanauskaitė. Ragana ir lietus", ""),
)


HELD_ITEM, LOAD_COMPARTMENT = "50001", "9"
EXPIRED = (
    RetrievedLine("3", "50007", "Vaižgantas. Dėdės ir dėdienės"),
    RetrievedLine("11", "50012", "Maironis. Pavasario balsai"),
)


class ScriptedPort:
    def __init__(self, attract: AttractView, today: date, pickup_by_card: bool = True) -> None:
        self.attract = attract
        self.today = today
        self.pickup_by_card = pickup_by_card
        self._listeners: list[Listener] = []
        self._state = UiState(Screen.ATTRACT, attract)
        self._purpose = "patron"
        self._card = ""
        self._counts = {"borrowed": 0, "returned": 0, "renewed": 0}
        self._account = self._fresh_account()
        self._borrowed: tuple[ItemLine, ...] = ()

    def state(self) -> UiState:
        return self._state

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def _go(self, screen: Screen, view) -> None:
        self._state = UiState(screen, view)
        for listener in list(self._listeners):
            listener(self._state)

    def send(self, intent: Intent) -> None:
        match intent:
            case StartTapped(purpose="return"):
                self._go(Screen.CIRCULATION, CirculationView("return"))
            case StartTapped(purpose="pickup"):
                self._go(Screen.PICKUP, PickupView(card_offered=self.pickup_by_card))
            case PickupByCardChosen() if self.pickup_by_card:
                self._go(Screen.PICKUP, PickupView("card", card_offered=True))
            case PickupCardTyped() if self.pickup_by_card:
                self._go(Screen.PICKUP, PickupView("pin", card_offered=True))
            case PickupCardEntered(card=card, pin=pin) if self.pickup_by_card:
                self._pickup_by_card(card, pin)
            case StartTapped():
                self._go(Screen.IDENTIFY, IdentifyView())
            case CardPresented(card=card) | CodeScanned(code=card):
                self._card_presented(card)
            case PinEntered(pin=pin):
                self._pin_entered(pin)
            case AccountOpened():
                self._go(Screen.ACCOUNT, self._account)
            case BorrowingOpened():
                self._go(Screen.CIRCULATION, self._circulation_view())
            case RenewRequested(item_id=item):
                self._renew({item})
            case RenewAllRequested():
                self._renew({loan.item_id for loan in self._account.loans})
            case PickupCodeEntered(code=code):
                self._pickup(code)
            case ReceiptChosen(kind=kind):
                self._go(Screen.GOODBYE, GoodbyeView(kind, **self._counts))
            case StaffActionRequested(action=action, target=target):
                self._staff(action, target)
            case Finished():
                self._finish()
            case Cancelled() | TimedOut():
                self._reset()

    # -- the story --------------------------------------------------------------------------

    def pad_reads(self, count: int = 1) -> None:
        """The pad reads the next ``count`` items of the demo stack (borrow or return)."""
        view = self._state.view
        if not isinstance(view, CirculationView):
            return
        pool = STACK if view.mode == "borrow" else RETURNS
        lines = list(view.lines)
        for item in pool[len(lines) : len(lines) + count]:
            lines.append(self._line(view.mode, item))
        if view.mode == "borrow":
            self._borrowed = tuple(lines)
        self._go(Screen.CIRCULATION, replace(view, lines=tuple(lines)))

    def _line(self, mode: str, item: tuple) -> ItemLine:
        if mode == "return":
            item_id, title, shelf = item
            self._counts["returned"] += 1
            return ItemLine(item_id, title, LineStatus.RETURNED, sort_bin=shelf)
        item_id, title, status, reason = item
        if status is LineStatus.BORROWED:
            self._counts["borrowed"] += 1
        due = self.today + timedelta(days=21) if status is LineStatus.BORROWED else None
        parts = (1, 3) if status is LineStatus.WAITING_PARTS else (1, 1)
        return ItemLine(item_id, title, status, due, "", reason, *parts)

    def _card_presented(self, card: str) -> None:
        if card not in (PATRON_CARD, STAFF_CARD):
            self._go(Screen.IDENTIFY, IdentifyView(error="unknown_card"))
            return
        self._card = card
        purpose = "staff" if card == STAFF_CARD else "patron"
        self._go(Screen.IDENTIFY, IdentifyView(purpose=purpose, card_seen=True))

    def _pin_entered(self, pin: str) -> None:
        if (self._card, pin) == (STAFF_CARD, STAFF_PIN):
            self._go(Screen.STAFF, self._staff_view())
        elif (self._card, pin) == (PATRON_CARD, PATRON_PIN):
            self._go(Screen.CIRCULATION, self._circulation_view())
        else:
            purpose = "staff" if self._card == STAFF_CARD else "patron"
            self._go(Screen.IDENTIFY, IdentifyView(purpose, True, "wrong_pin"))

    def _circulation_view(self) -> CirculationView:
        return CirculationView("borrow", "Rūta", self._borrowed)

    def _renew(self, items: set[str]) -> None:
        loans = []
        for loan in self._account.loans:
            if loan.item_id not in items or loan.renewed:
                loans.append(loan)
            elif loan.overdue:
                loans.append(replace(loan, refusal="not_renewable"))
            else:
                self._counts["renewed"] += 1
                loans.append(replace(loan, due=loan.due + timedelta(days=21), renewed=True))
        self._account = replace(self._account, loans=tuple(loans))
        self._go(Screen.ACCOUNT, self._account)

    def _pickup(self, code: str) -> None:
        if code != DOOR_CODE:
            view = PickupView(error="wrong_code", card_offered=self.pickup_by_card)
            self._go(Screen.PICKUP, view)
            return
        self._go(Screen.PICKUP, PickupView(stage="opened", compartment=DOOR_COMPARTMENT))

    def _pickup_by_card(self, card: str, pin: str) -> None:
        if (card, pin) == (PATRON_CARD, PATRON_PIN):
            self._go(Screen.PICKUP, PickupView(stage="opened", compartment=DOOR_COMPARTMENT))
            return
        error = "nothing_to_collect" if (card, pin) == (STAFF_CARD, STAFF_PIN) else ""
        view = PickupView("card", error=error or "wrong_card_or_pin", card_offered=True)
        self._go(Screen.PICKUP, view)

    def door_closed(self) -> None:
        """The lock board reports the compartment's door closed again."""
        if isinstance(self._state.view, PickupView) and self._state.view.stage == "opened":
            self._go(Screen.PICKUP, PickupView(stage="closed", compartment=DOOR_COMPARTMENT))

    def _finish(self) -> None:
        screen = self._state.screen
        if screen in (Screen.CIRCULATION, Screen.ACCOUNT) and any(self._counts.values()):
            view = self._state.view
            lines = view.lines if isinstance(view, CirculationView) else self._borrowed
            spoken = "\n".join(
                f"{x.title}, {x.due.isoformat()}" if x.due else x.title for x in lines
            )
            receipt = ReceiptView(True, False, **self._counts, spoken_receipt=spoken)
            self._go(Screen.RECEIPT, receipt)
        else:
            self._reset()

    def _reset(self) -> None:
        self._card = ""
        self._counts = {"borrowed": 0, "returned": 0, "renewed": 0}
        self._account = self._fresh_account()
        self._borrowed = ()
        self._go(Screen.ATTRACT, self.attract)

    def _staff(self, action: str, target: str) -> None:
        locker: dict[str, object] = {}
        match action, target:
            case "load", str(barcode):
                held = barcode == HELD_ITEM
                locker = {"tab": "lockers", "load_stage": "open" if held else "refused"}
                locker |= {"load_compartment": LOAD_COMPARTMENT} if held else {}
                locker |= {} if held else {"load_refusal": "no_hold"}
            case "open_expired", _:
                locker = {"tab": "expired", "retrieved": EXPIRED, "expired": 0}
            case "restart", "":
                locker, action = {"restart_asked": True}, ""
        self._go(Screen.STAFF, replace(self._staff_view(action, target), **locker))

    def loading_door_closed(self) -> None:
        """The compartment staff are loading is shut with the item in: the code is sent."""
        view = self._state.view
        if isinstance(view, StaffView) and view.load_stage == "open":
            self._go(Screen.STAFF, replace(view, load_stage="loaded"))

    def _staff_view(self, action: str = "", target: str = "") -> StaffView:
        return StaffView(
            staff_name="Ona B.",
            devices=(
                DeviceLine("reader", True, "FEIG ID ISC.MR102 · socket://127.0.0.1:10001"),
                DeviceLine("locks", True, "Modbus b1 · 16/16"),
                DeviceLine("printer", False, "Paper low"),
                DeviceLine("ils", True, "SIP2 127.0.0.1:6001 · 2.00"),
                DeviceLine("smtp", True, "127.0.0.1:8025"),
            ),
            outbox_pending=2,
            outbox_failed=1,
            reconciliation=(
                ReconciliationLine("40007", "Vaižgantas. Dėdės ir dėdienės", "returned_offline"),
                ReconciliationLine("30011", "Maironis. Pavasario balsai", "rejected"),
            ),
            to_load=3,
            expired=2,
            alarms=("Compartment 12: door left open 14:02",),
            config=(("kiosk.id", "kiosk-1"), ("ui.orientation", "portrait"), ("ils", "sip2")),
            last_action=action,
            last_target=target,
        )

    def _fresh_account(self) -> AccountView:
        today = self.today
        return AccountView(
            patron_name="Rūta Petraitienė",
            loans=(
                LoanLine(
                    "20001", "Ieva Simonaitytė. Vilius Karalius", today - timedelta(days=3), True
                ),
                LoanLine("20002", "Marius Ivaškevičius. Žali", today + timedelta(days=5)),
                LoanLine(
                    "20003", "Kristina Sabaliauskaitė. Silva rerum", today + timedelta(days=12)
                ),
            ),
            holds=(
                HoldLine("Romualdas Granauskas. Gyvenimas po klevu", False, position=2),
                HoldLine(
                    "Jurgis Kunčinas. Tūla",
                    True,
                    "Knygomatas prie įėjimo",
                    today + timedelta(days=5),
                ),
            ),
            fines=(FineLine("Delspinigiai: Vilius Karalius", 120),),
        )
