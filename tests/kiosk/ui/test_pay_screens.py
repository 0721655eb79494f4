"""Paying fines on the touch screen, on real parts: taps on the Kivy window go through the pay
flow (kiosk/ui/presenters/pay_flow.py) to the real PaymentDesk, which asks the ILS simulator
over loopback SIP2, drives the in-process FakeTerminal (the terminal simulator's model) and
journals in SQLite; the patron session is the real core (kiosk/demo/in_process.py). The
screen never asks for the bank card; the terminal's status texts and the outcome are shown
and spoken; every simulator fault ends in words a patron can act on."""

from __future__ import annotations

import asyncio
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from backend_sync.store.payments_journal import SqlitePaymentJournal
from kiosk.core.clock import ManualClock
from kiosk.core.payments.desk import PaymentDesk
from kiosk.core.payments.fees import FeeRules
from kiosk.core.payments.saga import PaymentHold
from kiosk.core.payments.terminal import EUR
from kiosk.demo.in_process import InProcessCore, sip2_client
from kiosk.ui.presenters.pay_flow import PayFlow
from kiosk.ui.presenters.pay_text import OUTCOMES
from kiosk.ui.presenters.views import AttractView, Screen
from simulators.ils.simulator import IlsSimulator
from simulators.models.payment_terminal import FAULTS, PaymentTerminalModel
from simulators.payment.fake import FakeTerminal

FINED, FINED_PIN = "2100000005", "5678"  # 3,00 € + 9,40 € of fines in the demo library
NOW = datetime(2026, 11, 25, 12, 0)


class PayKiosk:
    """The app on the real core and the real payment desk; tasks run on the test's loop."""

    def __init__(self, window, sim: IlsSimulator, journal_path: Path) -> None:
        from device_drivers.speech.fake import FakeSpeaker
        from kiosk.i18n import Catalogs
        from kiosk.settings.ui import UiSection
        from kiosk.ui.app import KioskApp

        self.window = window
        self.loop = asyncio.new_event_loop()
        self.pending: list = []
        self.sim = sim
        self.clock = ManualClock(NOW)
        self.core = InProcessCore(sim, AttractView("Biblioteka"), clock=self.clock,
                                  spawn=self.pending.append)  # fmt: skip
        self.model = PaymentTerminalModel(clock=self.clock.now)
        self.journal = SqlitePaymentJournal.open(journal_path)
        self.desk_library = sip2_client(sim, self.clock)
        self.desk = PaymentDesk(
            library=self.desk_library, terminal=FakeTerminal(self.model), journal=self.journal,
            rules=FeeRules(), hold_mode=PaymentHold.REVERSAL, currency=EUR, kiosk_id="kiosk-1",
            clock=self.clock,
        )  # fmt: skip
        service = self.core.service

        def credentials():
            visit = service.visit
            return (visit.card, visit.pin) if visit is not None and visit.card else None

        self.port = PayFlow(
            self.core.port, self.desk, credentials=credentials,
            offline=lambda: service.view.offline, rules=self.desk.rules,
            library_name="Biblioteka", kiosk_id="kiosk-1", now=self.clock.now,
            spawn=self.pending.append,
        )  # fmt: skip
        self.speaker = FakeSpeaker()
        self.app = KioskApp(self.port, Catalogs(), UiSection(fullscreen=False), "Biblioteka",
                            speaker=self.speaker)  # fmt: skip
        self.root = self.app.build()
        window.add_widget(self.root)

    def drain(self) -> None:
        async def run_all() -> None:
            while self.pending:
                await self.pending.pop(0)
            await self.core.service.settle()

        self.loop.run_until_complete(asyncio.wait_for(run_all(), 30))

    def tap(self, name: str, index: int = 0) -> None:
        from kiosk.demo.touches import find_button, flush_layout, tap

        transition = self.app.shell.screens.transition
        if transition.is_active:
            transition.stop()
        for layer in self.window.children:
            flush_layout(layer)
        tap(find_button(self.app._top_layer(), name, index))
        self.drain()

    def keys(self, digits: str) -> None:
        for digit in digits:
            self.tap(f"key:{digit}")
        self.tap("key:ok")

    def sign_in_to_account(self) -> None:
        self.tap("start")
        self.keys(FINED)
        self.keys(FINED_PIN)
        self.tap("account")

    @property
    def screen(self):
        return self.app.state.screen

    def texts(self) -> list[str]:
        pay = self.app.screens[Screen.PAY]
        return [label.text for label in [pay.title, *pay.lines] if label.text]

    def close(self) -> None:
        self.app.close()
        self.window.remove_widget(self.root)
        self.loop.run_until_complete(self.core.close())
        self.loop.run_until_complete(self.desk_library.close())
        self.journal.close()
        self.loop.close()


@pytest.fixture
def kiosk(window, tmp_path):
    with IlsSimulator(encoding="utf-8", clock=lambda: NOW, dialect="koha") as sim:
        made = PayKiosk(window, sim, tmp_path / "payments.sqlite")
        yield made
        made.close()


