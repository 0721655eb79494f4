"""The payment screens' port without a window (kiosk/ui/presenters/pay_flow.py): My account is
told whether card payment is offered, the stages follow the taps, the desk's every outcome
becomes a stage the screen can show, the receipt decision is the receipt desk's, and nothing
of a payment stays on screen after it. The desk here is a small scripted one (the real
PaymentDesk runs in tests/kiosk/ui/test_pay_screens.py and tests/integration)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

import pytest

from kiosk.core.errors import LibraryUnavailable
from kiosk.core.payments.fees import (
    AllocationRefused,
    FeeRules,
    OwedFee,
    PayAll,
    PayAmount,
    PayChosen,
)
from kiosk.core.payments.records import PaymentRecord, RecordedPosting, TerminalClose
from kiosk.core.payments.results import (
    ChoiceRefused,
    NotPaid,
    OwedFees,
    Paid,
    Progress,
    SentToStaff,
)
from kiosk.core.receipt_delivery import ReceiptDesk
from kiosk.core.receipts import as_text
from kiosk.core.vocabulary import FeeType
from kiosk.i18n import Catalogs
from kiosk.ui.presenters.intents import (
    AccountOpened,
    Finished,
    LanguageChosen,
    StaffActionRequested,
    StillHere,
    TimedOut,
)
from kiosk.ui.presenters.pay_flow import PayFlow
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
)
from kiosk.ui.presenters.views import (
    AccountView,
    AttractView,
    FineLine,
    Screen,
    StaffView,
    UiState,
)

NOW = datetime(2026, 11, 25, 12, 0)
CARD, PIN = "2100000001", "1234"
FEES = OwedFees(
    (
        OwedFee(120, FeeType.OVERDUE, "F1", date(2026, 10, 1), "Metai"),
        OwedFee(350, FeeType.DAMAGE, "F2", date(2026, 11, 1), "Kurmelis"),
    ),
    470,
)


def record(state: str = "paid", cents: int = 470, reason: str = "") -> PaymentRecord:
    return PaymentRecord(
        "p1", "kiosk-1", NOW, NOW, "******0001", state, "reversal", cents,
        cents if state == "paid" else 0, "EUR",
        (RecordedPosting(120, FeeType.OVERDUE, "F1", True),
         RecordedPosting(350, FeeType.DAMAGE, "F2", True)),
        trace_number=17, receipt_number=4, bank_card_masked="************1111",
        reason=reason,
    )  # fmt: skip


class Inner:
    """The patron session port as the flow sees it: a state, listeners, intents."""

    def __init__(self) -> None:
        fines = (FineLine("Metai", 470),)
        self.current = UiState(Screen.ACCOUNT, AccountView("Ona", fines=fines), core_timed=True)
        self.sent: list = []
        self.listeners: list = []

    def state(self) -> UiState:
        return self.current

    def subscribe(self, listener) -> None:
        self.listeners.append(listener)

    def send(self, intent) -> None:
        self.sent.append(intent)

    def publish(self, state: UiState) -> None:
        self.current = state
        for listener in self.listeners:
            listener(state)


class Desk:
    def __init__(self, result=None, owed=FEES, progress=()) -> None:
        self.result, self.owed_fees, self.progress = result, owed, progress
        self.paid: list = []

    async def owed(self, card: str, pin: str | None) -> OwedFees:
        if isinstance(self.owed_fees, Exception):
            raise self.owed_fees
        return self.owed_fees

    async def pay(self, card, pin, choice, *, on_progress=None):
        self.paid.append((card, pin, choice))
        for step in self.progress:
            on_progress(step)
        return self.result


class Printer:
    columns = 32

    def __init__(self) -> None:
        self.printed: list = []

    async def print_blocks(self, blocks) -> None:
        self.printed.append(as_text(blocks, self.columns))


class Flow:
    def __init__(self, desk: Desk, *, offline: bool = False, receipts: bool = True, **kw) -> None:
        self.inner, self.desk, self.tasks = Inner(), desk, []
        self.printer, self.desks = Printer(), []
        self.offline = offline
        self.shown: list[UiState] = []
        catalogs = Catalogs()

        def receipt_desk(session_id, receipt):
            desk = ReceiptDesk(session_id, receipt, catalogs.translator("en"), self.printer,
                               None, lambda _event: None)  # fmt: skip
            self.desks.append(desk)
            return desk

        self.port = PayFlow(
            self.inner, desk, credentials=lambda: (CARD, PIN), offline=lambda: self.offline,
            receipts=receipt_desk if receipts else None, library_name="Biblioteka",
            kiosk_id="kiosk-1", now=lambda: NOW, spawn=self.tasks.append, catalogs=catalogs,
            **kw,
        )  # fmt: skip
        self.port.subscribe(self.shown.append)

    def tap(self, intent) -> None:
        self.port.send(intent)
        loop = asyncio.new_event_loop()
        try:
            while self.tasks:
                loop.run_until_complete(self.tasks.pop(0))
        finally:
            loop.close()

    @property
    def view(self):
        return self.port.state().view


def test_my_account_offers_payment_and_says_so_offline() -> None:
    flow = Flow(Desk())
    assert flow.port.state().view.payment == "offered"
    flow.offline = True
    assert flow.port.state().view.payment == "offline"
    flow.tap(PayOpened())
    assert flow.port.state().screen is Screen.PAY
    assert (flow.view.stage, flow.view.outcome) == ("outcome", "offline")
    assert flow.desk.paid == []


def test_pay_all_through_the_stages_to_paid_and_a_printed_receipt() -> None:
    steps = (Progress("terminal", "Insert card"), Progress("terminal", "Enter PIN"),
             Progress("recording"), Progress("confirming"))  # fmt: skip
    desk = Desk(Paid(record(), 0, ("VISA", "************1111", "APPROVED")), progress=steps)
    flow = Flow(desk)
    flow.tap(LanguageChosen("en"))  # the receipt is made in the screen's language
    flow.tap(PayOpened())
    assert flow.view.stage == "choose"
    assert flow.view.owed_cents == 470 and flow.view.can_choose
    assert [f.fee_id for f in flow.view.fees] == ["F1", "F2"]
    flow.tap(PayAllChosen())
    assert (flow.view.stage, flow.view.amount_cents) == ("confirm", 470)
    flow.tap(PayConfirmed())
    stages = [(s.view.stage, s.view.terminal_text, s.view.progress) for s in flow.shown
              if s.screen is Screen.PAY]  # fmt: skip
    assert ("terminal", "Insert card", "terminal") in stages
    assert ("terminal", "Enter PIN", "terminal") in stages
    assert ("recording", "Enter PIN", "recording") in stages
    assert ("recording", "Enter PIN", "confirming") in stages
    assert desk.paid == [(CARD, PIN, PayAll())]
    view = flow.view
    assert (view.stage, view.outcome, view.new_balance_cents) == ("outcome", "paid", 0)
    assert view.reference == "000017/0004"
    assert view.receipt_choices == ("print", "none")
    assert "Late fee: Metai" in view.spoken_receipt
    assert sum(isinstance(i, StillHere) for i in flow.inner.sent) >= len(steps)
    flow.tap(PayBack())  # the receipt decision comes first
    assert flow.port.state().screen is Screen.PAY
    flow.tap(PayReceiptChosen("print"))
    assert flow.view.receipt_done == "printed" and flow.view.receipt_choices == ()
    text = flow.printer.printed[0]
    assert "Late fee: Metai" in text and "4,70" not in text and "€4.70" in text
    assert "You owe nothing now." in text and "APPROVED" in text
    assert "******0001" in text and CARD not in text
    flow.tap(PayReceiptChosen("print"))  # a second tap prints nothing more
    assert len(flow.printer.printed) == 1
    flow.tap(PayBack())
    assert flow.port.state().screen is Screen.ACCOUNT
    assert isinstance(flow.inner.sent[-1], AccountOpened)  # My account read afresh


def test_chosen_fees_and_the_minimum() -> None:
    flow = Flow(Desk(Paid(record(cents=350), 120)), rules=FeeRules(minimum_cents=200))
    flow.tap(PayOpened())
    flow.tap(PayChosenChosen())
    assert flow.view.refusal == "nothing_chosen"
    flow.tap(PayFeeToggled("F1"))
    assert flow.view.chosen_ids == ("F1",) and flow.view.refusal == ""
    flow.tap(PayChosenChosen())
    assert (flow.view.stage, flow.view.refusal) == ("choose", "below_minimum")
    flow.tap(PayFeeToggled("F1"))
    flow.tap(PayFeeToggled("F2"))
    flow.tap(PayChosenChosen())
    assert (flow.view.stage, flow.view.amount_cents) == ("confirm", 350)
    flow.tap(PayBack())
    assert flow.view.stage == "choose"
    flow.tap(PayChosenChosen())
    flow.tap(PayConfirmed())
    assert flow.desk.paid[-1][2] == PayChosen(("F2",))
    assert flow.view.new_balance_cents == 120


def test_another_amount_is_refused_in_words_before_the_terminal_is_asked() -> None:
    flow = Flow(Desk(Paid(record(cents=200), 270)), rules=FeeRules(minimum_cents=150))
    flow.tap(PayOpened())
    assert flow.view.can_type_amount
    flow.tap(PayAmountEntered(300))  # not on the keypad yet: ignored
    assert flow.view.stage == "choose"
    flow.tap(PayAmountOpened())
    assert (flow.view.stage, flow.view.minimum_cents) == ("amount", 150)
    for cents, refusal in ((100, "below_minimum"), (471, "more_than_owed"), (0, "not_positive")):
        flow.tap(PayAmountEntered(cents))
        assert (flow.view.stage, flow.view.refusal) == ("amount", refusal)
    assert flow.desk.paid == []  # nothing reached the desk, let alone the terminal
    flow.tap(PayAmountEntered(200))
    assert (flow.view.stage, flow.view.amount_cents, flow.view.refusal) == ("confirm", 200, "")
    flow.tap(PayBack())  # back to the keypad, then to the fees
    assert flow.view.stage == "amount"
    flow.tap(PayBack())
    assert flow.view.stage == "choose"
    flow.tap(PayAmountOpened())
    flow.tap(PayAmountEntered(200))
    flow.tap(PayConfirmed())
    assert flow.desk.paid[-1][2] == PayAmount(200)
    assert (flow.view.outcome, flow.view.new_balance_cents) == ("paid", 270)


def test_another_amount_is_not_offered_without_partial_payments() -> None:
    flow = Flow(Desk(), rules=FeeRules(partial_allowed=False))
    flow.tap(PayOpened())
    assert not flow.view.can_type_amount
    flow.tap(PayAmountOpened())
    assert flow.view.stage == "choose"


def test_unnamed_fees_offer_pay_all_only() -> None:
    owed = OwedFees((OwedFee(470, FeeType.OTHER_UNKNOWN, "", None, ""),), 470)
    flow = Flow(Desk(owed=owed))
    flow.tap(PayOpened())
    assert not flow.view.can_choose


@pytest.mark.parametrize(
    ("result", "outcome", "detail", "reference"),
    [
        (NotPaid(record("not_charged"), "declined", "Insufficient funds"), "declined",
         "", "000017/0004"),
        (NotPaid(record("not_charged"), "declined", "issuer declined (05): 51 NO FUNDS",
                 "51 NO FUNDS"), "declined", "51 NO FUNDS", "000017/0004"),
        (NotPaid(record("not_charged"), "aborted", "cancelled"), "aborted", "", "000017/0004"),
        (NotPaid(record("not_charged"), "card", "unreadable"), "card", "", "000017/0004"),
        (NotPaid(None, "busy", "another payment"), "busy", "", ""),
        (NotPaid(None, "terminal_unavailable", "T3"), "terminal_unavailable", "", ""),
        (NotPaid(record("reversed"), "library_refused", "refused"), "library_refused", "",
         "000017/0004"),
        (NotPaid(None, "offline", "unreachable"), "offline", "", ""),
        (SentToStaff(record("to_staff")), "to_staff", "", "000017/0004"),
    ],
)  # fmt: skip
def test_every_outcome_becomes_a_stage(result, outcome, detail, reference) -> None:
    flow = Flow(Desk(result))
    flow.tap(PayOpened())
    flow.tap(PayAllChosen())
    flow.tap(PayConfirmed())
    view = flow.view
    assert (view.stage, view.outcome, view.detail, view.reference) == (
        "outcome", outcome, detail, reference)  # fmt: skip
    assert view.receipt_choices == ()  # a receipt only for a payment made
    flow.tap(PayBack())
    assert flow.port.state().screen is Screen.ACCOUNT


def test_a_refused_choice_goes_back_to_choosing() -> None:
    flow = Flow(Desk(ChoiceRefused(AllocationRefused("unknown_fee", "F9"))))
    flow.tap(PayOpened())
    flow.tap(PayAllChosen())
    flow.tap(PayConfirmed())
    assert (flow.view.stage, flow.view.refusal) == ("choose", "unknown_fee")


def test_the_library_system_unreachable_while_listing_fees() -> None:
    flow = Flow(Desk(owed=LibraryUnavailable("down")))
    flow.tap(PayOpened())
    assert (flow.view.stage, flow.view.outcome) == ("outcome", "offline")


def test_a_desk_that_fails_says_see_a_librarian() -> None:
    class Broken(Desk):
        async def pay(self, *args, **kwargs):
            raise RuntimeError("bug")

    flow = Flow(Broken())
    flow.tap(PayOpened())
    flow.tap(PayAllChosen())
    flow.tap(PayConfirmed())
    assert flow.view.outcome == "failed"


def test_the_visit_cannot_end_while_the_terminal_has_the_card() -> None:
    flow = Flow(Desk(Paid(record(), 0)))
    flow.tap(PayOpened())
    flow.tap(PayAllChosen())
    flow.port.send(PayConfirmed())  # the payment task is not run yet: still at the terminal
    assert flow.view.stage == "terminal"
    flow.port.send(TimedOut())
    flow.port.send(Finished())
    assert flow.port.state().screen is Screen.PAY
    assert not any(isinstance(i, TimedOut | Finished) for i in flow.inner.sent)
    flow.inner.publish(UiState(Screen.ATTRACT, AttractView("Biblioteka")))
    assert flow.port.state().screen is Screen.PAY  # the outcome is still shown when it comes
    flow.tap(StillHere())
    assert flow.view.outcome == "paid"
    assert not flow.port.state().core_timed  # the app's own countdown clears it, not the core
    flow.tap(TimedOut())
    assert flow.port.state().screen is Screen.ATTRACT


def test_a_timed_out_visit_leaves_no_payment_on_screen() -> None:
    flow = Flow(Desk())
    flow.tap(PayOpened())
    assert flow.view.stage == "choose"
    flow.inner.publish(UiState(Screen.ATTRACT, AttractView("Biblioteka")))
    assert flow.port.state().screen is Screen.ATTRACT
    assert flow.shown[-1].screen is Screen.ATTRACT


def test_the_core_warning_shows_over_the_payment_screen() -> None:
    flow = Flow(Desk())
    flow.tap(PayOpened())
    flow.inner.publish(UiState(Screen.ACCOUNT, flow.inner.current.view, True, 10))
    state = flow.shown[-1]
    assert (state.screen, state.core_timed, state.warning_s) == (Screen.PAY, True, 10)


def test_without_a_receipt_desk_the_outcome_offers_no_receipt() -> None:
    flow = Flow(Desk(Paid(record(), 0)), receipts=False)
    flow.tap(PayOpened())
    flow.tap(PayAllChosen())
    flow.tap(PayConfirmed())
    assert flow.view.outcome == "paid" and flow.view.receipt_choices == ()


class StaffDesk(Desk):
    def __init__(self, close=None) -> None:
        super().__init__()
        self.close = close

    def today(self) -> list[PaymentRecord]:
        return [record(), record("reversed")]

    async def end_of_day(self):
        if isinstance(self.close, Exception):
            raise self.close
        return self.close


def staff_flow(desk: Desk) -> Flow:
    flow = Flow(desk)
    flow.inner.current = UiState(Screen.STAFF, StaffView("******0001"))
    return flow


def test_staff_see_todays_payments_and_run_the_end_of_day() -> None:
    close = TerminalClose("kiosk-1", NOW, 1, 470)
    flow = staff_flow(StaffDesk(close))
    assert flow.port.state().view.offers_payments
    flow.tap(StaffActionRequested("payments"))
    view = flow.view
    assert view.stage == "staff"
    assert [(p.state, p.amount_cents, p.library_card, p.bank_card) for p in view.payments] == [
        ("paid", 470, "******0001", "************1111"),
        ("reversed", 470, "******0001", "************1111"),
    ]
    flow.port.send(PayEndOfDay())
    assert flow.view.stage == "closing"
    flow.tap(StillHere())
    assert (flow.view.stage, flow.view.close_count, flow.view.close_cents) == ("staff", 1, 470)
    flow.tap(PayBack())
    assert flow.port.state().screen is Screen.STAFF


def test_a_failed_end_of_day_is_shown() -> None:
    flow = staff_flow(StaffDesk(RuntimeError("terminal did not answer")))
    flow.tap(StaffActionRequested("payments"))
    flow.tap(PayEndOfDay())
    assert flow.view.close_failed and flow.view.close_count is None


def test_payments_are_not_shown_outside_staff_mode() -> None:
    flow = Flow(StaffDesk())
    flow.tap(StaffActionRequested("payments"))
    assert flow.port.state().screen is Screen.ACCOUNT
