"""Borrow and Return: items appear as the pad reads them, each with its title, due date or
sort instruction, and a status word with the reason when refused; sets wait for their parts.

The list is a RowList pool; the screen never decides an item's fate, it shows the line the
core reports. Done hands over to the receipt choice.
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.presenters.intents import AccountOpened, Finished
from kiosk.ui.presenters.rooms import RoomsOpened
from kiosk.ui.presenters.text import Texts, item_row, items_count, more_items
from kiosk.ui.presenters.views import CirculationView
from kiosk.ui.screens.base import KioskScreen, Send, data_label, flipping
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.base import FitLabel
from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.rows import RowList


class CirculationScreen(KioskScreen):
    def __init__(self, send: Send, **kwargs: object) -> None:
        super().__init__("circulation", send, **kwargs)
        self.title = FitLabel(role="title", lines=1, bold=True)
        self.greeting = data_label(role="body", lines=1, colour="muted")
        self.hint = FitLabel(role="body", lines=3)
        self.count = FitLabel(role="heading", lines=1, bold=True)
        self.rows = RowList(size=5, on_action=lambda _key: None)
        actions = BoxLayout(orientation="horizontal", spacing=24, size_hint_y=None)
        self.account = KioskButton(role="secondary", fixed_height=False)
        self.account.action_name = "account"
        self.account.bind(on_release=lambda *_: self.send(AccountOpened()))
        self.done = KioskButton(role="primary", fixed_height=False)
        self.done.action_name = "done"
        self.done.bind(on_release=lambda *_: self.send(Finished()))
        self.rooms = KioskButton(role="secondary", fixed_height=False)
        self.rooms.action_name = "rooms"
        self.rooms.bind(on_release=lambda *_: self.send(RoomsOpened()))
        self.detachable = [self.rooms]
        actions.add_widget(self.account)
        actions.add_widget(self.done)
        self.actions = actions
        self.info = BoxLayout(orientation="vertical", spacing=16)
        for widget in (self.title, self.greeting, self.hint, self.count):
            self.info.add_widget(widget)
        self.info.bind(minimum_height=self._size_info)
        self.gap = BoxLayout()
        self.list_box = BoxLayout(orientation="vertical")
        self.list_box.add_widget(self.rows)
        self.list_box.add_widget(BoxLayout())
        self.columns = flipping(spacing=36)
        self.columns.add_widget(self.info)
        self.columns.add_widget(self.list_box)
        self.root_panel.add_widget(self.columns)
        self.root_panel.add_widget(actions)

    def set_orientation(self, portrait: bool) -> None:
        """Portrait: texts, list, buttons stacked. Landscape: texts and buttons on the left."""
        super().set_orientation(portrait)
        for widget in (self.actions, self.gap):
            if widget.parent is not None:
                widget.parent.remove_widget(widget)
        if portrait:
            self.list_box.size_hint_x = 1
            self.root_panel.add_widget(self.actions)
        else:
            self.list_box.size_hint_x = 0.62
            self.info.add_widget(self.gap)
            self.info.add_widget(self.actions)
        self._size_info()

    def _size_info(self, *_: object) -> None:
        if self.portrait:
            self.info.size_hint = (1, None)
            self.info.height = self.info.minimum_height
        else:
            self.info.size_hint = (0.38, 1)

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.actions.height = theme.button_height
        self.rows.apply_theme(theme)

    def render(self, view: CirculationView, tr: Texts) -> None:  # type: ignore[override]
        self.view = view
        borrowing = view.mode == "borrow"
        self.title.text = tr.gettext("Borrowing") if borrowing else tr.gettext("Returning")
        self.greeting.text = (
            tr.gettext("Hello, %(name)s") % {"name": view.patron_name} if view.patron_name else ""
        )
        self.hint.text = tr.gettext(
            "Put your books on the pad, one stack at a time. They appear here as they are read."
        )
        self.count.text = items_count(len(view.lines), tr)
        self.rows.show(
            [(item_row(line, tr), None) for line in reversed(view.lines)],
            more_text=lambda n: more_items(n, tr),
            empty_text=tr.gettext("Nothing read yet."),
            limit=(3 if self.theme.large_text else 5)
            if self.portrait
            else (3 if self.theme.large_text else 4),
        )
        self.account.text = tr.gettext("My account")
        self.account.opacity = 1 if borrowing else 0
        self.account.disabled = not borrowing
        self.rooms.text = tr.gettext("Rooms")
        offer = borrowing and view.offers_rooms
        if offer and self.rooms.parent is None:
            self.actions.add_widget(self.rooms, index=1)
        elif not offer and self.rooms.parent is not None:
            self.actions.remove_widget(self.rooms)
        self.done.text = tr.gettext("Done")

    def forget(self) -> None:
        super().forget()
        self.rows.clear()