def test_pay_all_on_the_touch_screen(kiosk) -> None:
    k = kiosk
    k.app.set_language("en")
    k.sign_in_to_account()
    assert k.screen is Screen.ACCOUNT
    assert k.app.state.view.payment == "offered"
    k.tap("pay")
    assert k.screen is Screen.PAY and k.app.state.view.stage == "choose"
    assert "You owe €12.40." in k.texts()
    k.tap("pay:all")
    assert k.app.state.view.stage == "confirm"
    assert "Amount to pay: €12.40" in k.texts()
    k.app.switches["speech"] = True
    k.tap("pay:confirm")
    view = k.app.state.view
    assert (view.stage, view.outcome, view.new_balance_cents) == ("outcome", "paid", 0)
    texts = k.texts()
    assert texts[:3] == ["Paid. Thank you!", "Paid: €12.40", "You owe nothing now."]
    assert any(t.startswith("Payment reference: ") for t in texts)
    heard = k.speaker.heard()
    for said in ("Amount to pay: €12.40", "Follow the instructions on the card terminal.",
                 "Paid. Thank you!", "You owe nothing now."):  # fmt: skip
        assert said in heard
    assert k.sim.library.balance(FINED) == 0
    assert [e["state"] for e in k.model.journal()] == ["approved"]
    k.tap("pay:done")
    assert k.screen is Screen.ACCOUNT
    assert k.app.state.view.fines == ()  # My account read afresh from the library system


def test_another_amount_typed_on_the_keypad(kiosk) -> None:
    k = kiosk
    k.app.set_language("en")
    k.sign_in_to_account()
    k.tap("pay")
    k.tap("pay:amount")
    assert k.app.state.view.stage == "amount"
    assert "You can pay from €0.01 to €12.40." in k.texts()
    pad = k.app.screens[Screen.PAY].pad
    for digit in "2000":
        k.tap(f"key:{digit}")
    assert pad.display.text == "€20.00"  # the digits typed are cents, shown as money
    k.tap("key:ok")
    assert k.app.state.view.refusal == "more_than_owed"
    assert "That is more than you owe." in k.texts()
    k.keys("0")
    assert "Type an amount larger than zero." in k.texts()
    assert k.model.journal() == []  # refused in words: the terminal was never asked
    k.keys("500")
    view = k.app.state.view
    assert (view.stage, view.amount_cents) == ("confirm", 500)
    k.tap("pay:confirm")
    view = k.app.state.view
    assert (view.outcome, view.new_balance_cents) == ("paid", 740)
    assert "You still owe €7.40." in k.texts()
    assert k.sim.library.balance(FINED) == Decimal("7.40")  # oldest first: 3,00 then 2,00
    assert [(e["state"], e["amount_cents"]) for e in k.model.journal()] == [("approved", 500)]


def test_the_screen_never_asks_for_the_bank_card(kiosk) -> None:
    from kiosk.ui.widgets.keypad import NumberPad

    k = kiosk
    k.sign_in_to_account()
    k.tap("pay")
    k.tap("pay:all")
    pay = k.app.screens[Screen.PAY]
    assert not [w for w in pay.walk() if isinstance(w, NumberPad)]
    k.tap("pay:confirm")
    assert not [w for w in pay.walk() if isinstance(w, NumberPad)]


@pytest.mark.parametrize("fault", FAULTS)
def test_every_terminal_fault_reads_as_words(kiosk, fault: str) -> None:
    k = kiosk
    k.sign_in_to_account()
    k.tap("pay")
    k.tap("pay:all")
    k.model.arm(fault, 1)
    k.tap("pay:confirm")
    view = k.app.state.view
    assert view.stage == "outcome"
    assert view.outcome in OUTCOMES
    texts = k.texts()
    assert len(texts) >= 2 and all(t.strip() for t in texts)
    if view.outcome == "paid":  # "pin" asks for the PIN on the terminal, then pays
        assert fault == "pin"
        assert k.sim.library.balance(FINED) == 0
    else:
        assert k.sim.library.balance(FINED) > 0 or view.outcome == "to_staff"
    expected = {
        "decline": "declined",
        "pin": "paid",
        "card_removed": "card",
        "timeout": "terminal_unavailable",
        "busy": "busy",
        "drop_after_authorisation": "to_staff",
        "end_of_day_needed": "terminal_unavailable",
    }
    assert view.outcome == expected[fault]
    if fault == "decline":  # the bank's own words beside ours (card schemes require them)
        assert view.detail == "Declined by the card issuer"
        assert texts[-1] == "Declined by the card issuer" and texts[1] != texts[-1]
    elif fault == "end_of_day_needed":  # the terminal's text with its refusal, shown too
        assert view.detail == "End-of-day required"
    else:
        assert view.detail == ""
    if view.outcome == "to_staff":  # staff find it by the terminal's numbers
        assert view.reference and any(view.reference in t for t in texts)


def test_staff_see_the_payment_and_close_the_terminal_day(kiosk) -> None:
    k = kiosk
    k.app.set_language("en")
    k.sign_in_to_account()
    k.tap("pay")
    k.tap("pay:all")
    k.tap("pay:confirm")
    k.tap("pay:done")
    k.tap("done")  # the visit ends
    k.tap("finish")
    assert k.screen is Screen.ATTRACT
    k.tap("start")
    k.keys("9900000001")  # the demo library's staff card and PIN
    k.keys("4321")
    assert k.screen is Screen.STAFF and k.app.state.view.offers_payments
    k.app.set_language("en")  # the visit's end put the screen back in Lithuanian
    k.tap("payments")
    assert k.screen is Screen.PAY and k.app.state.view.stage == "staff"
    pay = k.app.screens[Screen.PAY]
    rows = [row for row in pay.payments.rows if row.parent is not None]
    assert len(rows) == 1
    assert "€12.40" in rows[0].title.text and "******0005" in rows[0].title.text
    assert rows[0].status.text == "Paid"
    assert FINED not in rows[0].title.text + rows[0].detail.text
    assert "1 card payment today · Total: €12.40" in k.texts()
    k.tap("pay:end_of_day")
    assert "End-of-day done: 1 payment, €12.40" in k.texts()
    assert k.model.totals()["amount_cents"] == 0  # the terminal's batch was closed
    k.tap("pay:back")
    assert k.screen is Screen.STAFF
