"""The two building blocks every screen is made of: FitLabel and Panel, and restyling a tree.

FitLabel wraps at its width and shrinks its type (to ``min_scale`` of the theme size) until the
text fits its box, because Lithuanian and Polish run ~30% longer than English; a label that
still does not fit is what the overflow tests catch. ``speakable=False`` keeps a label out of
self-voicing (the masked PIN). Panel paints a palette colour behind its children.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.graphics import Color, Rectangle, RoundedRectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.ui.theme import Theme

FONT = "Roboto"
FONT_BOLD = "Roboto"


class FitLabel(Label):
    def __init__(
        self,
        role: str = "body",
        colour: str = "text",
        lines: int | None = None,
        speakable: bool = True,
        min_scale: float = 0.6,
        **kwargs: object,
    ) -> None:
        kwargs.setdefault("halign", "left")
        kwargs.setdefault("valign", "middle")
        kwargs.setdefault("markup", False)
        super().__init__(**kwargs)
        self.role = role
        self.colour = colour
        self.lines = lines
        self.speakable = speakable
        self.min_scale = min_scale
        self.base_size = 32.0
        self.inset = 0.0  # room kept free on the left and right (buttons)
        if lines is not None:
            self.size_hint_y = None
        self._refit_soon = Clock.create_trigger(self.refit, -1)
        self.bind(size=self._refit_soon, text=self._refit_soon)

    def apply_theme(self, theme: Theme) -> None:
        self.base_size = theme.font(self.role)
        self.color = getattr(theme.palette, self.colour)
        if self.lines is not None:
            self.height = self.base_size * 1.32 * self.lines + 8
        self._refit_soon()

    def refit(self, *_: object) -> None:
        self.text_size = (max(1.0, self.width - 2 * self.inset), None)
        size = self.base_size
        self.font_size = size
        self.texture_update()
        while self.overflows() and size > self.base_size * self.min_scale:
            size *= 0.92
            self.font_size = size
            self.texture_update()

    def overflows(self) -> bool:
        """Too tall or too wide for the box, or a word broken in the middle to fit."""
        width, height = self.texture_size
        if width > self.width - 2 * self.inset + 1 or height > self.height + 1:
            return True
        return self.widest_word() > (self.text_size[0] or self.width) + 1

    def widest_word(self) -> float:
        words = self.text.split()
        if not words:
            return 0.0
        measure = self._label.get_extents
        return max(measure(word)[0] for word in words)


class Panel(BoxLayout):
    """A BoxLayout with a background from the palette (``fill``), optionally rounded."""

    def __init__(self, fill: str = "background", radius: float = 0, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.fill = fill
        self.radius = radius
        with self.canvas.before:
            self._colour = Color(0, 0, 0, 0)
            if radius:
                self._rect = RoundedRectangle(radius=[radius])
            else:
                self._rect = Rectangle()
        self.bind(pos=self._place, size=self._place)

    def _place(self, *_: object) -> None:
        self._rect.pos = self.pos
        self._rect.size = self.size

    def apply_theme(self, theme: Theme) -> None:
        self._colour.rgba = getattr(theme.palette, self.fill)


class Spacer(Widget):
    pass


def natural_height(box: BoxLayout) -> float:
    """The height a vertical box needs for its fixed-height children (flexible ones get 0)."""
    children = box.children
    fixed = sum(child.height for child in children if child.size_hint_y is None)
    top, bottom = box.padding[1], box.padding[3]
    return fixed + box.spacing * max(0, len(children) - 1) + top + bottom


def restyle(root: Widget, theme: Theme) -> None:
    """Apply the theme to every widget in the tree that knows how to style itself."""
    for widget in root.walk(restrict=True):
        apply = getattr(widget, "apply_theme", None)
        if apply is not None:
            apply(theme)


def refit_all(root: Widget) -> None:
    """Fit every label now (tests and screenshots must not wait for the next frame)."""
    for widget in root.walk(restrict=True):
        if isinstance(widget, FitLabel):
            widget.refit()
