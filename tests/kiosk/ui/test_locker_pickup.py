"""Locker pickup on the touch screen bound to the real locker logic (kiosk/core/lockers) over
the shared locker-bank model: the door code from the pickup notice opens the compartment the
screen names, a wrong code is refused in words, and the door closing is shown. With
[lockers] pickup_by_card the library card (typed or scanned) and a masked PIN do the same;
a wrong PIN and an empty-handed patron are refused in words, and the option can be hidden."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path

import pytest

from kiosk.ui.core_session import CoreSession
from kiosk.ui.presenters.views import AttractView, Screen

LOCKER_TESTS = Path(__file__).resolve().parents[1] / "core" / "lockers" / "conftest.py"


def make_bank():
    spec = importlib.util.spec_from_file_location("locker_bank_fixture", LOCKER_TESTS)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module.make_bank()


class IdleCore:
    """The circulation service is not part of a pickup: it stays idle."""

    def __init__(self) -> None:
        from kiosk.core.circulation.session import SessionView

        self.view = SessionView()

    def touch(self) -> None:
        pass


CARD, PIN = "2100000001", "1234"


class Tasks:
    """The port's background work (the card check), run to the end on a loop of our own."""

    def __init__(self) -> None:
        self.pending: list = []
        self.loop = asyncio.new_event_loop()

    def drain(self, h) -> None:
        async def run_all() -> None:
            while self.pending:
                await self.pending.pop(0)

        self.loop.run_until_complete(asyncio.wait_for(run_all(), 20))
        h.settle()


def bind(harness, by_card: bool = True):
    from kiosk.i18n import Catalogs
    from kiosk.settings.ui import UiSection
    from kiosk.ui.app import KioskApp

    bank = make_bank()
    tasks = Tasks()
    port = CoreSession(
        IdleCore(),
        AttractView("B"),
        now=lambda: bank.now,
        lockers=bank.service,
        spawn=tasks.pending.append,
        pickup_by_card=by_card,
    )
    harness.app.close()
    harness.window.remove_widget(harness.root)
    harness.app = KioskApp(port, Catalogs(), UiSection(fullscreen=False), "B")
    harness.root = harness.app.build()
    harness.window.add_widget(harness.root)
    harness.session = port
    return bank, port, tasks


@pytest.fixture
def pickup(harness):
    bank, port, tasks = bind(harness)
    yield harness, bank, port
    tasks.loop.close()


@pytest.fixture
def by_card(harness):
    bank, _port, tasks = bind(harness)
    yield harness, bank, tasks
    tasks.loop.close()


def test_the_door_code_opens_the_named_compartment(pickup) -> None:
    h, bank, port = pickup
    compartment = bank.load("ITEM-1", "P1")
    code = bank.mail.notices[0].code
    h.tap("pickup")
    h.keys("0000000" if code != "0000000" else "1111111")
    screen = h.app.screens[Screen.PICKUP]
    assert "Kodas neteisingas" in screen.error.text
    h.keys(code)
    assert h.app.state.view.stage == "opened"
    assert screen.compartment.text == f"Langelis {compartment}"
    bank.tick()
    door = bank.model.status()["compartments"][str(compartment)]["door"]
    assert door == "open"  # the lock really released: the patron takes the book
    bank.model.take_items(compartment)
    bank.model.close_door(compartment)
    bank.tick()
    port.door_closed(str(compartment))
    h.settle()
    assert screen.title.text == "Ačiū!"
    h.tap("cancel")
    assert h.app.state.screen is Screen.ATTRACT


