"""The room screens a patron walks through: the room board and choosing a time.

Board: every room with free/busy now and next, its free stretches along the day, "possibly out
of date since HH:MM" when the booking system stopped answering, paged when the rooms do not
fit. Book: "from now until …" end times as big buttons, or a later start today first. Rules
and wording live elsewhere (kiosk/core/rooms, kiosk/ui/presenters/rooms.py): these only lay
out what the view says and send intents. Rows and time buttons are pools built once.
"""

from __future__ import annotations

from datetime import datetime

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.ui.presenters.rooms import (
    MyBookingsOpened,
    RoomBoardView,
    RoomBookView,
    RoomChosen,
    RoomLaterChosen,
    RoomsBack,
    RoomsPageTurned,
    RoomTimeChosen,
    capacity_text,
    error_text,
    room_row,
    stale_text,
)
from kiosk.ui.presenters.text import Texts
from kiosk.ui.screens.base import KioskScreen, Send, flipping
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.base import FitLabel
from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.rows import RowAction, RowList

TIME_BUTTONS = 12


def action_bar(*buttons: KioskButton) -> BoxLayout:
    bar = BoxLayout(orientation="horizontal", spacing=24, size_hint_y=None)
    for button in buttons:
        button.fixed_height = False
        button.size_hint_y = 1
        bar.add_widget(button)
    return bar


def button(name: str, send, intent, role: str = "secondary") -> KioskButton:
    made = KioskButton(role=role, fixed_height=False)
    made.action_name = name
    made.bind(on_release=lambda *_: send(intent))
    return made


