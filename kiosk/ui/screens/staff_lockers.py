"""The staff screen's two locker tabs: "Load lockers" (type or scan an item's barcode, see
which compartment opened, then "loaded, code sent" or the refusal in words) and "Expired"
(open every expired compartment at once, the list of what to take out, print it).

Holds no locker logic: the barcode and the buttons become StaffActionRequested intents, and
everything shown comes from the StaffView (kiosk/wiring/staff_desk.py's LockerWork fills it).
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.presenters.text import LOAD_REFUSALS, RowText, Texts, Tone
from kiosk.ui.presenters.views import StaffView
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.base import FitLabel
from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.keypad import NumberPad
from kiosk.ui.widgets.rows import RowList

BARCODE_DIGITS = 14  # EAN-13 and the library's 8-14 digit item barcodes
ROWS = 3  # retrieval lines on screen; the rest are on the printed list


def _button(role: str, name: str, on_release: Callable[[], None]) -> KioskButton:
    button = KioskButton(role=role, fixed_height=False)  # as tall as its row
    button.action_name = name
    button.bind(on_release=lambda *_: on_release())
    return button


class LockerPages:
    def __init__(self, act: Callable[[str, str], None]) -> None:
        self.load_page = BoxLayout(orientation="vertical", spacing=14)
        self.expired_page = BoxLayout(orientation="vertical", spacing=8)
        self.load_counts = FitLabel(role="heading", lines=1)
        self.load_status = FitLabel(role="heading", lines=2, bold=True)
        self.load_error = FitLabel(role="body", lines=2, colour="bad", bold=True)
        self.pad = NumberPad(
            masked=False,
            max_length=BARCODE_DIGITS,
            on_submit=lambda barcode: act("load", barcode),
        )
        for widget in (self.load_counts, self.load_status, self.pad):
            self.load_page.add_widget(widget)
        self.expired_counts = FitLabel(role="heading", lines=1)
        self.open_all = _button("primary", "open_expired", lambda: act("open_expired", ""))
        self.retrieved = RowList(ROWS, on_action=lambda _k: None, title_lines=1, compact=True)
        self.print_list = _button("secondary", "print_list", lambda: act("print_list", ""))
        # side by side: the list keeps the height a second row of buttons would take
        self.actions = BoxLayout(orientation="horizontal", spacing=24, size_hint_y=None)
        self.actions.add_widget(self.open_all)
        for widget in (self.expired_counts, self.actions, self.retrieved):
            self.expired_page.add_widget(widget)
        self.expired_page.add_widget(BoxLayout())

    def apply_theme(self, theme: Theme) -> None:
        # a slimmer row of buttons (still a 15 mm target) leaves the list its three rows
        self.actions.height = max(theme.min_target, theme.button_height * 0.8)

    def forget(self) -> None:
        self.pad.clear()
        self.retrieved.clear()

    def render(self, view: StaffView, tr: Texts) -> None:
        self.load_counts.text = tr.gettext("Reservations to load: %(load)s") % {
            "load": tr.number(view.to_load)
        }
        # one slot: the outcome, or the refusal in the error colour (not colour alone: words)
        shown, hidden = (self.load_error, self.load_status)
        if view.load_stage != "refused":
            shown, hidden = hidden, shown
        if shown.parent is None:
            self.load_page.remove_widget(hidden)
            self.load_page.add_widget(shown, index=1)
        shown.text, hidden.text = load_status(view, tr), ""
        self.pad.set_labels(tr.gettext("Clear"), tr.gettext("Delete"), tr.gettext("Load"))
        self.expired_counts.text = tr.gettext("Expired pickups: %(expired)s") % {
            "expired": tr.number(view.expired)
        }
        self.open_all.text = tr.gettext("Open all expired")
        taken = tr.gettext("Take out")
        rows = [
            (
                RowText(line.title, f"{line.item_id}", f"{taken}: {line.compartment}", Tone.WAIT),
                None,
            )
            for line in view.retrieved
        ]
        empty = tr.gettext("Nothing taken out yet.")
        self.retrieved.show(rows, lambda n: more_items(n, tr), empty, ROWS)
        self.print_list.text = tr.gettext("Print the list")
        printable = view.can_print and bool(view.retrieved)
        if printable and self.print_list.parent is None:
            self.actions.add_widget(self.print_list)
        elif not printable and self.print_list.parent is not None:
            self.actions.remove_widget(self.print_list)


def more_items(count: int, tr: Texts) -> str:
    text = tr.ngettext("…and %(count)s more item", "…and %(count)s more items", count)
    return text % {"count": tr.number(count)}


def load_status(view: StaffView, tr: Texts) -> str:
    """What the last barcode did, in words."""
    match view.load_stage:
        case "open":
            return tr.gettext(
                "Compartment %(number)s is open: put the item in and close the door."
            ) % {"number": view.load_compartment}
        case "loaded" if view.notice_sent:
            return tr.gettext("Loaded in compartment %(number)s. The code was sent.") % {
                "number": view.load_compartment
            }
        case "loaded":
            return tr.gettext(
                "Loaded in compartment %(number)s. The code is not sent yet; the kiosk retries."
            ) % {"number": view.load_compartment}
        case "refused":
            reason = LOAD_REFUSALS.get(view.load_refusal, LOAD_REFUSALS["no_hold"])
            return tr.gettext("Not loaded: %(reason)s") % {"reason": tr.gettext(reason)}
    return tr.gettext("Scan or type the item's barcode.")
