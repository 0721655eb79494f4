"""The terminal's side of ZVT for one connection: read a command, play the dialogue the
model decided, wait for the ECR's answer to each message (PA00P015 §2). Blocking; one thread
per connection. The link carries whole APDUs (TCP or serial framing, see links.py).
"""

from __future__ import annotations

import logging
import time
from typing import Protocol

from device_drivers.payment import zvt_messages as zm
from device_drivers.payment.zvt_apdu import Apdu
from device_drivers.payment.zvt_errors import ZvtProtocolError
from device_drivers.payment.zvt_fields import TOTALS_SCHEMES, SchemeTotal, SingleTotals
from device_drivers.payment.zvt_messages import Message, bmp
from device_drivers.payment.zvt_receipts import print_block
from simulators.models.payment_terminal import Dialogue, JournalEntry, PaymentTerminalModel, Timings

log = logging.getLogger(__name__)
ANSWER_S = 5.0  # T3 the terminal gives the ECR for each answer
CANCELLED, PROTOCOL_ERROR, NOT_POSSIBLE, BUSY = 0x6C, 0x9A, 0x83, 0x9C
SOFTWARE_VERSION = "knygomatas-sim 1.0"


class PtLink(Protocol):
    def send(self, apdu: Apdu) -> None: ...
    def receive(self, timeout_s: float) -> Apdu | None: ...
    def close(self) -> None: ...


class Dropped(Exception):
    """The simulated terminal hangs up on purpose (a fault)."""


