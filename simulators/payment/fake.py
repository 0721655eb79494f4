"""FakeTerminal: the PaymentTerminal port in process, on the same behaviour model as the wire
simulator (simulators/models/payment_terminal.py), for unit tests of the patron flow."""

from __future__ import annotations

from device_drivers.payment import zvt_codes, zvt_outcomes
from kiosk.core.payments.terminal import (
    Aborted,
    Approved,
    BrandTotal,
    Confirmation,
    Currency,
    Declined,
    EndOfDay,
    Outcome,
    OutcomeUnknown,
    PaymentRequest,
    StatusListener,
    StatusShown,
    TerminalStatus,
)
from simulators.models.payment_terminal import Dialogue, JournalEntry, PaymentTerminalModel


class FakeTerminal:
    def __init__(self, model: PaymentTerminalModel | None = None, currency: str = "EUR") -> None:
        self.model = model or PaymentTerminalModel()
        self.currency = Currency.of(currency)

    async def authorise(self, request: PaymentRequest, on_status: StatusListener | None = None,
                        confirm: Confirmation | None = None) -> Outcome:  # fmt: skip
        return await self._pay("payment", request, on_status, confirm)

    async def pre_authorise(
        self, request: PaymentRequest, on_status: StatusListener | None = None
    ) -> Outcome:
        return await self._pay("pre_authorisation", request, on_status, None)

    async def _pay(self, kind: str, request: PaymentRequest, on_status: StatusListener | None,
                   confirm: Confirmation | None) -> Outcome:  # fmt: skip
        dialogue = self.model.begin(kind, request.amount_cents)
        if dialogue.silent:
            return OutcomeUnknown("terminal did not answer: no 80 00 (T3)")
        if dialogue.busy:
            return zvt_outcomes.declined(0x9C)
        for code in dialogue.statuses:
            if on_status is not None:
                on_status(StatusShown(zvt_codes.status_text(code)))
        entry = dialogue.entry
        if entry is None:
            return zvt_outcomes.declined(dialogue.result_code, dialogue.text)
        approved = self._approved(dialogue, entry)
        accepted = True if confirm is None else await confirm(approved)
        self.model.settle(entry, accepted)
        if not accepted:
            return Aborted("the kiosk refused the approval; the terminal reversed the payment")
        if dialogue.drop_after_approval:
            return OutcomeUnknown("the terminal closed the connection", approved)
        return approved

    def _approved(self, dialogue: Dialogue, entry: JournalEntry) -> Approved:
        card = self.model.card
        return Approved(entry.trace, entry.receipt, entry.amount_cents,
                        zvt_outcomes.masked_pan(card.masked_pan), card.brand, f"{entry.trace:06d}",
                        f"{self.model.terminal_id:08d}", ("PAYMENT", card.brand))  # fmt: skip

    async def book(self, reservation: Approved, amount_cents: int,
                   on_status: StatusListener | None = None) -> Outcome:  # fmt: skip
        code, entry = self.model.book(reservation.receipt_number, amount_cents)
        if code or entry is None:
            return zvt_outcomes.declined(code or 0x83)
        return Approved(entry.trace, entry.receipt, amount_cents, card_brand=entry.card_brand)

    async def release(self, reservation: Approved,
                      on_status: StatusListener | None = None) -> Outcome:  # fmt: skip
        code, entry = self.model.release(reservation.receipt_number)
        if code or entry is None:
            return zvt_outcomes.declined(code or 0x83)
        return Approved(entry.trace, entry.receipt, entry.amount_cents)

    async def reverse(self, receipt_number: int,
                      on_status: StatusListener | None = None) -> Outcome:  # fmt: skip
        code, entry = self.model.reverse(receipt_number)
        if code or entry is None:
            return zvt_outcomes.declined(code or 0x83)
        return Approved(entry.trace, entry.receipt, entry.booked_cents)

    async def abort(self) -> bool:
        return False  # the fake's dialogues finish at once: nothing to abort

    async def status(self) -> TerminalStatus:
        code = self.model.status_code()
        return TerminalStatus(code == 0, zvt_codes.terminal_status_text(code), "fake")

    async def end_of_day(
        self, on_status: StatusListener | None = None
    ) -> EndOfDay | Declined | OutcomeUnknown:
        totals = self.model.end_of_day()
        by_scheme: dict = totals["by_scheme"]  # type: ignore[assignment]
        brands = tuple(BrandTotal(k, v["count"], v["amount_cents"]) for k, v in by_scheme.items())
        return EndOfDay(int(totals["amount_cents"]), int(totals["count"]), brands)  # type: ignore[arg-type]

    async def close(self) -> None:
        return None
