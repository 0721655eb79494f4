"""Locker pickup: type the door code from the SMS, see which compartment opens, and be told
to close the door. The code is shown while typed (to check it) but never spoken aloud.
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.presenters.intents import Cancelled, Finished, PickupCodeEntered
from kiosk.ui.presenters.text import PICKUP_ERRORS, Texts
from kiosk.ui.presenters.views import PickupView
from kiosk.ui.screens.base import Send
from kiosk.ui.screens.keypad_screen import GuidedKeypadScreen
from kiosk.ui.widgets.base import FitLabel
from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.keypad import NumberPad


class PickupScreen(GuidedKeypadScreen):
    def __init__(self, send: Send, announce=None, **kwargs: object) -> None:
        super().__init__("pickup", send, **kwargs)
        guide = BoxLayout(orientation="vertical", spacing=16)
        self.title = FitLabel(role="title", lines=1, bold=True)
        self.compartment = FitLabel(role="display", lines=1, bold=True, halign="center")
        self.hint = FitLabel(role="heading", lines=2)
        self.error = FitLabel(role="body", lines=2, colour="bad", bold=True)
        self.leave = KioskButton(role="secondary")
        self.leave.action_name = "cancel"
        self.leave.bind(on_release=lambda *_: self._leave_pressed())
        for widget in (self.title, self.compartment, self.hint, self.error):
            guide.add_widget(widget)
        guide.add_widget(self.leave)
        self.pad = NumberPad(
            masked=False,
            speak_digits=False,
            max_length=8,
            on_submit=lambda code: self.send(PickupCodeEntered(code)),
            on_key=announce,
        )
        self.detachable = [self.pad]
        self._lay_out(guide)

    def _leave_pressed(self) -> None:
        view = self.view
        self.send(
            Finished() if isinstance(view, PickupView) and view.stage != "code" else Cancelled()
        )

    def render(self, view: PickupView, tr: Texts) -> None:  # type: ignore[override]
        self.view = view
        self.pad.set_labels(tr.gettext("Clear"), tr.gettext("Delete"), tr.gettext("OK"))
        message = PICKUP_ERRORS.get(view.error)
        self.error.text = "! " + tr.gettext(message) if message else ""
        typing = view.stage == "code"
        if typing and self.pad.parent is None:
            self.pads.add_widget(self.pad)
        if not typing and self.pad.parent is not None:
            self.pad.clear()
            self.pads.remove_widget(self.pad)
        if typing:
            self.title.text = tr.gettext("Pick up a reservation")
            self.compartment.text = ""
            self.hint.text = tr.gettext("Type the door code from your SMS and press OK.")
            self.leave.text = tr.gettext("Cancel")
        elif view.stage == "opened":
            self.title.text = tr.gettext("The door is open")
            self.compartment.text = tr.gettext("Compartment %(number)s") % {
                "number": view.compartment
            }
            self.hint.text = tr.gettext("Take your books and close the door firmly.")
            self.leave.text = tr.gettext("Done")
        else:
            self.title.text = tr.gettext("Thank you!")
            self.compartment.text = ""
            self.hint.text = tr.gettext("The door is closed. Enjoy your reading.")
            self.leave.text = tr.gettext("Done")

    def forget(self) -> None:
        super().forget()
        self.pad.clear()
        self.compartment.text = ""
        self.error.text = ""
