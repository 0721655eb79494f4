"""Staff: today's reader applications made at this kiosk and their state.

Nothing personal is on this screen: each line is the time, the application number (or a
short masked reference while it waits to be sent) and the state in words
(presenters/registration.py). The list comes from the registration queue's staff face through
the registration flow; Back returns to the staff screen.
"""

from __future__ import annotations

from kiosk.ui.presenters.registration import (
    RegistrationBack,
    RegistrationStaffView,
    staff_line_words,
)
from kiosk.ui.presenters.text import Texts, more_items
from kiosk.ui.screens.base import KioskScreen, Send, data_label
from kiosk.ui.screens.rooms import action_bar, button
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.base import FitLabel

SHOWN = 14


class StaffRegistrationsScreen(KioskScreen):
    def __init__(self, send: Send, **kwargs: object) -> None:
        super().__init__("registration_staff", send, **kwargs)
        self.root_panel.spacing = 16
        self.title = FitLabel(role="title", lines=1, bold=True)
        self.counts = FitLabel(role="body", lines=1, colour="muted")
        self.lines = data_label(role="body", valign="top")
        self.lines.font_name = "RobotoMono-Regular"
        self.back = button("registrations:back", send, RegistrationBack())
        self.actions = action_bar(self.back)
        for widget in (self.title, self.counts, self.lines, self.actions):
            self.root_panel.add_widget(widget)

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.actions.height = theme.button_height

    def render(self, view: RegistrationStaffView, tr: Texts) -> None:  # type: ignore[override]
        self.view = view
        self.title.text = tr.gettext("Reader applications today")
        self.back.text = tr.gettext("Back")
        if view.failed:
            self.counts.text = tr.gettext("The list of applications cannot be read.")
        elif not view.lines:
            self.counts.text = tr.gettext("No applications today.")
        else:
            waiting = sum(1 for line in view.lines if line.state == "pending")
            self.counts.text = tr.ngettext(
                "%(count)d application, %(waiting)d waiting to be sent",
                "%(count)d applications, %(waiting)d waiting to be sent",
                len(view.lines),
            ) % {"count": len(view.lines), "waiting": waiting}
        room = SHOWN // 2 if self.theme.large_text else SHOWN  # the newest that fit
        shown = [staff_line_words(line, tr) for line in view.lines[-room:]]
        hidden = len(view.lines) - len(shown)
        if hidden > 0:
            shown.insert(0, more_items(hidden, tr))
        self.lines.text = "\n".join(shown)
