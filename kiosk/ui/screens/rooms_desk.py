"""The room screens after the board: my bookings (check in, cancel), the confirmation with its
receipt (print, e-mail, none), and staff's day by room with a refresh.

The confirmation shows the receipt's own text (kiosk/core/receipts.py, the room-booking slip)
so what is on screen is what is printed or e-mailed. Staff see first names and an initial,
never an e-mail; the screen keeps the dense staff layout (no large text).
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.core.receipts import as_text, layout
from kiosk.ui.presenters.intents import Finished
from kiosk.ui.presenters.rooms import (
    OUTCOMES,
    RECEIPT_RESULTS,
    BookingAction,
    RoomDoneView,
    RoomMineView,
    RoomReceiptChosen,
    RoomsBack,
    RoomsPageTurned,
    RoomsRefreshRequested,
    RoomStaffView,
    error_text,
    my_booking_row,
    span,
    staff_room_row,
    stale_text,
)
from kiosk.ui.presenters.text import Texts
from kiosk.ui.screens.base import KioskScreen, Send, data_label, flipping
from kiosk.ui.screens.rooms import action_bar, button, page_of
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.base import FitLabel
from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.rows import RowAction, RowList

RECEIPT_COLUMNS = 32


class RoomMineScreen(KioskScreen):
    def __init__(self, send: Send, **kwargs: object) -> None:
        super().__init__("room_mine", send, **kwargs)
        self.title = FitLabel(role="title", lines=1, bold=True)
        self.greeting = data_label(role="body", lines=1, colour="muted")
        self.error = FitLabel(role="body", lines=2, colour="bad", bold=True)
        self.rows = RowList(4, on_action=self._act, title_lines=1)
        self.back = button("back", send, RoomsBack())
        self.done = button("done", send, Finished(), role="primary")
        self.actions = action_bar(self.back, self.done)
        for widget in (self.title, self.greeting, self.error, self.rows, BoxLayout()):
            self.root_panel.add_widget(widget)
        self.root_panel.add_widget(self.actions)
        self.root_panel.spacing = 16
        self._actions: dict[str, str] = {}

    def _act(self, booking_id: str) -> None:
        self.send(BookingAction(self._actions.get(booking_id, "cancel"), booking_id))

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.actions.height = theme.button_height
        self.rows.apply_theme(theme)

    def render(self, view: RoomMineView, tr: Texts) -> None:  # type: ignore[override]
        self.view = view
        self.title.text = tr.gettext("My room bookings")
        self.greeting.text = view.patron_name
        self.error.text = error_text(view.error, tr)
        # One action a row: check in while its window is open, otherwise cancel.
        self._actions = {
            b.booking_id: "checkin" if b.can_check_in and not b.checked_in else "cancel"
            for b in view.bookings
        }
        labels = {"checkin": tr.gettext("Check in"), "cancel": tr.gettext("Cancel booking")}
        items = [
            (my_booking_row(b, tr), RowAction(labels[self._actions[b.booking_id]], b.booking_id))
            for b in view.bookings
        ]
        rows = (4 if self.portrait else 2) - (1 if self.theme.large_text else 0)
        self.rows.show(items[: max(1, rows)], lambda _n: "", tr.gettext("No bookings today."))
        self.back.text = tr.gettext("Back")
        self.done.text = tr.gettext("Done")

    def forget(self) -> None:
        super().forget()
        self.rows.clear()
        self._actions = {}
        self.error.text = ""


class RoomDoneScreen(KioskScreen):
    def __init__(self, send: Send, **kwargs: object) -> None:
        super().__init__("room_done", send, **kwargs)
        self._language = "lt"
        columns = flipping(spacing=28)
        left = BoxLayout(orientation="vertical", spacing=16)
        self.title = FitLabel(role="title", lines=1, bold=True)
        self.when = data_label(role="heading", lines=2)
        self.number = data_label(role="body", lines=1)
        self.note = FitLabel(role="body", lines=3, colour="muted")
        self.print = self._receipt_button("print")
        self.email = self._receipt_button("email")
        self.none = self._receipt_button("none", role="primary")
        for widget in (self.title, self.when, self.number, self.note):
            left.add_widget(widget)
        self.back = button("back", send, RoomsBack())
        self.actions = action_bar(self.print, self.email, self.back, self.none)
        self.receipt = data_label(role="small", halign="left", valign="top")
        self.receipt.font_name = "RobotoMono-Regular"
        columns.add_widget(left)
        columns.add_widget(self.receipt)
        self.root_panel.add_widget(columns)
        self.root_panel.add_widget(self.actions)
        self.root_panel.spacing = 16
        self.columns = columns
        self.left = left
        left.bind(minimum_height=lambda *_: self._size_left())

    def set_orientation(self, portrait: bool) -> None:
        super().set_orientation(portrait)
        self._size_left()

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.actions.height = theme.button_height
        # Large text leaves no room for the receipt's copy: the essentials are on the left.
        if theme.large_text and self.receipt.parent is not None:
            self.columns.remove_widget(self.receipt)
        elif not theme.large_text and self.receipt.parent is None:
            self.columns.add_widget(self.receipt)
        self._size_left()

    def _size_left(self) -> None:
        """Portrait: the confirmation as tall as it needs, the receipt below. Landscape: beside."""
        if self.portrait:
            self.left.size_hint = (1, None)
            self.left.height = self.left.minimum_height
        else:
            self.left.size_hint = (0.5, 1)

    def _receipt_button(self, kind: str, role: str = "secondary") -> KioskButton:
        made = KioskButton(role=role, fixed_height=False)
        made.action_name = f"receipt:{kind}"
        made.bind(on_release=lambda *_: self.send(RoomReceiptChosen(kind, self._language)))
        return made

    def render(self, view: RoomDoneView, tr: Texts) -> None:  # type: ignore[override]
        self.view = view
        self._language = tr.language
        self.title.text = tr.gettext(OUTCOMES.get(view.outcome, OUTCOMES["booked"]))
        self.when.text = f"{view.name} · {span(view.start, view.end, tr)}"
        self.number.text = tr.gettext("Booking %(id)s") % {"id": view.booking_id}
        if view.delivery:
            note = tr.gettext(RECEIPT_RESULTS[view.delivery])
        elif view.queued:
            note = tr.gettext("The booking system will be told as soon as it answers again.")
        else:
            note = tr.gettext("Would you like a confirmation?")
        self.note.text = note
        chosen = bool(view.delivery)
        self._offer(self.print, tr.gettext("Print"), view.offers_print and not chosen)
        self._offer(self.email, tr.gettext("Send by e-mail"), view.offers_email and not chosen)
        self.none.text = tr.gettext("Done") if chosen else tr.gettext("No, thank you")
        self.back.text = tr.gettext("Back")
        blocks = layout(view.receipt, tr, RECEIPT_COLUMNS) if view.receipt else ()
        self.receipt.text = as_text(blocks, RECEIPT_COLUMNS).strip("\n") if blocks else ""

    @staticmethod
    def _offer(made: KioskButton, text: str, shown: bool) -> None:
        made.text = text
        made.opacity, made.disabled = (1, False) if shown else (0, True)

    def forget(self) -> None:
        super().forget()
        self.receipt.text = ""


class RoomStaffScreen(KioskScreen):
    def __init__(self, send: Send, **kwargs: object) -> None:
        super().__init__("room_staff", send, **kwargs)
        self.title = FitLabel(role="title", lines=1, bold=True)
        self.notice = FitLabel(role="body", lines=1, colour="muted", bold=True)
        self.rows = RowList(6, on_action=lambda _key: None, detail_lines=2, title_lines=1)
        self.refresh = button("rooms:refresh", send, RoomsRefreshRequested(), role="primary")
        self.more = button("rooms:more", send, RoomsPageTurned())
        self.back = button("back", send, RoomsBack())
        self.actions = action_bar(self.refresh, self.more, self.back)
        for widget in (self.title, self.notice, self.rows, BoxLayout(), self.actions):
            self.root_panel.add_widget(widget)
        self.root_panel.spacing = 16

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.actions.height = theme.button_height
        self.rows.apply_theme(theme)

    def render(self, view: RoomStaffView, tr: Texts) -> None:  # type: ignore[override]
        self.view = view
        self.title.text = tr.gettext("Room bookings today")
        results = {
            "ok": tr.gettext("Refreshed from the booking system."),
            "failed": tr.gettext("The booking system is not answering. Please try again later."),
        }
        self.notice.text = results.get(view.refreshed, "") or stale_text(
            view.refreshed_at, view.stale, tr
        )
        items = [(staff_room_row(room, tr), None) for room in view.rooms]
        shown, paged = page_of(items, view.page, 6 if self.portrait else 2)
        self.rows.show(shown, lambda _n: "", tr.gettext("No rooms to show."))
        self.refresh.text = tr.gettext("Refresh")
        self.more.text = tr.gettext("More rooms")
        self.more.opacity, self.more.disabled = (1, False) if paged else (0, True)
        self.back.text = tr.gettext("Back")

    def forget(self) -> None:
        super().forget()
        self.rows.clear()
