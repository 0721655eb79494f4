"""The on-screen keyboard for typing an e-mail address, with a Lithuanian layout.

Kivy's bundled VKeyboard layouts have no Lithuanian; this one follows the Lithuanian standard
keyboard's idea (ą č ę ė į š ų ū ž on the number row), with the e-mail keys a patron needs
(@ . - _ and the common endings) one touch away. Keys are plain KioskButtons, so they are
15 mm targets, restyle with the theme and take the hardware focus ring like everything else.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.theme import Theme
from kiosk.ui.widgets.buttons import KioskButton

LITHUANIAN = (
    ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0"),
    ("ą", "č", "ę", "ė", "į", "š", "ų", "ū", "ž", "-"),
    ("q", "w", "e", "r", "t", "y", "u", "i", "o", "p"),
    ("a", "s", "d", "f", "g", "h", "j", "k", "l", "_"),
    ("z", "x", "c", "v", "b", "n", "m", ".", "@", "delete"),
    (".lt", ".com", "@gmail.com", "clear"),
)


class OnScreenKeyboard(BoxLayout):
    def __init__(self, on_text: Callable[[str], None], rows=LITHUANIAN, **kwargs: object):
        super().__init__(orientation="vertical", spacing=10, size_hint_y=None, **kwargs)
        self._on_text = on_text
        self.text = ""
        self.keys: dict[str, KioskButton] = {}
        self._rows: list[BoxLayout] = []
        for row in rows:
            line = BoxLayout(orientation="horizontal", spacing=10, size_hint_y=None)
            for key in row:
                button = KioskButton(role="secondary", text=key, fixed_height=False)
                button.role = "key"
                button.action_name = f"key:{key}"
                if len(key) > 2:
                    button.size_hint_x = 2.5
                button.bind(on_release=lambda _b, k=key: self.press(k))
                self.keys[key] = button
                line.add_widget(button)
            self._rows.append(line)
            self.add_widget(line)

    def apply_theme(self, theme: Theme) -> None:
        self.set_row_height(max(theme.key_size, 96.0))

    def set_row_height(self, row_height: float) -> None:
        for line in self._rows:
            line.height = row_height
        self.height = row_height * len(self._rows) + 10 * (len(self._rows) - 1)

    def set_labels(self, delete: str, clear: str) -> None:
        self.keys["delete"].text = delete
        self.keys["clear"].text = clear

    def press(self, key: str) -> None:
        if key == "delete":
            self.text = self.text[:-1]
        elif key == "clear":
            self.text = ""
        elif len(self.text) < 254:
            self.text += key
        self._on_text(self.text)

    def reset(self) -> None:
        self.text = ""
        self._on_text(self.text)
