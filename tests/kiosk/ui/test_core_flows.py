"""The app bound to the real patron session core (kiosk/demo/in_process.py): touches on the
Kivy window go through kiosk/ui/core_session.py to CirculationService, which talks SIP2 over
loopback to the ILS simulator and reads items from the pad fake. Borrow, refusal words, renew
and return; staff mode behind the staff card and its PIN (the keypad says it is the staff
PIN)."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from kiosk.core.circulation.pad import PadItem
from kiosk.core.circulation.session import LineStatus, State
from kiosk.core.clock import ManualClock
from kiosk.demo.in_process import InProcessCore
from kiosk.ui.presenters.views import AttractView, Screen
from simulators.ils.simulator import IlsSimulator

ONA, ONA_PIN = "2100000001", "1234"
STAFF_CARD, STAFF_PIN = "9900000001", "4321"  # the demo library's staff patron
METAI, KURMELIS = "9786090100011", "9786090100042"
REFERENCE = "9786090100028"
MARTI = "9786090100035"  # on loan to Ona
TODAY = datetime(2026, 11, 25, 12, 0)  # the kiosk's, the core's and the ILS's clock


class CoreKiosk:
    """The app on kiosk/demo/in_process.py's real core; the port's tasks run on a loop of
    the test's own (``drain``), the core's and the ILS's clock stopped at TODAY."""

    def __init__(self, harness, sim: IlsSimulator) -> None:
        from kiosk.i18n import Catalogs
        from kiosk.settings.ui import UiSection
        from kiosk.ui.app import KioskApp

        self.loop = asyncio.new_event_loop()
        self.pending: list = []
        self.sim = sim
        self.core = InProcessCore(
            sim,
            AttractView("Apskrities viešoji biblioteka"),
            clock=ManualClock(TODAY),
            spawn=self.pending.append,
        )
        self.pad, self.client = self.core.pad, self.core.library
        self.service, self.port = self.core.service, self.core.port
        self.h = harness
        self.app = KioskApp(self.port, Catalogs(), UiSection(fullscreen=False), "Biblioteka")
        self.root = self.app.build()
        harness.window.add_widget(self.root)

    def drain(self) -> None:
        async def run_all() -> None:
            while self.pending:
                await self.pending.pop(0)
            await self.service.settle()

        self.loop.run_until_complete(asyncio.wait_for(run_all(), 20))

    def place(self, *items: PadItem) -> None:
        """Items laid on the pad (the core starts its work as tasks on the running loop)."""

        async def lay() -> None:
            self.pad.place(*items)

        self.loop.run_until_complete(lay())
        self.drain()

    def tap(self, name: str, index: int = 0) -> None:
        from kiosk.demo.touches import find_button, flush_layout, tap

        transition = self.app.shell.screens.transition
        if transition.is_active:
            transition.stop()
        for layer in self.h.window.children:
            flush_layout(layer)
        tap(find_button(self.app._top_layer(), name, index))
        self.drain()

    def keys(self, digits: str) -> None:
        for digit in digits:
            self.tap(f"key:{digit}")
        self.tap("key:ok")

    def close(self) -> None:
        self.app.close()
        self.h.window.remove_widget(self.root)
        self.loop.run_until_complete(self.core.close())
        self.loop.close()


@pytest.fixture
def kiosk(window):
    with IlsSimulator(encoding="utf-8", clock=lambda: TODAY) as sim:

        class H:
            pass

        holder = H()
        holder.window = window
        made = CoreKiosk(holder, sim)
        yield made
        made.close()


def tag(item_id: str, n: int) -> PadItem:
    return PadItem(f"E00400000000{n:04X}", item_id, 1, 1)


def test_borrow_through_the_real_core(kiosk) -> None:
    k = kiosk
    k.tap("start")
    assert k.app.state.screen is Screen.IDENTIFY
    k.keys(ONA)
    k.keys(ONA_PIN)
    assert k.app.state.screen is Screen.CIRCULATION
    k.place(tag(METAI, 1), tag(REFERENCE, 2))
    screen = k.app.screens[Screen.CIRCULATION]
    rows = [row for row in screen.rows.rows if row.parent is not None]
    newest, first = rows
    assert (first.title.text, first.status.text) == ("Metai", "Paimta")
    assert first.detail.text == "Grąžinti iki 2026 m. gruodžio 23 d."
    assert newest.status.text == "Neatlikta"
    assert newest.detail.text.startswith("Šiuo leidiniu galima naudotis tik bibliotekoje.")
    k.tap("done")  # no receipt desk is wired here, so the core ends the visit at once
    assert k.app.state.screen is Screen.GOODBYE
    assert k.app.state.view.borrowed == 1
    k.tap("finish")
    assert k.app.state.screen is Screen.ATTRACT