def page_of(items: list, page: int, size: int) -> tuple[list, bool]:
    """The items on this page (the page number wraps) and whether there is more than one."""
    pages = max(1, -(-len(items) // size))
    start = (page % pages) * size
    return items[start : start + size], pages > 1


class RoomBoardScreen(KioskScreen):
    def __init__(self, send: Send, **kwargs: object) -> None:
        super().__init__("rooms", send, **kwargs)
        self.title = FitLabel(role="title", lines=1, bold=True)
        self.notice = FitLabel(role="body", lines=2, colour="bad", bold=True)
        self.rows = RowList(5, on_action=lambda key: self.send(RoomChosen(int(key))), title_lines=1)
        self.more = button("rooms:more", send, RoomsPageTurned())
        self.mine = button("rooms:mine", send, MyBookingsOpened())
        self.back = button("back", send, RoomsBack(), role="primary")
        self.actions = action_bar(self.more, self.mine, self.back)
        for widget in (self.title, self.notice, self.rows, BoxLayout(), self.actions):
            self.root_panel.add_widget(widget)
        self.root_panel.spacing = 10

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.actions.height = theme.button_height
        self.rows.apply_theme(theme)

    def _room(self) -> int:
        rows = 5 if self.portrait else 3
        return max(1, rows - (2 if self.portrait else 1)) if self.theme.large_text else rows

    def render(self, view: RoomBoardView, tr: Texts) -> None:  # type: ignore[override]
        self.view = view
        self.title.text = tr.gettext("Room booking")
        self.notice.text = error_text(view.error, tr) or stale_text(
            view.refreshed_at, view.stale, tr
        )
        book = tr.gettext("Book")
        items = [
            (room_row(row, tr), RowAction(book, str(row.space_id)) if row.bookable else None)
            for row in view.rows
        ]  # no "Book" beside a room with no slot left today (a closed day above all)
        shown, paged = page_of(items, view.page, self._room())
        self.rows.show(shown, lambda _n: "", tr.gettext("No rooms to show."))
        self.more.text = tr.gettext("More rooms")
        self.more.opacity, self.more.disabled = (1, False) if paged else (0, True)
        self.mine.text = tr.gettext("My bookings")
        self.back.text = tr.gettext("Back")

    def forget(self) -> None:
        super().forget()
        self.rows.clear()
        self.notice.text = ""


class TimeGrid(GridLayout):
    """A pool of time buttons (10:30, 11:00 …): short words, big targets."""

    def __init__(self, on_choose, **kwargs: object) -> None:
        super().__init__(cols=4, spacing=16, size_hint_y=None, **kwargs)
        self._times: list[datetime | None] = [None] * TIME_BUTTONS
        self.buttons = []
        for index in range(TIME_BUTTONS):
            made = KioskButton(role="secondary", fixed_height=False)
            made.size_hint_y = None
            made.action_name = f"time:{index}"
            made.bind(on_release=lambda _b, i=index: self._chosen(i, on_choose))
            self.buttons.append(made)
            self.add_widget(made)
        self._row_height = 112.0

    def _chosen(self, index: int, on_choose) -> None:
        moment = self._times[index]
        if moment is not None:
            on_choose(moment)

    def apply_theme(self, theme: Theme) -> None:
        self._row_height = theme.button_height
        for made in self.buttons:
            made.height = self._row_height
        self._resize()

    def set_columns(self, cols: int) -> None:
        self.cols = cols
        self._resize()

    def show(self, moments: list[datetime], label) -> None:
        for index, made in enumerate(self.buttons):
            moment = moments[index] if index < len(moments) else None
            self._times[index] = moment
            made.text = label(moment) if moment else ""
            made.opacity, made.disabled = (1, False) if moment else (0, True)
        self._resize()

    def _resize(self) -> None:
        # Always the full pool's height, so the buttons below do not jump between pages.
        rows = -(-TIME_BUTTONS // self.cols)
        self.height = rows * self._row_height + (rows - 1) * self.spacing[1]


class RoomBookScreen(KioskScreen):
    def __init__(self, send: Send, **kwargs: object) -> None:
        super().__init__("room_book", send, **kwargs)
        self.title = FitLabel(role="title", lines=1, bold=True)
        self.room = FitLabel(role="body", lines=1, colour="muted")
        self.hint = FitLabel(role="heading", lines=2, bold=True)
        self.error = FitLabel(role="body", lines=2, colour="bad", bold=True)
        self.grid = TimeGrid(lambda moment: self.send(RoomTimeChosen(moment)))
        self.later = button("room:later", send, RoomLaterChosen())
        self.more = button("rooms:more", send, RoomsPageTurned())
        self.back = button("back", send, RoomsBack())
        self.actions = action_bar(self.later, self.more, self.back)
        # Portrait: texts above the times. Landscape: texts on the left, times on the right.
        columns = flipping(spacing=32)
        self.texts = BoxLayout(orientation="vertical", spacing=12)
        for widget in (self.title, self.room, self.hint, self.error, BoxLayout()):
            self.texts.add_widget(widget)
        times = BoxLayout(orientation="vertical")
        times.add_widget(self.grid)
        times.add_widget(BoxLayout())
        columns.add_widget(self.texts)
        columns.add_widget(times)
        self.root_panel.add_widget(columns)
        self.root_panel.add_widget(self.actions)
        self.root_panel.spacing = 16
        self.texts.bind(minimum_height=lambda *_: self._size_texts())

    def _size_texts(self) -> None:
        if self.portrait:
            self.texts.size_hint = (1, None)
            self.texts.height = self.texts.minimum_height
        else:
            self.texts.size_hint = (0.4, 1)

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.actions.height = theme.button_height
        self.grid.apply_theme(theme)
        self._size_texts()

    def set_orientation(self, portrait: bool) -> None:
        super().set_orientation(portrait)
        self.grid.set_columns(4)
        self._size_texts()

    def render(self, view: RoomBookView, tr: Texts) -> None:  # type: ignore[override]
        self.view = view
        self.title.text = view.name
        self.room.text = capacity_text(view.capacity, tr)
        if view.stage == "starts":
            self.hint.text = tr.gettext("Later today: choose when to start")
        elif view.walk_up and view.start is not None:
            self.hint.text = tr.gettext("From now (%(time)s) until …") % {
                "time": tr.time(view.start)
            }
        elif view.start is not None:
            self.hint.text = tr.gettext("From %(time)s until …") % {"time": tr.time(view.start)}
        empty = tr.gettext("No free time left today in this room.")
        self.error.text = error_text(view.error, tr) or ("" if view.choices else empty)
        shown, paged = page_of(list(view.choices), view.page, TIME_BUTTONS)
        self.grid.show(shown, tr.time)
        self.later.text = tr.gettext("Later today")
        offer_later = view.stage == "ends" and view.walk_up
        self.later.opacity, self.later.disabled = (1, False) if offer_later else (0, True)
        self.more.text = tr.gettext("Later times")
        self.more.opacity, self.more.disabled = (1, False) if paged else (0, True)
        self.back.text = tr.gettext("Back")

    def forget(self) -> None:
        super().forget()
        self.grid.show([], str)
        self.error.text = ""
