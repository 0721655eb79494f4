"""Identify: show the card (or type its number), then the PIN on a large masked keypad.

Errors are plain words with a marker, not a code and not colour alone. The typed PIN leaves
this screen only inside a PinEntered intent; the keypads are cleared when the screen is left.
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.presenters.intents import Cancelled, CardPresented, PinEntered
from kiosk.ui.presenters.text import IDENTIFY_ERRORS, Texts
from kiosk.ui.presenters.views import IdentifyView
from kiosk.ui.screens.base import Send
from kiosk.ui.screens.keypad_screen import GuidedKeypadScreen
from kiosk.ui.widgets.base import FitLabel
from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.keypad import NumberPad


class IdentifyScreen(GuidedKeypadScreen):
    def __init__(self, send: Send, announce=None, **kwargs: object) -> None:
        super().__init__("identify", send, **kwargs)
        guide = BoxLayout(orientation="vertical", spacing=20)
        self.title = FitLabel(role="title", lines=2, bold=True)
        self.hint = FitLabel(role="body", lines=2, colour="muted")
        self.error = FitLabel(role="body", lines=2, colour="bad", bold=True)
        self.cancel = KioskButton(role="secondary")
        self.cancel.action_name = "cancel"
        self.cancel.bind(on_release=lambda *_: self.send(Cancelled()))
        for widget in (self.title, self.hint, self.error):
            guide.add_widget(widget)
        guide.add_widget(self.cancel)
        self.card_pad = NumberPad(
            masked=False, max_length=14, on_submit=lambda card: self.send(CardPresented(card))
        )
        self.pin_pad = NumberPad(
            masked=True,
            max_length=6,
            on_submit=lambda pin: self.send(PinEntered(pin)),
            on_key=announce,
        )
        self.detachable = [self.card_pad, self.pin_pad]
        self._lay_out(guide)

    def render(self, view: IdentifyView, tr: Texts) -> None:  # type: ignore[override]
        self.view = view
        staff = view.purpose == "staff"
        if view.card_seen:
            self.title.text = (
                tr.gettext("Enter the staff PIN") if staff else tr.gettext("Enter your PIN")
            )
            self.hint.text = tr.gettext("Cover the keypad with your hand. Then press OK.")
            pad, other = self.pin_pad, self.card_pad
        else:
            self.title.text = (
                tr.gettext("Staff sign-in") if staff else tr.gettext("Show your library card")
            )
            self.hint.text = tr.gettext(
                "Hold the card under the reader, or type the card number and press OK."
            )
            pad, other = self.card_pad, self.pin_pad
        message = IDENTIFY_ERRORS.get(view.error) or view.message
        parts = [tr.gettext(text) for text in (message, view.where) if text]
        self.error.text = "! " + " ".join(parts) if parts else ""
        self.cancel.text = tr.gettext("Cancel")
        for keypad in (self.card_pad, self.pin_pad):
            keypad.set_labels(tr.gettext("Clear"), tr.gettext("Delete"), tr.gettext("OK"))
        if other.parent is not None:
            other.clear()
            self.pads.remove_widget(other)
        if pad.parent is None:
            self.pads.add_widget(pad)

    def forget(self) -> None:
        super().forget()
        self.card_pad.clear()
        self.pin_pad.clear()
        self.error.text = ""
