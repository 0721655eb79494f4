"""The large on-screen number pad for PINs and door codes, in the telephone layout (1-2-3 on
top) with a tactile-style 5 in the middle, Clear, Delete and OK.

A PIN is masked (``masked=True``): the display shows dots and is marked unspeakable, and each
key press is announced as "digit entered" without the digit (EN 301 549 5.1.3.8). The digits
live only in this widget until OK hands them to ``on_submit``; ``clear()`` wipes them, and the
screen clears it whenever it is left.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.ui.theme import Theme
from kiosk.ui.widgets.base import FitLabel, Panel
from kiosk.ui.widgets.buttons import KioskButton

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "delete")


class NumberPad(BoxLayout):
    def __init__(
        self,
        masked: bool,
        max_length: int,
        on_submit: Callable[[str], None],
        on_key: Callable[[str], None] | None = None,
        speak_digits: bool | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(orientation="vertical", spacing=16, **kwargs)
        self.masked = masked
        self.speak_digits = (not masked) if speak_digits is None else speak_digits
        self.max_length = max_length
        self._submit = on_submit
        self._announce = on_key or (lambda _kind: None)
        self._digits = ""
        frame = Panel(fill="surface", radius=14, size_hint_y=None, height=120, padding=(20, 8))
        self.display = FitLabel(role="key", halign="center", speakable=self.speak_digits)
        frame.add_widget(self.display)
        self.frame = frame
        self.add_widget(frame)
        # The key rows share the pad's height: as tall as there is room for, at most 104 px.
        self.grid = GridLayout(cols=3, spacing=14)
        self.buttons: dict[str, KioskButton] = {}
        for key in KEYS:
            button = KioskButton(role="secondary", text=key, fixed_height=False)
            button.role = "key"
            button.action_name = f"key:{key}"
            button.bind(on_release=lambda _b, k=key: self.press(k))
            self.buttons[key] = button
            self.grid.add_widget(button)
        self.add_widget(self.grid)
        self.ok = KioskButton(role="primary", text="OK")
        self.ok.action_name = "key:ok"
        self.ok.bind(on_release=lambda *_: self.submit())
        self.add_widget(self.ok)

    def apply_theme(self, theme: Theme) -> None:
        # Keys are already ~27 mm at most; large text makes the digits bigger, not the pad
        # taller, and a short column squeezes the rows down to the 15 mm minimum, no further.
        self.frame.height = 120
        self.grid.size_hint_min_y = theme.min_target * 4 + 14 * 3
        self.size_hint_max_y = 120 + (104 * 4 + 14 * 3) + theme.button_height + 2 * self.spacing

    def set_labels(self, clear: str, delete: str, ok: str) -> None:
        self.buttons["clear"].text = clear
        self.buttons["delete"].text = delete
        self.ok.text = ok

    def press(self, key: str) -> None:
        if key == "clear":
            self._digits = ""
            self._announce("cleared")
        elif key == "delete":
            self._digits = self._digits[:-1]
            self._announce("deleted")
        elif key.isdigit() and len(self._digits) < self.max_length:
            self._digits += key
            self._announce(key if self.speak_digits else "digit")
        self._show()

    def submit(self) -> None:
        digits, self._digits = self._digits, ""
        self._show()
        if digits:
            self._submit(digits)

    def clear(self) -> None:
        self._digits = ""
        self._show()

    @property
    def length(self) -> int:
        return len(self._digits)

    def _show(self) -> None:
        self.display.text = "•" * len(self._digits) if self.masked else self._digits
