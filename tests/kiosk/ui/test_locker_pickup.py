"""Locker pickup on the touch screen bound to the real locker logic (kiosk/core/lockers) over
the shared locker-bank model: the door code from the pickup notice opens the compartment the
screen names, a wrong code is refused in words, and the door closing is shown."""

from __future__ import annotations

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
        from kiosk.core.session import SessionView

        self.view = SessionView()

    def touch(self) -> None:
        pass


@pytest.fixture
def pickup(harness):
    from kiosk.i18n import Catalogs
    from kiosk.settings.ui import UiSection
    from kiosk.ui.app import KioskApp

    bank = make_bank()
    port = CoreSession(IdleCore(), AttractView("B"), now=lambda: bank.now, lockers=bank.service)
    harness.app.close()
    harness.window.remove_widget(harness.root)
    harness.app = KioskApp(port, Catalogs(), UiSection(fullscreen=False), "B")
    harness.root = harness.app.build()
    harness.window.add_widget(harness.root)
    harness.session = port
    return harness, bank, port


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
