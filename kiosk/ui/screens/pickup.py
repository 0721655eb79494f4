"""Locker pickup: type the door code from the SMS — or, when the kiosk offers it, the library
card number and its PIN — see which compartment opens, and be told to close the door.

The door code and the card number are shown while typed (to check them) but never spoken
aloud; the PIN is masked like the patron PIN on the identify screen. The card number waits
in this screen only until its PIN is entered, then both leave in one PickupCardEntered; every
keypad and the waiting number are wiped when the screen is left (the privacy tests walk the
widget tree). Which stage shows is the port's decision (PickupView.stage); this screen only
renders it and forwards what was typed.
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.presenters.intents import (
    Cancelled,
    Finished,
    PickupByCardChosen,
    PickupCardEntered,
    PickupCardTyped,
    PickupCodeEntered,
)
from kiosk.ui.presenters.text import N_, PICKUP_ERRORS, Texts
from kiosk.ui.presenters.views import PickupView
from kiosk.ui.screens.base import Send
from kiosk.ui.screens.keypad_screen import GuidedKeypadScreen
from kiosk.ui.widgets.base import FitLabel
from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.keypad import NumberPad

# stage -> (title, hint, the leave button); the keypad stages end in "Cancel", the rest "Done"
STAGES = {
    "code": (
        N_("Pick up a reservation"),
        N_("Type the door code from your SMS and press OK."),
        N_("Cancel"),
    ),
    "card": (
        N_("Show your library card"),
        N_("Hold the card under the reader, or type the card number and press OK."),
        N_("Cancel"),
    ),
    "pin": (
        N_("Enter your PIN"),
        N_("Cover the keypad with your hand. Then press OK."),
        N_("Cancel"),
    ),
    "checking": (N_("Pick up a reservation"), N_("Checking…"), N_("Cancel")),
    "opened": (
        N_("The door is open"),
        N_("Take your books and close the door firmly."),
        N_("Done"),
    ),
    "closed": (N_("Thank you!"), N_("The door is closed. Enjoy your reading."), N_("Done")),
}
ABANDONED = {"code", "card", "pin", "checking"}  # leaving these cancels; the others finish


class PickupScreen(GuidedKeypadScreen):
    def __init__(self, send: Send, announce=None, **kwargs: object) -> None:
        super().__init__("pickup", send, **kwargs)
        guide = BoxLayout(orientation="vertical", spacing=16)
        self.title = FitLabel(role="title", lines=1, bold=True)
        self.compartment = FitLabel(role="display", lines=1, bold=True, halign="center")
        self.hint = FitLabel(role="heading", lines=2)
        self.error = FitLabel(role="body", lines=2, colour="bad", bold=True)
        self.by_card = KioskButton(role="secondary")
        self.by_card.action_name = "pickup:card"
        self.by_card.bind(on_release=lambda *_: self.send(PickupByCardChosen()))
        self.leave = KioskButton(role="secondary")
        self.leave.action_name = "cancel"
        self.leave.bind(on_release=lambda *_: self._leave_pressed())
        for widget in (self.title, self.hint, self.error):
            guide.add_widget(widget)
        guide.add_widget(self.leave)
        self.pad = NumberPad(
            masked=False,
            speak_digits=False,
            max_length=8,
            on_submit=lambda code: self.send(PickupCodeEntered(code)),
            on_key=announce,
        )
        self.card_pad = NumberPad(
            masked=False,
            speak_digits=False,
            max_length=14,
            on_submit=self._card_typed,
            on_key=announce,
        )
        self.pin_pad = NumberPad(
            masked=True, max_length=6, on_submit=self._pin_typed, on_key=announce
        )
        self._card = ""  # the typed card number, until its PIN is entered
        # the compartment's number only takes room on the guide once a door is open
        self.detachable = [self.pad, self.card_pad, self.pin_pad, self.by_card, self.compartment]
        self._lay_out(guide)

    @property
    def card_waiting(self) -> bool:
        """A card number is held for its PIN (the privacy tests check it is gone)."""
        return bool(self._card)

    def _card_typed(self, card: str) -> None:
        self._card = card
        self.send(PickupCardTyped())

    def _pin_typed(self, pin: str) -> None:
        card, self._card = self._card, ""
        self.send(PickupCardEntered(card, pin) if card else PickupByCardChosen())

    def _leave_pressed(self) -> None:
        view = self.view
        stage = view.stage if isinstance(view, PickupView) else "code"
        self.send(Cancelled() if stage in ABANDONED else Finished())

    def render(self, view: PickupView, tr: Texts) -> None:  # type: ignore[override]
        self.view = view
        title, hint, leave = STAGES.get(view.stage, STAGES["closed"])
        self.title.text = tr.gettext(title)
        self.hint.text = tr.gettext(hint)
        self.leave.text = tr.gettext(leave)
        self.by_card.text = tr.gettext("Use my library card instead")
        message = PICKUP_ERRORS.get(view.error)
        self.error.text = "! " + tr.gettext(message) if message else ""
        opened = view.stage == "opened"
        self.compartment.text = (
            tr.gettext("Compartment %(number)s") % {"number": view.compartment} if opened else ""
        )
        if view.stage != "pin":
            self._card = ""  # the number only ever waits for its own PIN
        self._show_keypad(view.stage, tr)
        self._show_in_guide(self.compartment, opened, below_title=True)
        self._show_in_guide(self.by_card, view.stage == "code" and view.card_offered)

    def _show_keypad(self, stage: str, tr: Texts) -> None:
        wanted = {"code": self.pad, "card": self.card_pad, "pin": self.pin_pad}.get(stage)
        for keypad in (self.pad, self.card_pad, self.pin_pad):
            keypad.set_labels(tr.gettext("Clear"), tr.gettext("Delete"), tr.gettext("OK"))
            if keypad is not wanted and keypad.parent is not None:
                keypad.clear()
                self.pads.remove_widget(keypad)
        if wanted is not None and wanted.parent is None:
            self.pads.add_widget(wanted)

    def _show_in_guide(self, widget, shown: bool, below_title: bool = False) -> None:
        """Attach or detach a part of the guide: right under the title, or above Cancel."""
        if shown and widget.parent is None:
            below = len(self.guide.children) - 1 if below_title else 1
            self.guide.add_widget(widget, index=below)
        elif not shown and widget.parent is not None:
            self.guide.remove_widget(widget)

    def forget(self) -> None:
        super().forget()
        for keypad in (self.pad, self.card_pad, self.pin_pad):
            keypad.clear()
        self._card = ""
        self.compartment.text = ""
        self.error.text = ""