def test_account_and_renew_through_the_real_core(kiosk) -> None:
    k = kiosk
    k.tap("start")
    k.keys(ONA)
    k.keys(ONA_PIN)
    k.tap("account")
    assert k.app.state.screen is Screen.ACCOUNT
    view = k.app.state.view
    assert view.loans and view.patron_name
    k.tap("renew_all")
    statuses = {loan.item_id: (loan.renewed, loan.message) for loan in k.app.state.view.loans}
    assert any(renewed for renewed, _ in statuses.values())


def test_return_without_a_card_through_the_real_core(kiosk) -> None:
    k = kiosk
    k.tap("return")
    assert k.app.state.screen is Screen.CIRCULATION
    k.place(tag(MARTI, 3))
    line = k.app.state.view.lines[0]
    assert line.title and line.status.value == "returned"


def test_a_staff_card_opens_staff_mode_with_device_health(kiosk) -> None:
    from kiosk.core.health import DeviceHealth, DeviceKind, DeviceState

    k = kiosk
    k.port.report(DeviceHealth("ils", DeviceKind.ILS, DeviceState.OK))
    k.port.report(DeviceHealth("printer", DeviceKind.PRINTER, DeviceState.DOWN, "paper out"))
    k.tap("start")
    k.keys(STAFF_CARD)
    k.keys(STAFF_PIN)
    assert k.app.state.screen is Screen.STAFF
    staff = k.app.screens[Screen.STAFF]
    rows = [row for row in staff.devices.rows if row.parent is not None]
    assert [(row.title.text, row.status.text) for row in rows] == [
        ("Kvitų spausdintuvas", "Gedimas"),
        ("Bibliotekos sistema", "Veikia"),
    ]
    k.tap("leave")
    assert k.app.state.screen is Screen.ATTRACT


def test_a_staff_card_asks_for_the_staff_pin_on_the_masked_keypad(kiosk) -> None:
    k = kiosk
    k.tap("start")
    k.keys(STAFF_CARD)
    identify = k.app.screens[Screen.IDENTIFY]
    assert k.app.state.screen is Screen.IDENTIFY and k.app.state.view.purpose == "staff"
    assert identify.title.text == "Įveskite darbuotojo PIN kodą"
    assert identify.pin_pad.parent is not None and identify.pin_pad.masked
    k.keys("0000")
    assert k.app.state.screen is Screen.IDENTIFY
    assert identify.error.text == "! Neteisingas PIN kodas. Bandykite dar kartą."
    assert identify.title.text == "Įveskite darbuotojo PIN kodą"
    k.keys(STAFF_PIN)
    assert k.app.state.screen is Screen.STAFF


def test_staff_mode_is_refused_in_words_with_the_ils_down_and_no_local_pin(kiosk) -> None:
    k = kiosk
    k.sim.set_offline("refuse")
    k.tap("start")
    k.keys(STAFF_CARD)
    k.keys(STAFF_PIN)
    identify = k.app.screens[Screen.IDENTIFY]
    assert k.app.state.screen is Screen.IDENTIFY
    assert "nenustatytas techniko PIN kodas" in identify.error.text
    k.tap("cancel")
    assert k.app.state.screen is Screen.ATTRACT


def test_a_scanned_item_barcode_is_borrowed_not_taken_for_a_card(kiosk) -> None:
    k = kiosk
    k.app.code_scanned(ONA)  # the scanner at the attract screen: straight to the PIN
    k.drain()
    assert k.service.view.state is State.AWAITING_PIN
    k.keys(ONA_PIN)
    k.app.code_scanned(METAI)  # a barcode-only item scanned while borrowing
    k.drain()
    (line,) = k.service.view.lines
    assert k.service.view.state is State.WORKING and line.item_id == METAI
    assert line.status is LineStatus.BORROWED
    assert k.sim.library.loan(METAI).patron == ONA
