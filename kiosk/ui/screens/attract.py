"""The attract/idle screen: the library's name, opening hours, a message, a rotating strip of
new books, and one clear call: tap or show your card. Return and reservation pickup are
offered without a login where the library allows it.

Nothing here is personal, so it is the screen every session falls back to. The strip turns
one page every ``turn_s`` seconds ([ui] new_books_turn_s) through one scheduled callback: each
turn is the only frame the idle screen draws, so it sets the idle CPU (kiosk bench ui-idle).
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.presenters.intents import StartTapped
from kiosk.ui.presenters.text import Texts
from kiosk.ui.presenters.views import AttractView
from kiosk.ui.screens.base import KioskScreen, Send, flipping
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.base import FitLabel, Panel
from kiosk.ui.widgets.buttons import KioskButton

STRIP = 3


class AttractScreen(KioskScreen):
    def __init__(self, send: Send, turn_s: float = 20.0, **kwargs: object) -> None:
        super().__init__("attract", send, **kwargs)
        self.turn_s = turn_s
        self._page = 0
        self._rotation = None
        columns = flipping(spacing=36)
        info = BoxLayout(orientation="vertical", spacing=16)
        self.welcome = FitLabel(role="display", lines=1, bold=True)
        self.message = FitLabel(role="body", lines=2, colour="muted")
        hours = Panel(fill="surface", radius=16, orientation="vertical", padding=24, spacing=6)
        hours.size_hint_y = None
        self.hours_title = FitLabel(role="heading", lines=1, bold=True)
        self.hours = FitLabel(role="body", lines=3)
        hours.add_widget(self.hours_title)
        hours.add_widget(self.hours)
        self.hours_panel = hours
        hours.bind(minimum_height=hours.setter("height"))
        self.books_title = FitLabel(role="heading", lines=1, bold=True)
        self.strip = BoxLayout(orientation="horizontal", spacing=16, size_hint_y=None)
        self.cards: list[tuple[Panel, FitLabel, FitLabel]] = []
        for _ in range(STRIP):
            card = Panel(fill="surface", radius=14, orientation="vertical", padding=18, spacing=4)
            title = FitLabel(role="body", lines=2, bold=True)
            author = FitLabel(role="small", lines=1, colour="muted")
            card.add_widget(title)
            card.add_widget(author)
            self.cards.append((card, title, author))
            self.strip.add_widget(card)
        for widget in (self.welcome, self.message, hours, self.books_title, self.strip):
            info.add_widget(widget)
        info.add_widget(BoxLayout())
        actions = BoxLayout(orientation="vertical", spacing=22)
        # The one thing to do here: twice a normal button's height (set in apply_theme).
        self.start = KioskButton(role="primary", fixed_height=False, size_hint_y=None)
        self.start.role = "heading"
        self.start.action_name = "start"
        self.start.bind(on_release=lambda *_: self.send(StartTapped("patron")))
        self.show_card = FitLabel(role="body", lines=2, halign="center", colour="muted")
        self.return_button = KioskButton(role="secondary")
        self.return_button.action_name = "return"
        self.return_button.bind(on_release=lambda *_: self.send(StartTapped("return")))
        self.pickup_button = KioskButton(role="secondary")
        self.pickup_button.action_name = "pickup"
        self.pickup_button.bind(on_release=lambda *_: self.send(StartTapped("pickup")))
        self.rooms_button = KioskButton(role="secondary")
        self.rooms_button.action_name = "rooms"
        self.rooms_button.bind(on_release=lambda *_: self.send(StartTapped("rooms")))
        self.register_button = KioskButton(role="secondary")
        self.register_button.action_name = "register"
        self.register_button.bind(on_release=lambda *_: self.send(StartTapped("register")))
        for widget in (self.start, self.show_card, self.return_button, self.pickup_button):
            actions.add_widget(widget)
        # With rooms offered, pickup and "Book a room" share a row: no taller than before.
        self.shared_row = BoxLayout(orientation="horizontal", spacing=22, size_hint_y=None)
        self.return_row = BoxLayout(orientation="horizontal", spacing=22, size_hint_y=None)
        self.detachable = [self.rooms_button, self.shared_row, self.register_button,
                           self.return_row]  # fmt: skip
        columns.add_widget(info)
        columns.add_widget(actions)
        self.root_panel.add_widget(columns)
        self.info, self.actions = info, actions
        actions.bind(minimum_height=lambda *_: self._size_actions())

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.start.height = theme.button_height * (1.4 if theme.large_text else 1.8)
        self.shared_row.height = theme.button_height
        self.return_row.height = theme.button_height
        self.strip.height = theme.font("body") * 2.64 + theme.font("small") * 1.32 + 56
        self._place_strip(show=not theme.large_text)
        self._size_actions()

    def set_orientation(self, portrait: bool) -> None:
        super().set_orientation(portrait)
        self._size_actions()

    def _size_actions(self) -> None:
        if self.portrait:
            self.actions.size_hint = (1, None)
            self.actions.height = self.actions.minimum_height
        else:
            self.actions.size_hint = (0.4, 1)

    def render(self, view: AttractView, tr: Texts) -> None:  # type: ignore[override]
        self.view = view
        self.welcome.text = tr.gettext("Welcome!")
        hours, message = view.in_language(tr.language)  # the config's texts per language
        self.message.text = message or tr.gettext(
            "Borrow, return and renew books here by yourself."
        )
        self.hours_title.text = tr.gettext("Opening hours") if hours else ""
        self.hours.text = "\n".join(hours)
        self.hours_panel.opacity = 1 if hours else 0  # none configured: none shown
        self.books_title.text = tr.gettext("New books")
        self.start.text = tr.gettext("Tap here to start")
        self.show_card.text = tr.gettext("or show your library card to the reader")
        self.return_button.text = tr.gettext("Return books")
        self.pickup_button.text = tr.gettext("Pick up a reservation")
        self.return_button.opacity = 1 if view.offers_return else 0
        self.return_button.disabled = not view.offers_return
        self.pickup_button.opacity = 1 if view.offers_pickup else 0
        self.pickup_button.disabled = not view.offers_pickup
        self.rooms_button.text = tr.gettext("Book a room")
        self._place_rooms(view.offers_rooms)
        self.register_button.text = tr.gettext("Register as a new reader")
        self._place_register(view.offers_registration)
        self._show_page()

    def _place_rooms(self, offered: bool) -> None:
        if offered == (self.shared_row.parent is not None):
            return
        if offered:
            self.actions.remove_widget(self.pickup_button)
            for button in (self.pickup_button, self.rooms_button):
                button.fixed_height = False
                self.shared_row.add_widget(button)
            self.actions.add_widget(self.shared_row)
        else:
            self.actions.remove_widget(self.shared_row)
            self.shared_row.clear_widgets()
            self.pickup_button.fixed_height = True
            self.pickup_button.height = self.theme.button_height
            self.actions.add_widget(self.pickup_button)

    def _place_register(self, offered: bool) -> None:
        """Registration ([registration] configured) shares the row of "Return books"."""
        row = self.return_row
        if offered == (row.parent is not None):
            return
        present = row if row.parent is not None else self.return_button
        index = self.actions.children.index(present)
        self.actions.remove_widget(present)
        if offered:
            for button in (self.return_button, self.register_button):
                button.fixed_height = False
                row.add_widget(button)
            self.actions.add_widget(row, index=index)
        else:
            row.clear_widgets()
            self.return_button.fixed_height = True
            self.return_button.height = self.theme.button_height
            self.actions.add_widget(self.return_button, index=index)

    def _place_strip(self, show: bool) -> None:
        """Large text leaves no room for the new-books strip: the essentials come first."""
        for widget, index in ((self.books_title, 1), (self.strip, 1)):
            if show and widget.parent is None:
                self.info.add_widget(widget, index=index)
            elif not show and widget.parent is not None:
                self.info.remove_widget(widget)

    def _show_page(self) -> None:
        books = self.view.new_books if isinstance(self.view, AttractView) else ()
        self.books_title.opacity = 1 if books else 0
        for index, (card, title, author) in enumerate(self.cards):
            book = books[(self._page * STRIP + index) % len(books)] if books else None
            card.opacity = 1 if book and index < len(books) else 0
            title.text = book.title if book else ""
            author.text = book.author if book else ""

    def turn_page(self, *_: object) -> None:
        self._page += 1
        self._show_page()

    def on_enter(self, *_: object) -> None:
        if self._rotation is None:
            self._rotation = Clock.schedule_interval(self.turn_page, self.turn_s)

    def on_leave(self, *_: object) -> None:
        if self._rotation is not None:
            self._rotation.cancel()
            self._rotation = None
