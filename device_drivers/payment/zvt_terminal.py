"""`ZvtTerminal`: the PaymentTerminal port over ZVT, on TCP or a serial port.

Thin: builds the command, runs a ZvtSession over a Link and reads the result with
zvt_outcomes. One connection per operation (opened and closed here), one operation at a
time. Takes plain arguments; never reads kiosk.settings. Blocking serial I/O runs in worker
threads (zvt_links); nothing here blocks the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable

from device_drivers.payment import zvt_codes, zvt_outcomes, zvt_tlv
from device_drivers.payment.zvt_links import Link, LinkLost, link_for
from device_drivers.payment.zvt_messages import Message, bmp, message
from device_drivers.payment.zvt_session import (
    Decision,
    Finished,
    NeedDecision,
    Result,
    Send,
    ShowStatus,
    Timeouts,
    ZvtSession,
)
from kiosk.core.payments.terminal import (
    Approved,
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

log = logging.getLogger(__name__)
CONFIG_BYTE = 0xBE  # ECR prints receipts as text, wants 04 FF, PT keypad cannot start payments
PAYMENT_TYPE_PT_DECIDES = 0x40
DEFAULT_TIMEOUTS = Timeouts()


class ZvtTerminal:
    def __init__(
        self,
        url: str,
        password: int = 0,
        currency: Currency | str = "EUR",
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        *,
        register: bool = True,
        hold_answer_s: int = 60,
        hold_repeats: int = 10,
        decision_wait_s: float = 1.0,
        baudrate: int = 9600,
        connect_timeout_s: float = 5.0,
        poll_s: float = 0.2,
        link_factory: Callable[[], Link] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.password = password
        self.currency = currency if isinstance(currency, Currency) else Currency.of(currency)
        self.timeouts = timeouts
        self.register_first = register
        self.hold_answer_s, self.hold_repeats = hold_answer_s, hold_repeats
        self.decision_wait_s = decision_wait_s
        self.poll_s = poll_s
        self._link_factory = link_factory or (
            lambda: link_for(url, baudrate=baudrate, connect_timeout_s=connect_timeout_s)
        )
        self._clock = clock
        self._lock = asyncio.Lock()
        self._registered = False
        self._abort_wanted = False
        self._running = False

    # -- the port ------------------------------------------------------------------------

    async def authorise(
        self,
        request: PaymentRequest,
        on_status: StatusListener | None = None,
        confirm: Confirmation | None = None,
    ) -> Outcome:
        fields = [*self._amount(request)]
        if confirm is not None:  # tell the PT how long and how often to ask (research §5a)
            fields += [
                bmp("timeout", self.hold_answer_s),
                bmp("max_status_infos", self.hold_repeats),
            ]
        fields.append(bmp("payment_type", PAYMENT_TYPE_PT_DECIDES))
        command = message("authorisation", *fields)
        refused = [False]
        result = await self._operate(command, on_status, confirm, refused)
        return zvt_outcomes.outcome_of(result, refused_by_kiosk=refused[0])

    async def pre_authorise(
        self, request: PaymentRequest, on_status: StatusListener | None = None
    ) -> Outcome:
        command = message("pre_authorisation", *self._amount(request),
                          bmp("payment_type", PAYMENT_TYPE_PT_DECIDES))  # fmt: skip
        return zvt_outcomes.outcome_of(await self._operate(command, on_status))

    async def book(
        self, reservation: Approved, amount_cents: int, on_status: StatusListener | None = None
    ) -> Outcome:
        if not 0 < amount_cents <= reservation.amount_cents:
            raise ValueError("the booked amount must be positive and at most the reserved one")
        fields = [bmp("receipt_number", reservation.receipt_number), bmp("amount", amount_cents),
                  bmp("trace_number", reservation.trace_number)]  # fmt: skip
        if reservation.auth_code:
            fields.append(bmp("auth_code", reservation.auth_code))
        fields.append(bmp("currency", self.currency.numeric))
        command = message("book_total", *fields)
        return zvt_outcomes.outcome_of(await self._operate(command, on_status))

    async def release(
        self, reservation: Approved, on_status: StatusListener | None = None
    ) -> Outcome:
        command = message("pre_authorisation_reversal",
                          bmp("receipt_number", reservation.receipt_number),
                          bmp("currency", self.currency.numeric))  # fmt: skip
        return zvt_outcomes.outcome_of(await self._operate(command, on_status))

    async def reverse(
        self, receipt_number: int, on_status: StatusListener | None = None
    ) -> Outcome:
        command = message("reversal", bmp("receipt_number", receipt_number),
                          password=self.password)  # fmt: skip
        return zvt_outcomes.outcome_of(await self._operate(command, on_status))

    async def abort(self) -> bool:
        if not self._running:
            return False
        self._abort_wanted = True
        return True

    async def status(self) -> TerminalStatus:
        result = await self._operate(message("status_enquiry", password=self.password), None)
        if result.completion is None:
            reason = result.failure or zvt_codes.result_text(result.refused_code or 0xFF)
            return TerminalStatus(False, f"not answering: {reason}")
        code = int(result.completion.param("terminal_status", 0xFF))  # type: ignore[arg-type]
        version = str(result.completion.param("software_version", ""))
        return TerminalStatus(code == 0, zvt_codes.terminal_status_text(code), version)

    async def end_of_day(
        self, on_status: StatusListener | None = None
    ) -> EndOfDay | Declined | OutcomeUnknown:
        result = await self._operate(message("end_of_day", password=self.password), on_status)
        return zvt_outcomes.end_of_day_of(result)

    async def register(self) -> Outcome:
        """Registration (06 00): config byte BE, our currency, receipts as 06 D3 text blocks."""
        result = await self._operate(self._registration(), None, register=False)
        self._registered = result.ok
        return zvt_outcomes.outcome_of(result)

    async def close(self) -> None:
        """Log off (06 02), so the terminal stops waiting for this ECR."""
        if self._registered:
            await self._operate(message("log_off"), None, register=False)
            self._registered = False

    # -- running one operation -------------------------------------------------------------

    def _amount(self, request: PaymentRequest) -> list:
        if request.currency != self.currency:
            raise ValueError(f"the terminal is set up for {self.currency.alpha}")
        return [bmp("amount", request.amount_cents), bmp("currency", self.currency.numeric)]

    def _registration(self) -> Message:
        commands = zvt_tlv.TlvObject(b"\x26", (zvt_tlv.TlvObject(b"\x0a", b"\x06\xd3"),))
        return message("registration", bmp("service_byte", 0x01), bmp("tlv", (commands,)),
                       password=self.password, config_byte=CONFIG_BYTE,
                       currency=self.currency.numeric)  # fmt: skip

    async def _operate(
        self,
        command: Message,
        on_status: StatusListener | None,
        confirm: Confirmation | None = None,
        refused: list[bool] | None = None,
        register: bool = True,
    ) -> Result:
        async with self._lock:
            link = self._link_factory()
            try:
                await link.open()
            except LinkLost as exc:
                return Result(command.name, ok=False, failure=str(exc), failed_in="awaiting_ack")
            try:
                if register and self.register_first and not self._registered:
                    reg = await self._exchange(
                        link, ZvtSession(self._registration(), self.timeouts)
                    )
                    self._registered = reg.ok
                    if not reg.ok:
                        log.warning("zvt: registration failed: %s", reg.failure or reg.result_code)
                session = ZvtSession(command, self.timeouts, hold=confirm is not None)
                self._running = True
                return await self._exchange(link, session, on_status, confirm, refused)
            finally:
                self._running, self._abort_wanted = False, False
                await link.close()

    async def _exchange(
        self,
        link: Link,
        session: ZvtSession,
        on_status: StatusListener | None = None,
        confirm: Confirmation | None = None,
        refused: list[bool] | None = None,
    ) -> Result:
        decider = _Decider(confirm, self.decision_wait_s)
        outputs = deque(session.start(self._clock()))
        try:
            while True:
                while outputs:
                    out = outputs.popleft()
                    if isinstance(out, Finished):
                        return out.result
                    if isinstance(out, Send):
                        await link.send(out.apdu)
                    elif isinstance(out, ShowStatus) and on_status is not None:
                        on_status(StatusShown(out.text))
                    elif isinstance(out, NeedDecision):
                        decision = await decider.decide(out.info)
                        if refused is not None and decision == "refuse":
                            refused[0] = True
                        outputs.extend(session.answer(decision, self._clock()))
                outputs.extend(await self._next(link, session))
        except LinkLost as exc:
            outputs = deque(session.lost(str(exc)))
            return next(o.result for o in outputs if isinstance(o, Finished))
        finally:
            decider.cancel()

    async def _next(self, link: Link, session: ZvtSession) -> list:
        if self._abort_wanted and session.phase == "running":
            self._abort_wanted = False
            return session.abort()
        remaining = (session.deadline or 0) - self._clock()
        if remaining <= 0:
            return session.timed_out(self._clock())
        apdu = await link.receive(min(remaining, self.poll_s))
        return [] if apdu is None else session.receive(apdu, self._clock())


class _Decider:
    """Rule 4 of the session: asks `confirm` once, answers "later" (84 9C) until it has."""

    def __init__(self, confirm: Confirmation | None, wait_s: float) -> None:
        self.confirm, self.wait_s = confirm, wait_s
        self.task: asyncio.Task[bool] | None = None

    async def decide(self, info: Message) -> Decision:
        if self.confirm is None:
            return "accept"
        if self.task is None:
            self.task = asyncio.ensure_future(self.confirm(zvt_outcomes.approval_from(info)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self.task), self.wait_s)
        if not self.task.done():
            return "later"
        if self.task.cancelled() or self.task.exception() is not None:
            log.warning("zvt: the confirmation failed; refusing the payment")
            return "refuse"
        return "accept" if self.task.result() else "refuse"

    def cancel(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()
