"""The end of a visit: the receipt choice (print, e-mail, none) and the goodbye.

The e-mail address is typed on the Lithuanian on-screen keyboard in a dialog owned by this
screen; it leaves only inside a ReceiptChosen intent and the dialog is wiped when closed.
The goodbye returns to the attract screen by itself after ``goodbye_s`` (or at a tap).
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.ui.presenters.intents import Finished, ReceiptChosen
from kiosk.ui.presenters.text import Texts, offline_note, session_summary
from kiosk.ui.presenters.views import GoodbyeView, ReceiptView
from kiosk.ui.screens.base import KioskScreen, Send, flipping
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.base import FitLabel, restyle
from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.dialogs import EmailDialog


class ReceiptScreen(KioskScreen):
    def __init__(
        self, send: Send, read_aloud: Callable[[str], None] = lambda _text: None, **kwargs: object
    ) -> None:
        super().__init__("receipt", send, **kwargs)
        self.read_aloud = read_aloud
        self.title = FitLabel(role="title", lines=1, bold=True)
        self.summary = FitLabel(role="heading", lines=2)
        self.printer_note = FitLabel(role="body", lines=2, colour="bad")
        self.print = KioskButton(role="primary")
        self.print.action_name = "receipt:print"
        self.print.bind(on_release=lambda *_: self.send(ReceiptChosen("print")))
        self.email = KioskButton(role="secondary")
        self.email.action_name = "receipt:email"
        self.email.bind(on_release=lambda *_: self.open_email())
        self.none = KioskButton(role="secondary")
        self.none.action_name = "receipt:none"
        self.none.bind(on_release=lambda *_: self.send(ReceiptChosen("none")))
        self.read = KioskButton(role="secondary")
        self.read.action_name = "receipt:read"
        self.read.bind(on_release=lambda *_: self._read())
        self.dialog = EmailDialog(on_send=self._send_email, on_cancel=self.close_email)
        self.detachable = [self.dialog]
        column = BoxLayout(orientation="vertical", spacing=14, size_hint=(0.8, None))
        column.pos_hint = {"center_x": 0.5}
        for widget in (self.title, self.summary, self.printer_note):
            column.add_widget(widget)
        self.choices = flipping(spacing=22, size_hint_y=None)
        for widget in (self.print, self.email, self.none):
            widget.fixed_height = False
            self.choices.add_widget(widget)
        column.add_widget(self.choices)
        column.add_widget(self.read)
        self.column = column
        column.bind(minimum_height=column.setter("height"))
        self.root_panel.spacing = 0
        self.root_panel.add_widget(BoxLayout())
        self.root_panel.add_widget(column)
        self.root_panel.add_widget(BoxLayout())
        self._texts: Texts | None = None

    def render(self, view: ReceiptView, tr: Texts) -> None:  # type: ignore[override]
        self.view = view
        self._texts = tr
        self.title.text = tr.gettext("Would you like a receipt?")
        self.summary.text = session_summary(view.borrowed, view.returned, view.renewed, tr)
        self.printer_note.text = (
            "" if view.printer_ready else tr.gettext("The printer is not working right now.")
        )
        self._show(self.printer_note, not view.printer_ready)
        self.print.text = tr.gettext("Print a receipt")
        self.print.disabled = not view.printer_ready
        self.email.text = tr.gettext("Send it by e-mail")
        self.none.text = tr.gettext("No receipt, thank you")
        self.read.text = tr.gettext("Read the receipt aloud")
        self._show(self.read, bool(view.spoken_receipt), at_end=True)
        self.dialog.prompt.text = tr.gettext("Type your e-mail address")
        self.dialog.keyboard.set_labels(tr.gettext("Delete"), tr.gettext("Clear"))
        self.dialog.cancel.text = tr.gettext("Cancel")
        self.dialog.send.text = tr.gettext("Send")

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        restyle(self.dialog, theme)
        self._size_choices()

    def set_orientation(self, portrait: bool) -> None:
        """The three choices stack in portrait and stand side by side in landscape."""
        super().set_orientation(portrait)
        self._size_choices()

    def _size_choices(self) -> None:
        height = self.theme.button_height
        self.choices.height = height * 3 + 44 if self.portrait else height

    def _show(self, widget: Widget, shown: bool, at_end: bool = False) -> None:
        """The printer note and the read-aloud button take room only when they have a use
        (landscape with large text has none to spare): the note goes under the summary, the
        button under the choices."""
        if shown and widget.parent is None:
            self.column.add_widget(widget, index=0 if at_end else len(self.column.children) - 2)
        elif not shown and widget.parent is not None:
            self.column.remove_widget(widget)

    def _read(self) -> None:
        if isinstance(self.view, ReceiptView) and self.view.spoken_receipt:
            self.read_aloud(self.view.spoken_receipt)

    def open_email(self) -> None:
        from kivy.core.window import Window

        self.dialog.reset()
        self.dialog.fit(Window.height)
        self.dialog.open(animation=False)

    def close_email(self) -> None:
        self.dialog.reset()
        self.dialog.dismiss(animation=False)

    def _send_email(self, address: str) -> None:
        self.close_email()
        self.send(ReceiptChosen("email", address))

    def forget(self) -> None:
        super().forget()
        self.close_email()


class GoodbyeScreen(KioskScreen):
    def __init__(self, send: Send, linger_s: float = 8.0, **kwargs: object) -> None:
        super().__init__("goodbye", send, **kwargs)
        self.linger_s = linger_s
        self._leave = None
        self.title = FitLabel(role="display", lines=1, bold=True, halign="center")
        self.summary = FitLabel(role="heading", lines=2, halign="center")
        self.receipt = FitLabel(role="body", lines=2, halign="center")
        self.reminder = FitLabel(role="body", lines=2, halign="center", colour="muted")
        # with the library system offline: recorded on the kiosk, and what could not be done
        self.offline = FitLabel(role="body", lines=4, halign="center")
        self.offline.patron_data = True  # the titles of one patron's visit
        self.detachable += [self.offline, self.reminder]
        self.finish = KioskButton(role="secondary")
        self.finish.action_name = "finish"
        self.finish.bind(on_release=lambda *_: self.send(Finished()))
        self.root_panel.spacing = 8
        self.root_panel.add_widget(BoxLayout())
        for widget in (self.title, self.summary, self.receipt, self.reminder, self.finish):
            self.root_panel.add_widget(widget)
        self.root_panel.add_widget(BoxLayout())

    def render(self, view: GoodbyeView, tr: Texts) -> None:  # type: ignore[override]
        self.view = view
        self.title.text = tr.gettext("Thank you. Goodbye!")
        self.summary.text = session_summary(view.borrowed, view.returned, view.renewed, tr)
        notes = {
            "print": tr.gettext("Take your receipt from the printer."),
            "email": tr.gettext("Your receipt is on its way to your e-mail."),
        }
        self.receipt.text = notes.get(view.receipt, "")
        self.reminder.text = tr.gettext("Do not forget your card and your books.")
        self.finish.text = tr.gettext("Finish now")
        self.offline.text = offline_note(view.offline_kept, view.not_offline, tr)
        self._place_offline()

    def set_orientation(self, portrait: bool) -> None:
        super().set_orientation(portrait)
        self._place_offline()

    def _place_offline(self) -> None:
        """The offline note takes room only when it has something to say. Portrait has room
        for it in body text; landscape (large text above all) has none to spare, so there it
        is small and takes the place of the "do not forget" reminder."""
        shown = bool(self.offline.text)
        self.offline.role, self.offline.lines = ("body", 4) if self.portrait else ("small", 2)
        self.offline.apply_theme(self.theme)
        for widget in (self.offline, self.reminder):
            if widget.parent is not None:
                self.root_panel.remove_widget(widget)
        at = self.root_panel.children.index(self.finish) + 1
        if shown:
            self.root_panel.add_widget(self.offline, index=at)
        if not shown or self.portrait:
            self.root_panel.add_widget(self.reminder, index=at)

    def on_enter(self, *_: object) -> None:
        self._leave = Clock.schedule_once(lambda _dt: self.send(Finished()), self.linger_s)

    def on_leave(self, *_: object) -> None:
        if self._leave is not None:
            self._leave.cancel()
            self._leave = None