class Conversation:
    def __init__(self, model: PaymentTerminalModel, link: PtLink, timings: Timings) -> None:
        self.model, self.link, self.timings = model, link, timings

    def handle(self, apdu: Apdu) -> None:
        try:
            command = zm.decode(apdu)
        except ZvtProtocolError as exc:
            log.info("payment sim: refused %s: %s", apdu, exc)
            self.link.send(zm.to_apdu(zm.negative(PROTOCOL_ERROR)))
            return
        handler = {
            "registration": self._registration,
            "authorisation": self._payment,
            "pre_authorisation": self._payment,
            "book_total": self._book,
            "pre_authorisation_reversal": self._release,
            "reversal": self._reversal,
            "status_enquiry": self._status,
            "end_of_day": self._end_of_day,
            "log_off": self._ack_only,
            "abort_from_ecr": self._ack_only,
        }.get(command.name)
        if handler is None:
            self.link.send(zm.to_apdu(zm.negative(NOT_POSSIBLE)))
            return
        handler(command)

    # -- helpers --------------------------------------------------------------------------

    def _send(self, message: Message, wait_s: float = ANSWER_S) -> Message | None:
        """Send, then the ECR's answer (None: it did not answer in time)."""
        self.link.send(zm.to_apdu(message))
        apdu = self.link.receive(wait_s)
        return zm.decode(apdu) if apdu is not None else None

    def _ack(self) -> None:
        self.link.send(zm.to_apdu(zm.ack()))

    def _wrong_password(self, command: Message) -> bool:
        given = command.param("password")
        if given is None or given == self.model.password:
            return False
        self._ack()
        self._send(zm.message("abort", result_code=NOT_POSSIBLE))
        return True

    def _wait(self, seconds: float) -> Message | None:
        """Pause for realism; an abort from the ECR (06 B0) arriving meanwhile is returned."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            apdu = self.link.receive(left)
            if apdu is not None and apdu.control == (0x06, 0xB0):
                self._ack()
                return zm.decode(apdu)
        return None

    def _info(self, dialogue: Dialogue, entry: JournalEntry | None, amount: int) -> Message:
        now = self.model.clock()
        fields = [bmp("result_code", dialogue.result_code), bmp("amount", amount)]
        if entry is not None:
            card = self.model.card
            fields += [
                bmp("trace_number", entry.trace), bmp("time", int(now.strftime("%H%M%S"))),
                bmp("date", int(now.strftime("%m%d"))), bmp("expiry_date", card.expiry),
                bmp("payment_type", 0x70 if dialogue.pin else 0x60),
                bmp("pan", card.masked_pan), bmp("terminal_id", self.model.terminal_id),
                bmp("auth_code", f"{entry.trace:06d}"), bmp("currency", 978),
                bmp("receipt_number", entry.receipt), bmp("card_type", card.card_type),
                bmp("card_name", card.brand),
            ]  # fmt: skip
        if dialogue.text:
            fields.append(bmp("additional_text", dialogue.text))
        return zm.message("status_information", *fields)

    def _receipt(self, kind: int, title: str, amount: int, entry: JournalEntry) -> bool:
        lines = (title, f"Terminal {self.model.terminal_id}", f"Trace {entry.trace}",
                 f"Receipt {entry.receipt}", f"{entry.card_brand}",
                 f"EUR {amount // 100}.{amount % 100:02d}")  # fmt: skip
        answer = self._send(zm.message("print_text_block", bmp("tlv", print_block(kind, lines))))
        return answer is not None and answer.is_ack

    def _finish(self, ok: bool, code: int = 0) -> None:
        if ok:
            self._send(zm.message("completion"))
        else:
            self._send(zm.message("abort", result_code=code))

    # -- commands -------------------------------------------------------------------------

    def _ack_only(self, command: Message) -> None:
        self._ack()

    def _registration(self, command: Message) -> None:
        if self._wrong_password(command):
            return
        self._ack()
        self._send(zm.message("completion", bmp("payment_type", 0x10),
                              bmp("terminal_id", self.model.terminal_id),
                              bmp("currency", 978)))  # fmt: skip

    def _status(self, command: Message) -> None:
        if self._wrong_password(command):
            return
        self._ack()
        self._send(zm.message("status_enquiry_completion", software_version=SOFTWARE_VERSION,
                              terminal_status=self.model.status_code()))  # fmt: skip

    def _payment(self, command: Message) -> None:
        amount = int(command.field("amount", 0))  # type: ignore[arg-type]
        kind = "payment" if command.name == "authorisation" else "pre_authorisation"
        dialogue = self.model.begin(kind, amount)
        if dialogue.silent:
            return
        if dialogue.busy:
            self.link.send(zm.to_apdu(zm.negative(BUSY)))
            return
        self._ack()
        if not self._card_dialogue(dialogue):
            return
        if dialogue.entry is None:
            self._send(self._info(dialogue, None, amount))
            self._finish(False, dialogue.result_code)
            return
        self._approval(command, dialogue, dialogue.entry, amount)

    def _card_dialogue(self, dialogue: Dialogue) -> bool:
        t = self.timings
        delays = {0x0A: t.card_wait_s, 0x01: t.pin_s, 0x04: t.host_s}
        for status in dialogue.statuses:
            self._send(zm.message("intermediate_status", status=status))
            if self._wait(delays.get(status, 0.0)) is not None:
                if dialogue.entry is not None:
                    self.model.settle(dialogue.entry, False)
                self._finish(False, CANCELLED)
                return False
        return True

    def _approval(self, command: Message, dialogue: Dialogue, entry: JournalEntry, amount: int):
        wait_s = float(command.field("timeout", 30))  # type: ignore[arg-type]
        repeats_left = int(command.field("max_status_infos", 255))  # type: ignore[arg-type]
        answer = self._send(self._info(dialogue, entry, amount), wait_s)
        while answer is not None and answer.name == "negative_ack" and answer.instr == BUSY:
            if repeats_left <= 0:
                break
            repeats_left -= 1
            time.sleep(self.timings.repeat_s)
            answer = self._send(self._info(dialogue, entry, amount), wait_s)
        if answer is None or not answer.is_ack:
            self.model.settle(entry, False)  # not delivered: the terminal reverses
            self._finish(False, CANCELLED)
            return
        if dialogue.drop_after_approval:
            self.model.settle(entry, True)
            raise Dropped("fault: link dropped after the authorisation")
        if entry.kind == "payment":
            stored = self._receipt(2, "PAYMENT", amount, entry) and self._receipt(
                1, "PAYMENT (merchant copy)", amount, entry
            )
            self.model.settle(entry, stored)
            self._finish(stored, CANCELLED)
        else:
            self.model.settle(entry, True)
            self._finish(True)

    def _book(self, command: Message) -> None:
        receipt = int(command.field("receipt_number", 0))  # type: ignore[arg-type]
        amount = int(command.field("amount", 0))  # type: ignore[arg-type]
        self._ack()
        code, entry = self.model.book(receipt, amount)
        self._settled(code, entry, amount, "PAYMENT")

    def _release(self, command: Message) -> None:
        self._ack()
        code, entry = self.model.release(int(command.field("receipt_number", 0)))  # type: ignore[arg-type]
        self._settled(code, entry, entry.amount_cents if entry else 0, "RESERVATION RELEASED")

    def _reversal(self, command: Message) -> None:
        if self._wrong_password(command):
            return
        self._ack()
        code, entry = self.model.reverse(int(command.field("receipt_number", 0)))  # type: ignore[arg-type]
        self._settled(code, entry, entry.booked_cents if entry else 0, "REVERSAL")

    def _settled(self, code: int, entry: JournalEntry | None, amount: int, title: str) -> None:
        if code or entry is None:
            self._finish(False, code or NOT_POSSIBLE)
            return
        self._send(self._info(Dialogue(), entry, amount))
        self._receipt(2, title, amount, entry)
        self._finish(True)

    def _end_of_day(self, command: Message) -> None:
        if self._wrong_password(command):
            return
        self._ack()
        self._send(zm.message("intermediate_status", status=0x0E))
        totals = self.model.end_of_day()
        by_scheme: dict = totals["by_scheme"]  # type: ignore[assignment]
        schemes = tuple(SchemeTotal(name, by_scheme.get(name, {}).get("count", 0),
                                    by_scheme.get(name, {}).get("amount_cents", 0))
                        for name in TOTALS_SCHEMES)  # fmt: skip
        single = SingleTotals(int(totals["receipt_from"]), int(totals["receipt_to"]), schemes)  # type: ignore[arg-type]
        now = self.model.clock()
        self._send(zm.message("status_information", bmp("result_code", 0),
                              bmp("amount", int(totals["amount_cents"])),  # type: ignore[arg-type]
                              bmp("trace_number", int(totals["trace"])),  # type: ignore[arg-type]
                              bmp("time", int(now.strftime("%H%M%S"))),
                              bmp("date", int(now.strftime("%m%d"))),
                              bmp("single_totals", single)))  # fmt: skip
        lines = ("END OF DAY", f"Payments {totals['count']}",
                 f"Total EUR {int(totals['amount_cents']) / 100:.2f}")  # type: ignore[arg-type]  # fmt: skip
        self._send(zm.message("print_text_block", bmp("tlv", print_block(3, lines))))
        self._finish(True)
