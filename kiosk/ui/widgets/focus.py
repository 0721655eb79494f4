"""Hardware-keypad navigation: a visible focus ring moved by Tab/arrows, Enter presses.

The chain is recomputed on every move from what is on screen now (the top dialog if one is
open, else the whole window), in reading order: top to bottom, then left to right. Digits go
to the keypad on screen, so a patron can type a PIN on a tactile keypad as well as by touch.
Nothing here is time-critical: one key, one step (EN 301 549 5.1.6, 5.9).
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.modalview import ModalView
from kivy.uix.widget import Widget

from kiosk.ui.widgets.buttons import KioskButton

NEXT_KEYS = {9, 274, 275}  # tab, down, right
PREVIOUS_KEYS = {273, 276}  # up, left
PRESS_KEYS = {13, 32, 271}  # enter, space, keypad enter


def _shown(widget: Widget) -> bool:
    node: Widget | None = widget
    while isinstance(node, Widget) and not isinstance(node, ModalView):
        if node.opacity == 0 or node.disabled:
            return False
        parent = node.parent
        if parent is node:
            break
        node = parent
    return widget.width > 0 and widget.height > 0


class FocusChain:
    def __init__(self, layers: Callable[[], Widget]) -> None:
        self._top_layer = layers
        self.current: KioskButton | None = None

    def targets(self) -> list[KioskButton]:
        layer = self._top_layer()
        found = [w for w in layer.walk(restrict=True) if isinstance(w, KioskButton) and _shown(w)]
        return sorted(found, key=lambda w: (-round(w.to_window(*w.pos)[1] + w.height), w.x))

    def move(self, step: int) -> KioskButton | None:
        targets = self.targets()
        if not targets:
            return None
        if self.current in targets:
            index = (targets.index(self.current) + step) % len(targets)
        else:
            index = 0 if step > 0 else len(targets) - 1
        self.focus(targets[index])
        return self.current

    def focus(self, button: KioskButton | None) -> None:
        if self.current is not None:
            self.current.set_focused(False)
        self.current = button
        if button is not None:
            button.set_focused(True)

    def press(self) -> bool:
        if self.current is None or self.current not in self.targets():
            return False
        self.current.trigger_action(duration=0)
        return True

    def on_key(self, key: int, shift: bool) -> bool:
        if key in NEXT_KEYS:
            self.move(-1 if shift and key == 9 else 1)
            return True
        if key in PREVIOUS_KEYS:
            self.move(-1)
            return True
        if key in PRESS_KEYS:
            return self.press()
        return False

    def clear(self) -> None:
        self.focus(None)
