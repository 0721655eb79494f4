"""The help row at the foot of every patron screen: "Call a librarian" (when [help] is
configured) and, while speech is on, the voice's own buttons ("Quieter", "Louder", "Say it
again": EN 301 549 5.1.3.4 and 5.1.3.11 on the glass as well as on the hardware keypad).

``HelpRow`` is the row (one per screen: a widget has one parent), ``HelpDialog`` what the
patron sees after the tap (called, already called, called a moment ago, nobody reachable),
with a QR code for the library's online chat when one is configured, and ``QrCode`` draws a
code from its module matrix. The glue to the app and the help desk is kiosk/ui/help_buttons.py.
"""

from __future__ import annotations

from collections.abc import Callable

import qrcode
from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.ui.presenters.text import N_, Texts
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.base import FitLabel, Panel
from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.dialogs import ThemedModal

CALL = N_("Call a librarian")
VOICE_BUTTONS = {
    "voice:quieter": N_("Quieter"),
    "voice:louder": N_("Louder"),
    "voice:repeat": N_("Say it again"),
}
# (title, detail) for each way a call ends: kiosk.core.help.CallResult values.
OUTCOMES = {
    "calling": (N_("Calling a librarian…"), N_("Please wait a moment.")),
    "called": (
        N_("A librarian has been called"),
        N_("Someone from the library will come to this kiosk. Please wait here."),
    ),
    "already_called": (
        N_("A librarian has been called"),
        N_("Someone from the library will come to this kiosk. Please wait here."),
    ),
    "rate_limited": (
        N_("A librarian was called a few minutes ago"),
        N_("If no one has come yet, please ask at the library desk."),
    ),
    "failed": (
        N_("Sorry, no librarian could be reached"),
        N_("Please ask at the library desk."),
    ),
}
CHAT = N_("Or chat with the library online: scan this code with your phone.")
CLOSE = N_("Close")


class HelpRow(BoxLayout):
    """One row of buttons; ``on_action`` gets the button's action name. Under a screen's
    content (portrait) or, ``in_footer``, beside the accessibility switches in the shell's
    footer (landscape, where a screen has no height to spare)."""

    def __init__(
        self, on_action: Callable[[str], None], in_footer: bool = False, **kwargs: object
    ) -> None:
        padding = (0, 0, 0, 0) if in_footer else (36, 0, 36, 0)
        super().__init__(orientation="horizontal", spacing=14, padding=padding, **kwargs)
        self.in_footer = in_footer
        if not in_footer:
            self.size_hint_y = None
        role = "quiet" if in_footer else "secondary"
        self.call = self._button("help:call", on_action, role)
        self.voice = {name: self._button(name, on_action, role) for name in VOICE_BUTTONS}
        self._theme = Theme()

    @staticmethod
    def _button(name: str, on_action: Callable[[str], None], role: str) -> KioskButton:
        button = KioskButton(role=role, fixed_height=False)
        button.role = "small"
        button.action_name = name
        button.bind(on_release=lambda *_: on_action(name))
        return button

    def show(self, tr: Texts, can_call: bool, speech_on: bool) -> None:
        """Which buttons, in the screen's language; an empty row takes no room."""
        wanted = ([self.call] if can_call else []) + (
            list(self.voice.values()) if speech_on else []
        )
        if [*reversed(self.children)] != wanted:
            self.clear_widgets()
            for button in wanted:
                self.add_widget(button)
        self.call.text = tr.gettext(CALL)
        for name, button in self.voice.items():
            button.text = tr.gettext(VOICE_BUTTONS[name])
        self.opacity = 1 if wanted else 0
        self.size_hint_x = max(1, len(wanted)) if self.in_footer else 1
        self._size()

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        self._size()

    def _size(self) -> None:
        if not self.in_footer:
            self.height = self._theme.min_target if self.children else 0


class QrCode(Widget):
    """A QR code drawn as dark modules on a light quiet zone (always dark on light: phone
    cameras read that way, whatever the palette)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(size_hint=(None, None), **kwargs)
        self.payload = ""
        self._matrix: list[list[bool]] = []
        self.bind(pos=self._draw, size=self._draw)

    def show(self, payload: str) -> None:
        if payload != self.payload:
            self.payload = payload
            code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
            code.add_data(payload)
            code.make(fit=True)
            self._matrix = code.get_matrix()
        self._draw()

    def _draw(self, *_: object) -> None:
        self.canvas.clear()
        if not self._matrix:
            return
        count = len(self._matrix)
        module = min(self.width, self.height) / count
        x0, y0 = self.x, self.top - module * count
        with self.canvas:
            Color(1, 1, 1, 1)
            Rectangle(pos=(x0, y0), size=(module * count, module * count))
            Color(0, 0, 0, 1)
            for row, cells in enumerate(self._matrix):
                for column, dark in enumerate(cells):
                    if dark:
                        y = self.top - (row + 1) * module
                        Rectangle(pos=(x0 + column * module, y), size=(module, module))


class HelpDialog(ThemedModal):
    def __init__(self, on_close: Callable[[], None], **kwargs: object) -> None:
        super().__init__(size_hint=(0.86, None), **kwargs)
        body = Panel(fill="surface", radius=22, orientation="vertical", padding=40, spacing=20)
        self.title = FitLabel(role="title", lines=2, halign="center")
        self.detail = FitLabel(role="body", lines=3, halign="center")
        self.chat = FitLabel(role="body", lines=2, halign="center")
        self.qr_box = BoxLayout(size_hint_y=None)
        self.qr = QrCode()
        self.qr_box.add_widget(Widget())
        self.qr_box.add_widget(self.qr)
        self.qr_box.add_widget(Widget())
        self.close = KioskButton(role="primary")
        self.close.action_name = "help:close"
        self.close.bind(on_release=lambda *_: on_close())
        self.body = body
        self._theme = Theme()
        self._with_chat = False
        self.add_widget(body)
        self._lay_out()

    def show(self, outcome: str, tr: Texts, chat_url: str = "") -> None:
        title, detail = OUTCOMES[outcome]
        self.title.text = tr.gettext(title)
        self.detail.text = tr.gettext(detail)
        self.close.text = tr.gettext(CLOSE)
        self._with_chat = bool(chat_url) and outcome != "calling"
        self.chat.text = tr.gettext(CHAT) if self._with_chat else ""
        if self._with_chat:
            self.qr.show(chat_url)
        self.close.disabled = outcome == "calling"
        self._lay_out()

    def spoken(self) -> str:
        return "\n".join(t for t in (self.title.text, self.detail.text, self.chat.text) if t)

    def _lay_out(self) -> None:
        self.body.clear_widgets()
        parts: list[Widget] = [self.title, self.detail]
        if self._with_chat:
            parts += [self.chat, self.qr_box]
        for widget in [*parts, self.close]:
            self.body.add_widget(widget)
        self._size()

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self._theme = theme
        self._size()

    def _size(self) -> None:
        theme = self._theme
        side = theme.mm(45)  # about 170 px at 96 dpi: a phone reads it from arm's length
        self.qr.size = (side, side)
        self.qr_box.height = side
        height = theme.font("title") * 1.32 * 2 + theme.font("body") * 1.32 * 3 + 16
        height += theme.button_height + 80 + 2 * 20
        if self._with_chat:
            height += theme.font("body") * 1.32 * 2 + 8 + side + 2 * 20
        self.height = height
