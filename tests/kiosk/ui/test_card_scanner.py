"""The [scanner] table as `kiosk run` wires it (kiosk.wiring.touch_app.read_cards): a keyboard-wedge
scanner typing a card number and Enter into the app's key events presents the card at once,
from the attract screen or over half-typed digits; a person typing on the keypad never makes
a scan; a serial scanner over a real pseudo-terminal presents its card on the app's loop."""

from __future__ import annotations

import asyncio
import contextlib

from kiosk.settings import Settings
from kiosk.settings.scanner import ScannerSection
from kiosk.ui.presenters.views import Screen
from kiosk.wiring.touch_app import read_cards
from simulators.pty_link import PtyLink
from tests.kiosk.ui.scripted_port import PATRON_CARD

ENTER = 13


def type_keys(harness, text: str, gap_s: float) -> None:
    for char in text:
        harness.now += gap_s
        harness.window.dispatch("on_key_down", ord(char), 0, char, [])
    harness.now += gap_s
    harness.window.dispatch("on_key_down", ENTER, 0, None, [])
    harness.settle()


def wire(harness, section: ScannerSection) -> contextlib.AsyncExitStack:
    stack = contextlib.AsyncExitStack()

    async def start() -> None:
        read_cards(Settings(scanner=section), harness.app, stack)

    asyncio.run(start())
    return stack


def test_a_scanned_card_is_presented_from_the_attract_screen(harness) -> None:
    wire(harness, ScannerSection(kind="keyboard"))
    type_keys(harness, PATRON_CARD, gap_s=0.005)  # a scanner types a code in a few ms
    view = harness.app.state.view
    assert harness.screen is Screen.IDENTIFY and view.card_seen  # straight on to the PIN


def test_a_person_typing_on_the_keypad_is_not_a_scan(harness) -> None:
    wire(harness, ScannerSection(kind="keyboard"))
    harness.tap("start")
    type_keys(harness, PATRON_CARD[:4], gap_s=0.6)
    pad = harness.app.screens[Screen.IDENTIFY].card_pad
    assert not harness.app.state.view.card_seen and pad._digits == PATRON_CARD[:4]
    type_keys(harness, PATRON_CARD, gap_s=0.005)  # then the card is scanned after all
    assert harness.app.state.view.card_seen and pad._digits == ""


def test_on_the_load_lockers_tab_a_scanned_item_is_loaded(harness) -> None:
    from tests.kiosk.ui.scripted_port import STAFF_CARD, STAFF_PIN

    wire(harness, ScannerSection(kind="keyboard", card_pattern="^[0-9]{5,14}$"))
    harness.tap("start")
    harness.keys(STAFF_CARD)
    harness.keys(STAFF_PIN)
    harness.tap("tab:lockers")
    type_keys(harness, "50001", gap_s=0.005)  # the demo's held item
    assert harness.screen is Screen.STAFF  # not taken for a new card: the load started
    assert harness.app.state.view.load_compartment == "9"


def test_a_serial_scanner_presents_its_card_on_the_apps_loop() -> None:
    class App:
        def __init__(self) -> None:
            self.cards: list[str] = []

        def code_scanned(self, code: str) -> None:
            self.cards.append(code)

    app, link = App(), PtyLink()

    async def scan() -> None:
        async with contextlib.AsyncExitStack() as stack:
            section = ScannerSection(kind="serial", url=link.slave_path)
            read_cards(Settings(scanner=section), app, stack)
            await asyncio.sleep(0.3)  # the scanner's thread opens the port
            link.write(b"2100000001\r12\r")  # a card, then a short code that is nothing
            for _ in range(100):
                if app.cards:
                    break
                await asyncio.sleep(0.05)

    try:
        asyncio.run(scan())
    finally:
        link.close()
    assert app.cards == ["2100000001"]