def test_card_and_pin_open_the_patrons_compartment(by_card) -> None:
    h, bank, tasks = by_card
    compartment = bank.load("ITEM-1", "P1")
    bank.ils.patrons[(CARD, PIN)] = "P1"
    screen = h.app.screens[Screen.PICKUP]
    h.tap("pickup")
    h.tap("pickup:card")
    assert h.app.state.view.stage == "card"
    assert screen.title.text == "Parodykite skaitytojo pažymėjimą"
    h.keys(CARD[:4], submit=False)
    assert CARD[:4] not in screen.spoken_text()  # shown to check it, never read aloud
    h.app.code_scanned(CARD)  # a scan fills the card keypad and submits it
    h.settle()
    assert h.app.state.view.stage == "pin"
    h.keys(PIN, submit=False)
    assert screen.pin_pad.display.text == "••••"
    assert PIN not in screen.spoken_text()
    h.tap("key:ok")
    assert screen.hint.text == "Tikrinama…"
    tasks.drain(h)
    assert h.app.state.view.stage == "opened"
    assert screen.compartment.text == f"Langelis {compartment}"
    bank.tick()
    assert bank.model.status()["compartments"][str(compartment)]["door"] == "open"
    assert ("P1", "ITEM-1") in bank.ils.checkouts  # the loan is made as the door opens
    bank.model.take_items(compartment)
    bank.model.close_door(compartment)
    bank.tick()
    h.session.door_closed(str(compartment))
    h.settle()
    assert screen.title.text == "Ačiū!"
    h.tap("cancel")
    assert h.app.state.screen is Screen.ATTRACT


def test_a_card_scanned_at_the_door_code_keypad_is_taken_as_the_card(by_card) -> None:
    h, bank, _ = by_card
    bank.load("ITEM-1", "P1")
    h.tap("pickup")
    assert h.app.state.view.stage == "code"
    h.app.code_scanned(CARD)  # never typed in as a door code (nor counted as a wrong one)
    h.settle()
    assert h.app.state.view.stage == "pin" and not h.app.state.view.error
    h.app.code_scanned(CARD)  # nor as a PIN
    h.settle()
    assert h.app.state.view.stage == "pin" and bank.service.keypad.wrong == 0


def test_a_wrong_pin_is_refused_in_words_and_nothing_opens(by_card) -> None:
    h, bank, tasks = by_card
    compartment = bank.load("ITEM-1", "P1")
    bank.ils.patrons[(CARD, PIN)] = "P1"
    screen = h.app.screens[Screen.PICKUP]
    h.tap("pickup")
    h.tap("pickup:card")
    h.keys(CARD)
    h.keys("9999")
    tasks.drain(h)
    assert h.app.state.view.stage == "card"  # both again: the screen kept neither
    assert "Neteisingas pažymėjimo numeris arba PIN kodas" in screen.error.text
    assert screen.card_pad.length == 0 and not screen.card_waiting
    bank.tick()
    assert bank.model.status()["compartments"][str(compartment)]["door"] == "closed"
    h.keys(CARD)
    h.keys(PIN)
    tasks.drain(h)
    assert screen.compartment.text == f"Langelis {compartment}"


def test_a_patron_with_nothing_here_is_told_so(by_card) -> None:
    h, bank, tasks = by_card
    bank.load("ITEM-1", "P1")
    bank.ils.patrons[("2100000002", "2345")] = "P2"
    screen = h.app.screens[Screen.PICKUP]
    h.tap("pickup")
    h.tap("pickup:card")
    h.keys("2100000002")
    h.keys("2345")
    tasks.drain(h)
    assert screen.error.text == "! Šiame knygomate jums nieko nėra paruošta."
    h.tap("cancel")
    assert h.app.state.screen is Screen.ATTRACT


def test_pickup_by_card_off_hides_the_card_path(harness) -> None:
    from kiosk.ui.presenters.intents import PickupByCardChosen

    h = harness
    _bank, port, tasks = bind(h, by_card=False)
    try:
        h.tap("pickup")
        screen = h.app.screens[Screen.PICKUP]
        assert screen.by_card.parent is None
        assert screen.pad.parent is not None
        port.send(PickupByCardChosen())  # even if asked, only the door code is offered
        h.settle()
        assert h.app.state.view.stage == "code"
        assert screen.by_card.parent is None
    finally:
        tasks.loop.close()
