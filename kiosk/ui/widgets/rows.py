"""A list of status rows built once and reused: title, detail, status word and an optional
action (Renew). Rows past the pool's size are summarised as "and N more" instead of growing
the widget tree, because Kivy leaks widgets that are created and dropped per visit.

Each row shows its status as a word next to a coloured bar, so colour is never the only cue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.presenters.text import RowText, Tone
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.base import FitLabel, Panel, restyle
from kiosk.ui.widgets.buttons import KioskButton

TONE_COLOURS = {Tone.NEUTRAL: "muted", Tone.GOOD: "good", Tone.BAD: "bad", Tone.WAIT: "wait"}


@dataclass(frozen=True)
class RowAction:
    label: str
    key: str  # handed back to the callback (an item id)


class StatusRow(Panel):
    def __init__(
        self,
        on_action: Callable[[str], None],
        detail_lines: int = 1,
        title_lines: int = 2,
        compact: bool = False,
        **kwargs: object,
    ) -> None:
        super().__init__(fill="surface", radius=12, orientation="horizontal", **kwargs)
        self.compact = compact
        self.detail_lines = detail_lines
        self.size_hint_y = None
        self.padding = (28, 3, 14, 3) if compact else (28, 6, 14, 6)
        self.spacing = 18
        self._on_action = on_action
        self._key = ""
        self._tone = Tone.NEUTRAL
        self._theme = Theme()
        with self.canvas.before:
            self._bar_colour = Color(0, 0, 0, 0)
            self._bar = Rectangle()
        self.bind(pos=self._place_bar, size=self._place_bar)
        texts = BoxLayout(orientation="vertical", spacing=2)
        self.title = FitLabel(role="body", lines=title_lines, bold=True)
        self.detail = FitLabel(role="small", colour="muted", lines=detail_lines)
        self.title.patron_data = True
        self.detail.patron_data = True
        texts.add_widget(self.title)
        texts.add_widget(self.detail)
        self.status = FitLabel(role="body", halign="right", size_hint_x=0.3, bold=True)
        self.action = KioskButton(role="primary", size_hint_x=0.32, fixed_height=False)
        self.action.action_name = "row:action"
        self.action.bind(on_release=lambda *_: self._on_action(self._key))
        self.add_widget(texts)
        self.add_widget(self.status)
        self.add_widget(self.action)

    def _place_bar(self, *_: object) -> None:
        self._bar.pos = self.pos
        self._bar.size = (12, self.height)

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.title.apply_theme(theme)
        self.detail.apply_theme(theme)
        self._theme = theme
        self.height = self.title.height + self.detail.height + (8 if self.compact else 16)
        # A compact row's button is only as tall as a 15 mm target needs.
        button = theme.min_target if self.compact else theme.button_height
        self.height = max(self.height, button + 4)
        self._paint_tone()

    def show(self, text: RowText, action: RowAction | None) -> None:
        self.title.text = text.title
        self.detail.text = text.detail
        self.status.text = text.status
        self._tone = text.tone
        self._paint_tone()
        self.action.opacity = 1 if action else 0
        self.action.disabled = action is None
        self.action.text = action.label if action else ""
        self._key = action.key if action else ""

    def _paint_tone(self) -> None:
        colour = getattr(self._theme.palette, TONE_COLOURS[self._tone])
        self._bar_colour.rgba = colour
        self.status.color = colour


class RowList(BoxLayout):
    def __init__(
        self,
        size: int,
        on_action: Callable[[str], None],
        detail_lines: int = 1,
        title_lines: int = 2,
        compact: bool = False,
        **kwargs: object,
    ) -> None:
        spacing = 8 if compact else 12
        super().__init__(orientation="vertical", spacing=spacing, size_hint_y=None, **kwargs)
        self.rows = [StatusRow(on_action, detail_lines, title_lines, compact) for _ in range(size)]
        self.more = FitLabel(role="small", colour="muted", lines=1)
        self.empty = FitLabel(role="body", colour="muted", lines=2)
        self._shown = 0

    def show(
        self,
        items: Sequence[tuple[RowText, RowAction | None]],
        more_text: Callable[[int], str],
        empty_text: str = "",
        limit: int | None = None,
    ) -> None:
        self.clear_widgets()
        visible = items[: min(limit or len(self.rows), len(self.rows))]
        for row, (text, action) in zip(self.rows, visible, strict=False):
            row.show(text, action)
            self.add_widget(row)
        if not items and empty_text:
            self.empty.text = empty_text
            self.add_widget(self.empty)
        hidden = len(items) - len(visible)
        if hidden > 0:
            self.more.text = more_text(hidden)
            self.add_widget(self.more)
        self._shown = len(visible)
        self._resize()

    def apply_theme(self, theme: Theme) -> None:
        for row in self.rows:
            restyle(row, theme)
        self.more.apply_theme(theme)
        self.empty.apply_theme(theme)
        self._resize()

    def _resize(self) -> None:
        heights = [child.height for child in self.children]
        self.height = sum(heights) + self.spacing * max(0, len(heights) - 1)

    def clear(self) -> None:
        for row in self.rows:
            row.show(RowText("", "", "", Tone.NEUTRAL), None)
        self.clear_widgets()
        self._resize()
