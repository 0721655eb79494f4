"""The UI's port onto paying fines: a KioskPort that puts the payment screen in front of the
patron session port (CoreSession), the way kiosk/ui/rooms_session.py puts the room screens.

While no payment screen is open every intent and state passes straight through, except that
My account is told whether card payment is offered (AccountView.payment: "offered", or
"offline" while the library system is offline, when no payment is offered at all). "Pay"
(PayOpened) asks the payment desk what the patron owes and runs the stages of pay_views.py;
leaving them shows My account again, read afresh from the library system after a payment.

Decides no payment rule: the allocation (minimum, partial, which fees) is
kiosk.core.payments.fees.allocate's, the money saga the desk's (kiosk/core/payments/desk.py).
The card number and PIN of the signed-in patron come from ``credentials`` at the moment the
desk needs them and are never kept here. Every step touches the core's idle timer, and the
terminal's progress does too, so a patron busy at the card terminal is not timed out.
Desk calls run as tasks through ``spawn`` (the shared loop in `kiosk run`, a list in tests).

Staff: the staff screen is told card payments exist (StaffView.offers_payments); its "Card
payments" (StaffActionRequested("payments")) shows today's payments from the desk's journal
(desk.today(), cards masked) and a button that runs the terminal's end-of-day.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from kiosk.core.errors import LibrarySystemError
from kiosk.core.payments.fees import (
    Allocation,
    Choice,
    FeeRules,
    PayAll,
    PayAmount,
    PayChosen,
    allocate,
)
from kiosk.core.payments.results import (
    Paid,
    Progress,
)
from kiosk.core.receipt_delivery import InvalidEmailAddress
from kiosk.ui.presenters.intents import (
    AccountOpened,
    Cancelled,
    Finished,
    Intent,
    LanguageChosen,
    Listener,
    StaffActionRequested,
    StillHere,
    TimedOut,
)
from kiosk.ui.presenters.pay_receipt import ReceiptDeskLike, paid_receipt
from kiosk.ui.presenters.pay_results import (
    PaymentDeskPort,
    choose_view,
    fee_of_line,
    outcome_view,
    staff_line,
)
from kiosk.ui.presenters.pay_views import (
    PAY_INTENTS,
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
    StaffPaymentLine,
)
from kiosk.ui.presenters.views import AccountView, Screen, StaffView, UiState

log = logging.getLogger("knygomatas.ui.pay")
WORKING = ("terminal", "recording")
NO_RULES = FeeRules()  # no minimum, partial payments allowed


class PayFlow:
    def __init__(
        self,
        inner: Any,
        desk: PaymentDeskPort,
        *,
        credentials: Callable[[], tuple[str, str | None] | None],
        offline: Callable[[], bool] = lambda: False,
        rules: FeeRules = NO_RULES,
        receipts: Callable[[str, Any], ReceiptDeskLike] | None = None,
        library_name: str = "",
        kiosk_id: str = "",
        now: Callable[[], datetime] = datetime.now,
        spawn: Callable[[Awaitable[None]], object] | None = None,
        catalogs: Any = None,
    ) -> None:
        self.inner = inner
        self.desk = desk
        self.credentials = credentials
        self.offline = offline
        self.rules = rules
        self.receipts = receipts
        self.library_name, self.kiosk_id = library_name, kiosk_id
        self.now = now
        self.catalogs = catalogs
        self.language = ""
        self._spawn = spawn or asyncio.ensure_future
        self._listeners: list[Listener] = []
        self._own: PayView | None = None  # None: the wrapped port's screens are shown
        self._choice: Choice | None = None
        self._receipt: ReceiptDeskLike | None = None
        inner.subscribe(self._inner_changed)

    # -- KioskPort ---------------------------------------------------------------------------

    def state(self) -> UiState:
        if self._own is not None:
            # The core's idle timer runs the payment screens while its visit lasts; after it
            # (a payment that ended after a time-out) the app's own countdown clears them.
            inner = self.inner.state()
            return UiState(Screen.PAY, self._own, inner.core_timed, inner.warning_s)
        return self._offering(self.inner.state())

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def send(self, intent: Intent | Any) -> None:
        if isinstance(intent, LanguageChosen):
            self.language = intent.language
        if isinstance(intent, StaffActionRequested) and intent.action == "payments":
            self._staff()
            return
        if isinstance(intent, PAY_INTENTS):
            self.inner.send(StillHere())  # a tap on our screen is a sign of life for the core
            self._pay_intent(intent)
            return
        if self._own is not None and isinstance(intent, Finished | Cancelled | TimedOut):
            if self._own.stage in WORKING:
                return  # the terminal has the card: the visit ends after the outcome
            self._own = None
        self.inner.send(intent)

    # -- what the wrapped port shows ---------------------------------------------------------

    def _offering(self, state: UiState) -> UiState:
        view = state.view
        if state.screen is Screen.STAFF and isinstance(view, StaffView):
            return replace(state, view=replace(view, offers_payments=True))
        if state.screen is not Screen.ACCOUNT or not isinstance(view, AccountView):
            return state
        payment = "offline" if self.offline() else "offered"
        return replace(state, view=replace(view, payment=payment))

    def _inner_changed(self, state: UiState) -> None:
        if self._own is not None:
            ended = state.screen in (Screen.ATTRACT, Screen.GOODBYE, Screen.IDENTIFY)
            if not ended or self._own.stage in WORKING:
                self._emit()  # the core's idle warning shows on top of the payment screen
                return
            self._own = None  # the visit ended (timed out): nothing of it stays on screen
        self._emit()

    def _emit(self) -> None:
        state = self.state()
        for listener in list(self._listeners):
            listener(state)

    def _show(self, view: PayView | None) -> None:
        self._own = view
        self._emit()

    # -- the stages ----------------------------------------------------------------------------

    def _pay_intent(self, intent: Any) -> None:
        own = self._own
        match intent:
            case PayOpened():
                self._open()
            case PayFeeToggled(fee_id=fee_id) if own is not None and own.stage == "choose":
                fees = tuple(
                    replace(fee, chosen=not fee.chosen) if fee.fee_id == fee_id else fee
                    for fee in own.fees
                )
                self._show(replace(own, fees=fees, refusal=""))
            case PayAllChosen() if own is not None and own.stage == "choose":
                self._choose(own, PayAll())
            case PayChosenChosen() if own is not None and own.stage == "choose":
                self._choose(own, PayChosen(own.chosen_ids))
            case PayAmountOpened() if own is not None and own.stage == "choose":
                if own.can_type_amount:
                    self._show(replace(own, stage="amount", refusal=""))
            case PayAmountEntered(amount_cents=cents) if own is not None and own.stage == "amount":
                self._choose(own, PayAmount(cents))  # refused in words, or on to confirm
            case PayConfirmed() if own is not None and own.stage == "confirm":
                self._confirm(own)
            case PayReceiptChosen(kind=kind, email=email) if own is not None:
                if self._receipt is not None and own.receipt_choices:
                    self._spawn(self._deliver(kind, email))
            case PayEndOfDay() if own is not None and own.stage == "staff":
                self._show(replace(own, stage="closing", close_failed=False))
                self._spawn(self._end_of_day())
            case PayBack():
                self._back(own)

    def _open(self) -> None:
        if self._own is not None and self._own.stage in WORKING:
            return
        credentials = self.credentials()
        if credentials is None:
            return  # nobody signed in: nothing to pay for
        if self.offline():
            self._show(PayView("outcome", outcome="offline"))
            return
        self._receipt, self._choice = None, None
        self._show(PayView("loading"))
        self._spawn(self._load(*credentials))

    async def _load(self, card: str, pin: str | None) -> None:
        try:
            owed = await self.desk.owed(card, pin)
        except LibrarySystemError as exc:
            log.info("payment: the library system did not list the fees: %s", type(exc).__name__)
            view = PayView("outcome", outcome="offline")
        except Exception:
            log.exception("payment: listing the fees failed")
            view = PayView("outcome", outcome="terminal_unavailable")
        else:
            view = choose_view(owed, self.rules)
        if self._own is not None and self._own.stage == "loading":
            self._show(view)

    def _choose(self, own: PayView, choice: Choice) -> None:
        fees = [fee_of_line(fee) for fee in own.fees]
        allocation = allocate(fees, choice, self.rules)
        if not isinstance(allocation, Allocation):
            self._show(replace(own, refusal=allocation.reason))
            return
        self._choice = choice
        self._show(replace(own, stage="confirm", amount_cents=allocation.total_cents, refusal=""))

    def _confirm(self, own: PayView) -> None:
        credentials = self.credentials()
        if credentials is None or self._choice is None:
            return
        if self.offline():
            self._show(replace(own, stage="outcome", outcome="offline"))
            return
        self._show(replace(own, stage="terminal", progress="terminal", terminal_text=""))
        self._spawn(self._pay(own, self._choice, *credentials))

    def _progress(self, progress: Progress) -> None:
        own = self._own
        if own is None or own.stage not in WORKING:
            return
        self.inner.send(StillHere())
        if progress.stage == "terminal":
            text = progress.text or own.terminal_text
            self._show(replace(own, stage="terminal", progress="terminal", terminal_text=text))
        else:
            self._show(replace(own, stage="recording", progress=progress.stage))

    async def _pay(self, own: PayView, choice: Choice, card: str, pin: str | None) -> None:
        try:
            result = await self.desk.pay(card, pin, choice, on_progress=self._progress)
        except Exception:
            log.exception("payment: the desk failed")
            self._show(replace(own, stage="outcome", outcome="failed"))
            return
        self.inner.send(StillHere())
        view = outcome_view(own, result)
        if isinstance(result, Paid):
            view = self._with_receipt(view, result, card)
        self._show(view)

    def _with_receipt(self, view: PayView, paid: Paid, card: str) -> PayView:
        if self.receipts is None:
            return view
        texts = self._texts()
        receipt = paid_receipt(
            paid, view.fees, card, texts, self.library_name, self.kiosk_id, self.now()
        )
        self._receipt = self.receipts(paid.record.payment_id, receipt)
        choices = tuple(str(choice) for choice in self._receipt.choices())
        return replace(view, receipt_choices=choices, spoken_receipt=self._receipt.spoken())

    def _texts(self) -> Any:
        if self.catalogs is None:
            from kiosk.i18n import Catalogs

            self.catalogs = Catalogs()
        return self.catalogs.translator(self.language or "lt")

    async def _deliver(self, kind: str, email: str) -> None:
        desk, own = self._receipt, self._own
        if desk is None or own is None:
            return
        try:
            if kind == "print":
                outcome = await desk.print()
            elif kind == "email" and "email" in own.receipt_choices:
                outcome = await desk.email(email)
            else:
                outcome = desk.decline()
        except InvalidEmailAddress:
            return  # the choices stay: the patron types it again or chooses another way
        choices = tuple(str(choice) for choice in getattr(outcome, "offer", ()))
        if self._own is own:
            self._show(replace(own, receipt_choices=choices, receipt_done=str(outcome.state)))

    # -- staff ------------------------------------------------------------------------------

    def _staff(self) -> None:
        if self.inner.state().screen is not Screen.STAFF:
            return
        self._show(PayView("staff", payments=self._today()))

    def _today(self) -> tuple[StaffPaymentLine, ...]:
        try:
            records = self.desk.today()
        except Exception:  # the journal cannot be read: staff see an empty list, the log why
            log.exception("payment journal: today's payments")
            return ()
        return tuple(staff_line(record) for record in records)

    async def _end_of_day(self) -> None:
        try:
            close = await self.desk.end_of_day()
        except Exception as exc:  # EndOfDayFailed, or the terminal unreachable
            log.warning("terminal end-of-day failed: %s", exc)
            view = PayView("staff", payments=self._today(), close_failed=True)
        else:
            view = PayView("staff", payments=self._today(), close_count=close.count,
                           close_cents=close.amount_cents)  # fmt: skip
        if self._own is not None and self._own.stage == "closing":
            self._show(view)

    def _back(self, own: PayView | None) -> None:
        if own is None or own.stage in (*WORKING, "closing"):
            return
        if own.stage == "confirm":
            typed = isinstance(self._choice, PayAmount)
            self._show(replace(own, stage="amount" if typed else "choose", amount_cents=0))
            return
        if own.stage == "amount":
            self._show(replace(own, stage="choose", refusal=""))
            return
        if own.stage == "outcome" and own.receipt_choices:
            return  # the receipt decision first (one decision per payment)
        paid_or_tried = own.stage == "outcome"
        self._own, self._receipt, self._choice = None, None, None
        if paid_or_tried:
            self.inner.send(AccountOpened())  # My account read afresh: the new balance
        self._emit()
