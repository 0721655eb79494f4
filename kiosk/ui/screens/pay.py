"""Paying fines: one screen through every stage of a card payment (pay_views.PayView).

Renders and forwards, nothing else: the fees with a tick each (when the library system names
them), Pay all, "Pay another amount" (an amount keypad: the digits typed are cents, shown as
money as they are typed), the confirmation with the amount, the terminal's status texts while the
patron follows the card terminal, and the outcome with the receipt decision; for staff,
today's payments and "Run end-of-day". It never shows a field for a bank card or a PIN: the
terminal asks for those. Widgets are built once; the
buttons of a stage are put into the action row and taken out again, never created per visit.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.presenters.pay_text import AGAIN, fee_text, pay_texts, staff_row
from kiosk.ui.presenters.pay_views import (
    PayAllChosen,
    PayAmountEntered,
    PayAmountOpened,
    PayBack,
    PayChosenChosen,
    PayConfirmed,
    PayEndOfDay,
    PayFeeToggled,
    PayOpened,
    PayReceiptChosen,
    PayView,
)
from kiosk.ui.presenters.text import RowText, Texts, Tone, more_items
from kiosk.ui.screens.base import KioskScreen, Send, data_label, flipping
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.base import FitLabel, restyle
from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.dialogs import EmailDialog
from kiosk.ui.widgets.keypad import NumberPad
from kiosk.ui.widgets.rows import TONE_COLOURS, RowAction, RowList

BODY_LINES = 5
AMOUNT_DIGITS = 6  # up to 9 999,99


class AmountPad(NumberPad):
    """The number pad for an amount: the digits are cents, shown as money while typed."""

    def __init__(self, on_amount: Callable[[int], None], **kwargs: object) -> None:
        self.money: Callable[[int], str] = str
        super().__init__(False, AMOUNT_DIGITS, lambda digits: on_amount(int(digits)), **kwargs)

    def _show(self) -> None:
        digits = self.digits
        self.display.text = self.money(int(digits)) if digits else ""

    @property
    def digits(self) -> str:
        return self._digits


def _button(name: str, role: str, on_tap: Callable[[], None]) -> KioskButton:
    button = KioskButton(role=role, fixed_height=False)
    button.action_name = name
    button.bind(on_release=lambda *_: on_tap())
    return button


class PayScreen(KioskScreen):
    def __init__(
        self, send: Send, read_aloud: Callable[[str], None] = lambda _text: None, **kwargs: object
    ) -> None:
        super().__init__("pay", send, **kwargs)
        self.read_aloud = read_aloud
        self.title = FitLabel(role="title", lines=1, bold=True)
        self.lines = [data_label(role="heading" if i == 0 else "body", lines=2) for i in range(5)]
        self.fees = RowList(4, on_action=lambda fee_id: self.send(PayFeeToggled(fee_id)))
        self.payments = RowList(5, on_action=lambda _key: None, compact=True)
        self.pad = AmountPad(lambda cents: self.send(PayAmountEntered(cents)))
        tap = self.send
        self.buttons = {
            "back": _button("pay:back", "secondary", lambda: tap(PayBack())),
            "chosen": _button("pay:chosen", "secondary", lambda: tap(PayChosenChosen())),
            "all": _button("pay:all", "primary", lambda: tap(PayAllChosen())),
            "amount": _button("pay:amount", "secondary", lambda: tap(PayAmountOpened())),
            "confirm": _button("pay:confirm", "primary", lambda: tap(PayConfirmed())),
            "again": _button("pay:again", "primary", lambda: tap(PayOpened())),
            "print": _button("pay:print", "primary", lambda: tap(PayReceiptChosen("print"))),
            "email": _button("pay:email", "secondary", self.open_email),
            "none": _button("pay:none", "secondary", lambda: tap(PayReceiptChosen("none"))),
            "done": _button("pay:done", "primary", lambda: tap(PayBack())),
            "close": _button("pay:end_of_day", "primary", lambda: tap(PayEndOfDay())),
        }
        self.read = KioskButton(role="secondary")
        self.read.action_name = "pay:read"
        self.read.bind(on_release=lambda *_: self._read())
        self.dialog = EmailDialog(on_send=self._send_email, on_cancel=self.close_email)
        self.detachable = [self.dialog, self.read, self.fees, self.payments, self.pad,
                           *self.buttons.values()]  # fmt: skip
        # Portrait: the words above the rows; landscape: the words left, the rows right.
        self.body = flipping(spacing=28)
        self.words = BoxLayout(orientation="vertical", spacing=8)
        self.side = BoxLayout(orientation="vertical", spacing=12)
        self.words_gap = BoxLayout()  # landscape: keeps the words at the top of their column
        self.body.add_widget(self.words)
        self.body.add_widget(self.side)
        self.actions = flipping(spacing=22, size_hint_y=None)
        for widget in (self.title, self.body, self.actions):
            self.root_panel.add_widget(widget)
        self.root_panel.spacing = 18

    # -- render ------------------------------------------------------------------------------

    def render(self, view: PayView, tr: Texts) -> None:  # type: ignore[override]
        if view.stage != "amount" or not isinstance(self.view, PayView) or (
                self.view.stage != "amount"):  # fmt: skip
            self.pad.clear()  # a new amount each time the keypad is opened
        self.view = view
        texts = pay_texts(view, tr)
        self.title.text = texts.title
        self.words.clear_widgets()
        self.side.clear_widgets()
        for index, label in enumerate(self.lines):
            label.text = texts.lines[index] if index < len(texts.lines) else ""
            label.colour = TONE_COLOURS[texts.tone] if index == 0 and texts.tone in (
                Tone.GOOD, Tone.BAD) else "text"  # fmt: skip
            label.color = getattr(self.theme.palette, label.colour)
            if label.text:
                self.words.add_widget(label)
        if view.stage == "choose":
            self._show_fees(view, tr)
            self.side.add_widget(self.fees)
        if view.stage == "amount":
            self.pad.money = tr.money
            self.pad.set_labels(tr.gettext("Clear"), tr.gettext("Delete"), tr.gettext("OK"))
            self.pad.apply_theme(self.theme)
            self.side.add_widget(self.pad)
        if view.stage in ("staff", "closing"):
            self._show_payments(view, tr)
            self.side.add_widget(self.payments)
        if view.stage == "outcome" and view.spoken_receipt and view.receipt_choices:
            self.read.text = tr.gettext("Read the receipt aloud")
            self.side.add_widget(self.read)
        self._size_words()
        if view.stage != "amount":  # the keypad takes the whole column
            self.side.add_widget(BoxLayout())
        self._show_actions(view, tr)
        self.dialog.prompt.text = tr.gettext("Type your e-mail address")
        self.dialog.keyboard.set_labels(tr.gettext("Delete"), tr.gettext("Clear"))
        self.dialog.cancel.text = tr.gettext("Cancel")
        self.dialog.send.text = tr.gettext("Send")

    def _size_words(self) -> None:
        """In portrait the words take the height they need and the rows the rest."""
        shown = [c for c in self.words.children if c is not self.words_gap]
        if not self.portrait:
            self.words.size_hint_y = 1
            if self.words_gap.parent is None:
                self.words.add_widget(self.words_gap)
            return
        if self.words_gap.parent is not None:
            self.words.remove_widget(self.words_gap)
        self.words.size_hint_y = None
        self.words.height = sum(c.height for c in shown) + 8 * max(0, len(shown) - 1)

    def _show_fees(self, view: PayView, tr: Texts) -> None:
        chosen, choose, remove = tr.gettext("Chosen"), tr.gettext("Choose"), tr.gettext("Remove")
        rows = []
        for fee in view.fees:
            text = RowText(fee_text(fee, tr), "", chosen if fee.chosen else "", Tone.GOOD)
            action = None
            if view.can_choose and fee.fee_id:
                action = RowAction(remove if fee.chosen else choose, fee.fee_id)
            rows.append((text, action))
        portrait_rows = 2 if view.can_type_amount else 3  # one more button below them
        self.fees.show(rows, lambda n: more_items(n, tr), "", self._room(portrait_rows, 1))

    def _show_payments(self, view: PayView, tr: Texts) -> None:
        rows = []
        for line in reversed(view.payments):  # the newest first
            title, detail, state = staff_row(line, tr)
            tone = Tone.GOOD if line.state == "paid" else Tone.WAIT
            rows.append((RowText(title, detail, state, tone), None))
        empty = tr.gettext("No card payments today.")
        self.payments.show(rows, lambda n: more_items(n, tr), empty, self._room(4, 2))

    def _room(self, portrait: int, landscape: int) -> int:
        """Rows that fit: fewer in landscape, one fewer with large text (never none)."""
        rows = portrait if self.portrait else landscape
        return max(1, rows - 1) if self.theme.large_text else rows

    def _show_actions(self, view: PayView, tr: Texts) -> None:
        names = self._actions_for(view)
        amount = tr.money(view.amount_cents or view.owed_cents)
        labels = {
            "back": tr.gettext("Back"),
            "chosen": tr.gettext("Pay the chosen fees"),
            "all": tr.gettext("Pay all: %(amount)s") % {"amount": tr.money(view.owed_cents)},
            "amount": tr.gettext("Pay another amount"),
            "confirm": tr.gettext("Pay %(amount)s") % {"amount": amount},
            "again": tr.gettext("Try again"),
            "print": tr.gettext("Print a receipt"),
            "email": tr.gettext("Send it by e-mail"),
            "none": tr.gettext("No receipt, thank you"),
            "done": tr.gettext("Back to my account"),
            "close": tr.gettext("Run end-of-day"),
        }
        self.actions.clear_widgets()
        for name in names:
            button = self.buttons[name]
            button.text = labels[name]
            button.disabled = name == "chosen" and not view.chosen_ids
            self.actions.add_widget(button)
        rows = len(names) if self.portrait else min(1, len(names))
        self.actions.height = self.theme.button_height * rows + 22 * max(0, rows - 1)

    @staticmethod
    def _actions_for(view: PayView) -> list[str]:
        match view.stage:
            case "loading":
                return ["back"]
            case "choose":
                names = ["back", "chosen", "all"] if view.can_choose else ["back", "all"]
                return [*names[:-1], "amount", "all"] if view.can_type_amount else names
            case "amount":
                return ["back"]
            case "confirm":
                return ["back", "confirm"]
            case "terminal" | "recording" | "closing":
                return []  # the terminal's own cancel key stops a payment
            case "staff":
                return ["back", "close"]
        if view.receipt_choices:
            return [c for c in ("print", "email", "none") if c in view.receipt_choices]
        return ["done", "again"] if view.outcome in AGAIN else ["done"]

    # -- theme, receipt, e-mail -------------------------------------------------------------------

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.fees.apply_theme(theme)
        self.payments.apply_theme(theme)
        self.pad.apply_theme(theme)
        if self.view is not None:
            rows = len(self.actions.children)
            rows = rows if self.portrait else min(1, rows)
            self.actions.height = theme.button_height * rows + 22 * max(0, rows - 1)

    def set_orientation(self, portrait: bool) -> None:
        super().set_orientation(portrait)
        self._size_words()

    def _read(self) -> None:
        if isinstance(self.view, PayView) and self.view.spoken_receipt:
            self.read_aloud(self.view.spoken_receipt)

    def open_email(self) -> None:
        from kivy.core.window import Window

        self.dialog.reset()
        restyle(self.dialog, self.theme)
        self.dialog.fit(Window.height)
        self.dialog.open(animation=False)

    def close_email(self) -> None:
        self.dialog.reset()
        self.dialog.dismiss(animation=False)

    def _send_email(self, address: str) -> None:
        self.close_email()
        self.send(PayReceiptChosen("email", address))

    def forget(self) -> None:
        super().forget()
        self.fees.clear()
        self.payments.clear()
        self.pad.clear()
        self.close_email()
