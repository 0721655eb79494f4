"""The ECR side of one ZVT operation as a state table (PA00P015 §2, PA00P016 §3.4-3.5).

Rules:
  1. The ECR sends one command and waits T3 for the terminal's 80 00 (or 84 xx: refused).
     Log-off and abort-from-ECR end at that answer.
  2. Then every terminal message is answered at once, and T4 runs until completion (06 0F)
     or abort (06 1E). Each 04 FF and 04 0F restarts T4; a 04 FF may set T4 in minutes.
  3. 04 FF (intermediate status), 06 D1 / 06 D3 (print) are answered 80 00.
  4. 04 0F (status information) is answered 80 00, unless the session holds approvals open
     ("confirm" mode) and the result code is 00: then the adapter decides — accept (80 00),
     later (84 9C: the terminal asks again) or refuse (84 66: the terminal reverses).
  5. 06 0F and 06 1E are answered 80 00 and end the operation.
  6. The ECR may send 06 B0 (abort) while running; its 80 00 changes nothing — the outcome
     still comes from the running command's own messages.
  7. A timeout or a lost link ends the operation with a failure the adapter reports.

  phase          event            -> phase
  ready          sent             -> awaiting_ack
  awaiting_ack   acked            -> running        (acked_final -> done for 06 02, 06 B0)
  awaiting_ack   refused|timed_out|lost -> done
  running        status|print|acked|refused|abort_sent -> running
  running        info             -> deciding
  deciding       answered         -> running
  running        completed|aborted|timed_out|lost -> done
  deciding       timed_out|lost   -> done

Pure: APDUs and `now` (seconds, monotonic) in, outputs out. The adapter does the I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from device_drivers.payment import zvt_codes, zvt_messages
from device_drivers.payment.zvt_apdu import Apdu
from device_drivers.payment.zvt_errors import ZvtProtocolError
from device_drivers.payment.zvt_messages import Message
from device_drivers.payment.zvt_receipts import Receipt, ReceiptAssembler

Phase = Literal["ready", "awaiting_ack", "running", "deciding", "done"]
Event = Literal["sent", "acked", "acked_final", "refused", "timed_out", "lost", "status",
                "print", "abort_sent", "info", "answered", "completed", "aborted"]  # fmt: skip
Decision = Literal["accept", "later", "refuse"]

TABLE: dict[tuple[Phase, Event], Phase] = {
    ("ready", "sent"): "awaiting_ack",
    ("awaiting_ack", "acked"): "running",
    ("awaiting_ack", "acked_final"): "done",
    ("awaiting_ack", "refused"): "done",
    ("awaiting_ack", "timed_out"): "done",
    ("awaiting_ack", "lost"): "done",
    ("running", "status"): "running",
    ("running", "print"): "running",
    ("running", "acked"): "running",
    ("running", "refused"): "running",
    ("running", "abort_sent"): "running",
    ("running", "info"): "deciding",
    ("deciding", "answered"): "running",
    ("running", "completed"): "done",
    ("running", "aborted"): "done",
    ("running", "timed_out"): "done",
    ("running", "lost"): "done",
    ("deciding", "timed_out"): "done",
    ("deciding", "lost"): "done",
}
ACK_ONLY = {(0x06, 0x02), (0x06, 0xB0)}
ANSWERS: dict[Decision, Message] = {
    "accept": zvt_messages.ack(),
    "later": zvt_messages.negative(0x9C),
    "refuse": zvt_messages.negative(0x66),
}


class IllegalTransition(Exception):
    """The adapter drove the session in an order the table does not allow (our bug)."""


@dataclass(frozen=True)
class Timeouts:
    """Seconds. T3: command to 80 00 (PA00P016 §3.5, 5 s default); T4: 80 00 to completion
    (180 s default, restarted by 04 FF and 04 0F)."""

    ack_s: float = 5.0
    completion_s: float = 180.0


@dataclass(frozen=True)
class Send:
    apdu: Apdu


@dataclass(frozen=True)
class ShowStatus:
    code: int
    text: str


@dataclass(frozen=True)
class NeedDecision:
    info: Message


@dataclass(frozen=True)
class Result:
    command: str
    ok: bool  # the terminal completed (06 0F), or acknowledged an ack-only command
    result_code: int | None = None  # from 06 1E, else from the last 04 0F
    refused_code: int | None = None  # xx of a 84 xx answer to our command
    infos: tuple[Message, ...] = ()
    receipts: tuple[Receipt, ...] = ()
    completion: Message | None = None
    abort: Message | None = None
    failure: str = ""  # why the operation ended without an answer
    failed_in: Phase | None = None
    accepted_info: bool = False  # we answered a 04 0F positively: the terminal may have booked
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finished:
    result: Result


Output = Send | ShowStatus | NeedDecision | Finished


@dataclass
class _Collected:
    infos: list[Message] = field(default_factory=list)
    receipts: ReceiptAssembler = field(default_factory=ReceiptAssembler)
    warnings: list[str] = field(default_factory=list)
    accepted_info: bool = False


class ZvtSession:
    def __init__(self, command: Message, timeouts: Timeouts = Timeouts(), hold: bool = False):
        self.command = command
        self.timeouts = timeouts
        self.hold = hold  # rule 4: approvals wait for the adapter's decision
        self.phase: Phase = "ready"
        self.deadline: float | None = None
        self._got = _Collected()

    def _go(self, event: Event) -> None:
        following = TABLE.get((self.phase, event))
        if following is None:
            raise IllegalTransition(f"{event} in phase {self.phase}")
        self.phase = following

    def start(self, now: float) -> list[Output]:
        self._go("sent")
        self.deadline = now + self.timeouts.ack_s
        return [Send(zvt_messages.to_apdu(self.command))]

    def abort(self) -> list[Output]:
        """Rule 6: ask the terminal to stop the running command."""
        self._go("abort_sent")
        return [Send(zvt_messages.to_apdu(zvt_messages.message("abort_from_ecr")))]

    def receive(self, apdu: Apdu, now: float) -> list[Output]:
        control = (self.command.cls, self.command.instr)
        try:
            message = zvt_messages.decode(apdu, after=control)
        except ZvtProtocolError as exc:
            return self._garbage(apdu, exc)
        if self.phase == "awaiting_ack":
            return self._first_answer(message, now)
        if self.phase != "running":
            raise IllegalTransition(f"{message.name} in phase {self.phase}")
        return self._running(message, now)

    def answer(self, decision: Decision, now: float) -> list[Output]:
        """Rule 4: the adapter's answer to the status information it was shown."""
        self._go("answered")
        self._got.accepted_info = self._got.accepted_info or decision == "accept"
        self.deadline = now + self.timeouts.completion_s
        return [Send(zvt_messages.to_apdu(ANSWERS[decision]))]

    def timed_out(self, now: float) -> list[Output]:
        waiting = "80 00 (T3)" if self.phase == "awaiting_ack" else "completion (T4)"
        return self._fail("timed_out", f"terminal did not answer: no {waiting}")

    def lost(self, reason: str = "link lost") -> list[Output]:
        return self._fail("lost", reason)

    def _first_answer(self, message: Message, now: float) -> list[Output]:
        if message.is_ack:
            if (self.command.cls, self.command.instr) in ACK_ONLY:
                self._go("acked_final")
                return [Finished(self._result(ok=True))]
            self._go("acked")
            self.deadline = now + self.timeouts.completion_s
            return []
        if message.is_negative:
            self._go("refused")
            return [Finished(self._result(ok=False, refused_code=message.instr))]
        return self._garbage_message(message)

    def _running(self, message: Message, now: float) -> list[Output]:
        ack = Send(zvt_messages.to_apdu(zvt_messages.ack()))
        match message.name:
            case "ack" | "negative_ack":
                self._go("acked" if message.is_ack else "refused")
                return []
            case "intermediate_status":
                self._go("status")
                minutes = message.param("timeout_minutes")
                limit = minutes * 60 if isinstance(minutes, int) and minutes else None
                self.deadline = now + (limit or self.timeouts.completion_s)
                code = int(message.param("status", 0))  # type: ignore[arg-type]
                return [ack, ShowStatus(code, zvt_codes.status_text(code))]
            case "print_line" | "print_text_block":
                self._go("print")
                self._got.receipts.add(message)
                return [ack]
            case "status_information":
                return self._info(message, now)
            case "completion" | "status_enquiry_completion":
                self._go("completed")
                return [ack, Finished(self._result(ok=True, completion=message))]
            case "abort":
                self._go("aborted")
                return [ack, Finished(self._result(ok=False, abort=message))]
        self._got.warnings.append(f"unexpected {message.name} while running; acknowledged")
        return [ack]

    def _info(self, message: Message, now: float) -> list[Output]:
        self._go("info")
        self._got.infos.append(message)
        self.deadline = now + self.timeouts.completion_s
        if self.hold and message.field("result_code") == 0:
            return [NeedDecision(message)]
        return self.answer("accept", now)

    def _garbage(self, apdu: Apdu, exc: ZvtProtocolError) -> list[Output]:
        if self.phase == "running" and apdu.control in ((0x04, 0xFF), (0x06, 0xD1), (0x06, 0xD3)):
            self._got.warnings.append(f"unreadable {apdu} acknowledged: {exc}")
            return [Send(zvt_messages.to_apdu(zvt_messages.ack()))]
        return self._fail("lost", f"terminal sent garbage: {exc} ({apdu})")

    def _garbage_message(self, message: Message) -> list[Output]:
        return self._fail("lost", f"terminal sent {message.name} instead of 80 00")

    def _fail(self, event: Event, reason: str) -> list[Output]:
        phase = self.phase
        self._go(event)
        return [Finished(self._result(ok=False, failure=reason, failed_in=phase))]

    def _result(self, ok: bool, **kw: object) -> Result:
        got = self._got
        abort = kw.get("abort")
        code = abort.param("result_code") if isinstance(abort, Message) else None
        if code is None and got.infos:
            code = got.infos[-1].field("result_code")
        return Result(
            command=self.command.name,
            ok=ok,
            result_code=code,  # type: ignore[arg-type]
            infos=tuple(got.infos),
            receipts=got.receipts.receipts(),
            accepted_info=got.accepted_info,
            warnings=tuple(got.warnings),
            **kw,  # type: ignore[arg-type]
        )
