"""Big buttons: at least 15 mm each way, a word on every one, a visible focus ring.

Roles: ``primary`` (the one thing to do next), ``secondary`` and ``quiet`` (language and
accessibility toggles). ``selected`` marks the current language or a mode that is on, with a
border and bold text as well as colour. The focus ring is drawn outside the button so the
hardware-keypad user sees where they are (kiosk/ui/widgets/focus.py moves it).
"""

from __future__ import annotations

from kivy.graphics import Color, Line, RoundedRectangle
from kivy.uix.behaviors import ButtonBehavior

from kiosk.ui.theme import Theme
from kiosk.ui.widgets.base import FitLabel

FILLS = {
    "primary": ("primary", "primary_text"),
    "secondary": ("secondary", "secondary_text"),
    "quiet": ("header", "header_text"),
    "danger": ("bad", "primary_text"),
}


class KioskButton(ButtonBehavior, FitLabel):
    def __init__(self, role: str = "secondary", fixed_height: bool = True, **kwargs: object):
        kwargs.setdefault("halign", "center")
        kwargs.setdefault("lines", None)
        super().__init__(role="button", **kwargs)
        self.kind = role
        self.fixed_height = fixed_height
        self.selected = False
        self.focused = False
        self.action_name = ""
        self._theme = Theme()
        if fixed_height:
            self.size_hint_y = None
        with self.canvas.before:
            self._fill = Color(0, 0, 0, 0)
            self._body = RoundedRectangle(radius=[14])
        with self.canvas.after:
            self._ring_colour = Color(0, 0, 0, 0)
            self._ring = Line(width=5, rounded_rectangle=(0, 0, 1, 1, 18))
            self._mark_colour = Color(0, 0, 0, 0)
            self._mark = Line(width=3, rounded_rectangle=(0, 0, 1, 1, 14))
        self.bind(pos=self._draw, size=self._draw, state=self._draw)
        self.inset = 18.0

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        super().apply_theme(theme)
        _, ink = FILLS[self.kind]
        self.color = getattr(theme.palette, ink)
        if self.fixed_height:
            self.height = theme.button_height
        self._draw()

    def set_selected(self, selected: bool) -> None:
        self.selected = selected
        self.bold = selected
        self._draw()

    def set_focused(self, focused: bool) -> None:
        self.focused = focused
        self._draw()

    def _draw(self, *_: object) -> None:
        palette = self._theme.palette
        fill, _ = FILLS[self.kind]
        red, green, blue, alpha = getattr(palette, fill)
        shade = 0.78 if self.state == "down" else 1.0
        if self.disabled:
            alpha *= 0.45
        self._fill.rgba = (red * shade, green * shade, blue * shade, alpha)
        self._body.pos = self.pos
        self._body.size = self.size
        x, y = self.pos
        width, height = self.size
        self._ring_colour.rgba = palette.focus if self.focused else (0, 0, 0, 0)
        self._ring.rounded_rectangle = (x - 7, y - 7, width + 14, height + 14, 18)
        self._mark_colour.rgba = palette.focus if self.selected else (0, 0, 0, 0)
        self._mark.rounded_rectangle = (x + 3, y + 3, width - 6, height - 6, 12)
