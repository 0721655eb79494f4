"""My account: loans with overdue ones marked and Renew / Renew all, reservations with the
ready ones first and where to collect them, fines with the total. When the kiosk takes card
payments (AccountView.payment, kiosk/ui/presenters/pay_flow.py) a "Pay by card" button in the
action row opens the payment screen; offline the fines column says card payment is not
available instead.

Every renewal is an intent; the answer comes back as a new AccountView whose lines say
"Renewed" with the new date or "Not renewed" with the reason.
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.presenters.intents import BorrowingOpened, Finished, RenewAllRequested, RenewRequested
from kiosk.ui.presenters.pay_views import PayOpened
from kiosk.ui.presenters.text import (
    Texts,
    account_summary,
    fines_total,
    hold_row,
    loan_row,
    more_items,
)
from kiosk.ui.presenters.views import AccountView
from kiosk.ui.screens.base import KioskScreen, Send, data_label, flipping
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.base import FitLabel
from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.rows import RowAction, RowList


class AccountScreen(KioskScreen):
    def __init__(self, send: Send, **kwargs: object) -> None:
        super().__init__("account", send, **kwargs)
        top = BoxLayout(orientation="horizontal", spacing=20, size_hint_y=None)
        self.title = FitLabel(role="title", bold=True, size_hint_x=0.45)
        self.summary = data_label(role="small", colour="muted", halign="right")
        top.add_widget(self.title)
        top.add_widget(self.summary)
        self.header_row = top
        columns = flipping(spacing=28)
        left = BoxLayout(orientation="vertical", spacing=14)
        self.loans_title = FitLabel(role="heading", lines=1, bold=True)
        self.loans = RowList(3, on_action=lambda item: self.send(RenewRequested(item)))
        self.renew_all = KioskButton(role="secondary")
        self.renew_all.action_name = "renew_all"
        self.renew_all.bind(on_release=lambda *_: self.send(RenewAllRequested()))
        for widget in (self.loans_title, self.loans):
            left.add_widget(widget)
        left.add_widget(BoxLayout())
        right = BoxLayout(orientation="vertical", spacing=14)
        self.holds_title = FitLabel(role="heading", lines=1, bold=True)
        self.holds = RowList(2, on_action=lambda _key: None)
        self.total = data_label(role="heading", lines=1, bold=True)
        self.fines = data_label(role="small", lines=2)
        self.pay = KioskButton(role="primary", fixed_height=False)
        self.pay.action_name = "pay"
        self.pay.bind(on_release=lambda *_: self.send(PayOpened()))
        self.pay_note = data_label(role="small", lines=2, colour="muted")
        self.detachable = [self.pay, self.pay_note]
        for widget in (self.holds_title, self.holds, self.total, self.fines):
            right.add_widget(widget)
        right.add_widget(BoxLayout())
        self.right_column = right
        columns.add_widget(left)
        columns.add_widget(right)
        actions = BoxLayout(orientation="horizontal", spacing=24, size_hint_y=None)
        self.back = KioskButton(role="secondary", fixed_height=False)
        self.back.action_name = "back"
        self.back.bind(on_release=lambda *_: self.send(BorrowingOpened()))
        self.done = KioskButton(role="primary", fixed_height=False)
        self.done.action_name = "done"
        self.done.bind(on_release=lambda *_: self.send(Finished()))
        self.renew_all.fixed_height = False
        self.renew_all.size_hint_y = 1
        actions.add_widget(self.back)
        actions.add_widget(self.renew_all)
        actions.add_widget(self.done)
        self.actions = actions
        for widget in (top, columns, actions):
            self.root_panel.add_widget(widget)
        self.root_panel.spacing = 16

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self.actions.height = theme.button_height
        self.header_row.height = theme.font("title") * 1.4
        for rows in (self.loans, self.holds):
            rows.apply_theme(theme)

    def render(self, view: AccountView, tr: Texts) -> None:  # type: ignore[override]
        self.view = view
        self.title.text = tr.gettext("My account")
        self.summary.text = f"{view.patron_name} · {account_summary(view, tr)}"
        self.loans_title.text = tr.gettext("Loans")
        renew = tr.gettext("Renew")
        loans = [
            (loan_row(loan, tr), RowAction(renew, loan.item_id) if loan.renewable else None)
            for loan in sorted(view.loans, key=lambda loan: (not loan.overdue, loan.due))
        ]
        more = lambda n: more_items(n, tr)  # noqa: E731
        self.loans.show(loans, more, tr.gettext("You have no loans."), self._room(3, 2))
        self.renew_all.text = tr.gettext("Renew all")
        self.renew_all.disabled = not view.loans
        self.holds_title.text = tr.gettext("Reservations")
        holds = [(hold_row(hold, tr), None) for hold in view.holds_ready_first()]
        self.holds.show(holds, more, tr.gettext("You have no reservations."), self._room(2, 1))
        # Large text in landscape keeps the total and drops the fine-by-fine lines.
        show_fines = self.portrait or not self.theme.large_text
        if show_fines and self.fines.parent is None:
            self.right_column.add_widget(self.fines, index=1)
        elif not show_fines and self.fines.parent is not None:
            self.right_column.remove_widget(self.fines)
        self.fines.text = "\n".join(
            f"{fine.description}: {tr.money(fine.amount_cents)}" for fine in view.fines[:2]
        )
        self.total.text = fines_total(view, tr)
        self._show_payment(view, tr)
        self.back.text = tr.gettext("Back to borrowing")
        self.done.text = tr.gettext("Done")

    def _show_payment(self, view: AccountView, tr: Texts) -> None:
        """Pay (a terminal is there and the patron owes something), or why not (offline)."""
        for widget in (self.pay, self.pay_note):
            if widget.parent is not None:
                widget.parent.remove_widget(widget)
        if not view.fines or view.payment not in ("offered", "offline"):
            return
        self.pay.text = tr.gettext("Pay by card")
        self.pay_note.text = tr.gettext(
            "Card payment is not available while the library system is offline."
        )
        if view.payment == "offered":
            self.actions.add_widget(self.pay, index=1)  # before Done
        else:
            self.right_column.add_widget(self.pay_note, index=1)

    def _room(self, portrait: int, landscape: int) -> int:
        """Rows that fit: fewer in landscape, one fewer with large text (never none)."""
        rows = portrait if self.portrait else landscape
        return max(1, rows - 1) if self.theme.large_text else rows

    def forget(self) -> None:
        super().forget()
        for rows in (self.loans, self.holds):
            rows.clear()
