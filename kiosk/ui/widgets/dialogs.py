"""Dialogs over any screen: the idle-timeout warning and the e-mail entry.

Both are ModalViews built once and reopened. The timeout warning always opens on top of
whatever is showing (another dialog included), counts down in words ("ends in 12 seconds",
not just a number) and is dismissed by any touch or by its "Extend my time" button; it never
needs a gesture, only one tap (EN 301 549 5.1.x: no time-critical gestures).
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView

from kiosk.ui.theme import Theme
from kiosk.ui.widgets.base import FitLabel, Panel
from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.keyboard import OnScreenKeyboard


class ThemedModal(ModalView):
    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("auto_dismiss", False)
        super().__init__(**kwargs)

    def apply_theme(self, theme: Theme) -> None:
        # The dim covers the screen; the dialog's own Panel paints the box (rounded).
        self.overlay_color = theme.palette.overlay
        self.background_color = (0, 0, 0, 0)


class TimeoutDialog(ThemedModal):
    def __init__(self, on_extend: Callable[[], None], **kwargs: object) -> None:
        super().__init__(size_hint=(0.86, None), **kwargs)
        self._on_extend = on_extend
        body = Panel(fill="surface", radius=22, orientation="vertical", padding=40, spacing=24)
        self.title = FitLabel(role="title", lines=2, halign="center")
        self.countdown = FitLabel(role="heading", lines=2, halign="center")
        self.extend = KioskButton(role="primary")
        self.extend.action_name = "extend"
        self.extend.bind(on_release=lambda *_: self._on_extend())
        for widget in (self.title, self.countdown, self.extend):
            body.add_widget(widget)
        self.body = body
        self.add_widget(body)

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.height = theme.font("title") * 2.7 + theme.font("heading") * 2.7
        self.height += theme.button_height + 150

    def on_touch_down(self, touch: object) -> bool:
        # Any touch on the warning counts as "I am still here".
        if not super().on_touch_down(touch):
            self._on_extend()
        return True


class EmailDialog(ThemedModal):
    def __init__(
        self, on_send: Callable[[str], None], on_cancel: Callable[[], None], **kwargs: object
    ) -> None:
        super().__init__(size_hint=(0.96, None), **kwargs)
        self._theme = Theme()
        body = Panel(fill="surface", radius=22, orientation="vertical", padding=28, spacing=18)
        self.prompt = FitLabel(role="heading", lines=2)
        field = Panel(fill="background", radius=12, size_hint_y=None, height=96, padding=(20, 6))
        self.address = FitLabel(role="heading")
        field.add_widget(self.address)
        self.field = field
        self.keyboard = OnScreenKeyboard(on_text=self._typed)
        actions = BoxLayout(orientation="horizontal", spacing=20, size_hint_y=None)
        self.cancel = KioskButton(role="secondary")
        self.cancel.action_name = "email:cancel"
        self.send = KioskButton(role="primary")
        self.send.action_name = "email:send"
        self.cancel.bind(on_release=lambda *_: on_cancel())
        self.send.bind(on_release=lambda *_: on_send(self.keyboard.text))
        actions.add_widget(self.cancel)
        actions.add_widget(self.send)
        self.actions = actions
        for widget in (self.prompt, field, self.keyboard, actions):
            body.add_widget(widget)
        self.add_widget(body)

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self._theme = theme
        self.actions.height = theme.button_height
        self.field.height = theme.font("heading") * 2.2

    def fit(self, window_height: float) -> None:
        """Keys as tall as the window allows (landscape is short), never under 15 mm."""
        theme = self._theme
        fixed = theme.font("heading") * 1.32 * 2 + 8 + self.field.height + theme.button_height
        fixed += 2 * 28 + 3 * 18
        keyboard_gaps = 5 * 10
        room = window_height * 0.96 - fixed - keyboard_gaps
        row = max(theme.min_target, min(96.0, room / 6))
        self.keyboard.set_row_height(row)
        self.height = fixed + self.keyboard.height

    def _typed(self, text: str) -> None:
        self.address.text = text

    def reset(self) -> None:
        self.keyboard.reset()
