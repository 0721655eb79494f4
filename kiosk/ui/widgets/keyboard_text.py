"""The on-screen keyboard for names and addresses: Lithuanian letters with capitals.

The e-mail keyboard (keyboard.py) has no capitals and no space; a name or an address needs
both, and the punctuation names and addresses carry (hyphen, apostrophe, comma, full stop,
slash). ``Shift`` capitalises the next letter only, as a phone keyboard does, and a field
starts capitalised. The same KioskButtons as everywhere (15 mm, themed, focus ring); ``press``
also takes any text (the hardware keyboard's and tests'), so the core's checks see exactly
what could arrive.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.ui.widgets.keyboard import OnScreenKeyboard

TEXT_ROWS = (
    ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0"),
    ("ą", "č", "ę", "ė", "į", "š", "ų", "ū", "ž", "-"),
    ("q", "w", "e", "r", "t", "y", "u", "i", "o", "p"),
    ("a", "s", "d", "f", "g", "h", "j", "k", "l", "'"),
    ("z", "x", "c", "v", "b", "n", "m", ",", ".", "/"),
    ("shift", "space", "@", "+", "delete", "clear"),
)
LETTERS = frozenset(key for row in TEXT_ROWS for key in row if key.isalpha() and len(key) == 1)
LIMIT = 300  # past every field's own limit, so "too long" is the core's to say


class TextKeyboard(OnScreenKeyboard):
    def __init__(self, on_text: Callable[[str], None], **kwargs: object) -> None:
        super().__init__(on_text=on_text, rows=TEXT_ROWS, **kwargs)
        self.shifted = True
        self.keys["space"].size_hint_x = 3.0
        for key in self.keys.values():
            key.speakable = False  # self-voicing reads the field, not forty key caps
        self._show_case()

    def set_labels(self, delete: str, clear: str, space: str = "", shift: str = "") -> None:
        super().set_labels(delete, clear)
        self.keys["space"].text = space or " "
        self.keys["shift"].text = shift or "⇧"

    def press(self, key: str) -> None:
        if key == "shift":
            self.shifted = not self.shifted
            self._show_case()
            return
        if key == "space":
            key = " "
        if key in ("delete", "clear"):
            super().press(key)
        elif len(self.text) + len(key) <= LIMIT:
            if self.shifted and key in LETTERS:
                key = key.upper()
            self.text += key
            self._on_text(self.text)
        if self.shifted and key.strip():
            self.shifted = False
            self._show_case()

    def start(self, text: str, capitalised: bool = True) -> None:
        """A field opens with what it holds; the next letter is a capital when it is empty."""
        self.text = text
        self.shifted = capitalised and not text
        self._show_case()

    def _show_case(self) -> None:
        for key in LETTERS:
            self.keys[key].text = key.upper() if self.shifted else key
        self.keys["shift"].set_selected(self.shifted)
