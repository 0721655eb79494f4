"""Simulated touches for the autopilot and the UI tests: a tap goes through Kivy's own input
dispatch (post_dispatch_input), exactly as a finger on the panel would, not a direct call.
"""

from __future__ import annotations

from kivy.base import EventLoop
from kivy.input.motionevent import MotionEvent
from kivy.uix.layout import Layout
from kivy.uix.widget import Widget

from kiosk.ui.widgets.buttons import KioskButton


class SimulatedTouch(MotionEvent):
    def __init__(self, x: float, y: float) -> None:
        window = EventLoop.window
        position = {"x": x / max(1.0, window.width - 1.0), "y": y / max(1.0, window.height - 1.0)}
        super().__init__("autopilot", 1, position, is_touch=True, type_id="touch")
        self.profile = ["pos"]

    def depack(self, args: dict[str, float]) -> None:
        self.sx = args["x"]
        self.sy = args["y"]
        super().depack(args)


def tap_at(x: float, y: float) -> None:
    touch = SimulatedTouch(x, y)
    EventLoop.post_dispatch_input("begin", touch)
    EventLoop.post_dispatch_input("end", touch)


def tap(widget: Widget) -> None:
    x, y = widget.to_window(widget.center_x, widget.center_y)
    tap_at(x, y)


def find_buttons(root: Widget, action_name: str) -> list[KioskButton]:
    """The on-screen buttons with that action name (``language:en``, ``key:5``, ``done`` …)."""
    return [
        widget
        for widget in root.walk(restrict=True)
        if isinstance(widget, KioskButton)
        and widget.action_name == action_name
        and widget.opacity > 0
        and not widget.disabled
        and widget.get_root_window() is not None
    ]


def find_button(root: Widget, action_name: str, index: int = 0) -> KioskButton:
    found = find_buttons(root, action_name)
    if len(found) <= index:
        raise LookupError(f"no button {action_name!r} number {index + 1} on screen")
    return found[index]


def flush_layout(root: Widget) -> None:
    """Lay the tree out now, parents first, so a tap lands where the button will be drawn."""
    for _ in range(2):
        for widget in root.walk(restrict=True):
            if isinstance(widget, Layout):
                widget.do_layout()
