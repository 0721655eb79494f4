"""Codes from a barcode scanner in the touch app: where a scanned code goes on each screen.

A keyboard-wedge scanner's keys arrive as the app's key events and pass through the
listeners `kiosk run` registers (device_drivers/scanners/keyboard_wedge.py behind a lambda:
the UI never imports a driver); a serial scanner's codes arrive through ``scanned``. On the
staff screen a code fills the keypad and submits it (an item to load); at a locker pickup it
is a library card, never a door code or a PIN; anywhere else it goes to the core as
``CodeScanned``, and the core tells a card from an item. Keeps no code after routing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.ui.presenters.intents import CodeScanned, PickupByCardChosen
from kiosk.ui.presenters.views import PickupView, Screen

# Named keys a keyboard-wedge scanner ends a code with (Kivy key codes).
KEY_NAMES = {13: "enter", 271: "numpadenter", 9: "tab"}

Listener = Callable[[str, float], str | None]


class ScanRouter:
    def __init__(self, app: Any) -> None:
        self.app = app  # kiosk.ui.app.KioskApp: its state, visible keypad and send
        self._listeners: list[Listener] = []

    def listen(self, listener: Listener) -> None:
        """A keyboard wedge: it sees every key, as its character or its name ("enter",
        "numpadenter", "tab"), and answers the code when a scan completes."""
        self._listeners.append(listener)

    def key(self, key: int, text: str | None, now: float) -> bool:
        """True when the key completed a scan (and the code was routed)."""
        name = KEY_NAMES.get(key) or (text if text and len(text) == 1 else "")
        if not name:
            return False
        for listener in self._listeners:
            code = listener(name, now)
            if code:
                self.scanned(code)
                return True
        return False

    def scanned(self, code: str) -> None:
        app = self.app
        screen = app.state.screen if app.state is not None else None
        if screen is Screen.PICKUP and not self._card_stage():
            return
        pad = app._visible_pad()
        if pad is not None:
            pad.press("clear")
        if pad is not None and screen in (Screen.STAFF, Screen.PICKUP):
            for key in code:
                pad.press(key)
            pad.submit()
            return
        app.send(CodeScanned(code))

    def _card_stage(self) -> bool:
        """At a pickup, turn to the card keypad if the door-code keypad is up and cards are
        offered; True when the card keypad is up (the scan goes there)."""
        view = self.app.state.view
        if isinstance(view, PickupView) and view.stage == "code" and view.card_offered:
            self.app.send(PickupByCardChosen())  # the screen turns to the card keypad
            view = self.app.state.view
        return isinstance(view, PickupView) and view.stage == "card"
