"""What every screen shares: render(view, texts), intents out, orientation, and forgetting.

``render`` must be idempotent and cheap: it runs on every state change and on every language
or theme switch. ``forget`` runs when the screen is left and must leave no patron data in any
widget (the privacy tests walk the tree after a session). ``spoken_text`` is what self-voicing
reads: every speakable label in reading order, never the masked PIN.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget

from kiosk.ui.presenters.intents import Intent
from kiosk.ui.presenters.text import Texts
from kiosk.ui.presenters.views import View
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.base import FitLabel, Panel, restyle

Send = Callable[[Intent], None]


class KioskScreen(Screen):
    def __init__(self, name: str, send: Send, **kwargs: object) -> None:
        super().__init__(name=name, **kwargs)
        self.send = send
        self.portrait = True
        self.view: View | None = None
        self.theme = Theme()
        # Parts swapped in and out of the tree (the card pad and the PIN pad) get styled too.
        self.detachable: list[Widget] = []
        self.root_panel = Panel(fill="background", orientation="vertical", padding=36, spacing=24)
        self.add_widget(self.root_panel)

    def render(self, view: View, tr: Texts) -> None:
        raise NotImplementedError

    def forget(self) -> None:
        """Drop everything shown; the next render starts from a blank screen."""
        self.view = None
        for widget in self.walk(restrict=True):
            if isinstance(widget, FitLabel) and getattr(widget, "patron_data", False):
                widget.text = ""

    def set_orientation(self, portrait: bool) -> None:
        self.portrait = portrait
        for widget in self.walk(restrict=True):
            if getattr(widget, "flips", False):
                widget.orientation = "vertical" if portrait else "horizontal"

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        for part in self.detachable:
            if part.parent is None:
                restyle(part, theme)

    def spoken_text(self) -> str:
        labels = [
            widget
            for widget in self.walk(restrict=True)
            if isinstance(widget, FitLabel)
            and widget.speakable
            and widget.text.strip()
            and widget.opacity > 0
        ]
        labels.sort(key=lambda w: (-round(w.to_window(*w.pos)[1] + w.height), w.x))
        return "\n".join(label.text for label in labels)

    def add_help_row(self, row: Widget) -> None:
        """The help row (kiosk/ui/widgets/help_buttons.py) under the screen's content, outside
        ``root_panel`` (which the screen owns and may rebuild); the row takes the place of the
        panel's bottom padding."""
        left, top, right, _ = self.root_panel.padding
        self.root_panel.padding = (left, top, right, 0)
        self.remove_widget(self.root_panel)
        column = BoxLayout(orientation="vertical")
        column.add_widget(self.root_panel)
        column.add_widget(row)
        self.add_widget(column)


def flipping(**kwargs: object) -> BoxLayout:
    """A box that stacks in portrait and sits side by side in landscape."""
    box = BoxLayout(orientation="vertical", **kwargs)
    box.flips = True
    return box


def data_label(**kwargs: object) -> FitLabel:
    """A label that shows patron data and is wiped when its screen is left."""
    label = FitLabel(**kwargs)
    label.patron_data = True
    return label
