"""The behaviour of a simulated card terminal, shared by the ZVT wire simulator
(simulators/payment/) and the in-process FakeTerminal, so the two cannot drift.

Owns: the faults that shape the next card dialogue, the trace and receipt counters, the
journal (every transaction and its state) and the end-of-day batch. Knows no bytes and no
sockets. Thread-safe: the control API changes faults while a connection thread runs.

Faults (`arm(name, count)`, count 0 = until cleared; `clear()` = approve everything):
  decline        the issuer declines (result 05)
  pin            the card asks for a PIN (extra intermediate statuses), then approves
  card_removed   the card is pulled out during reading (result 64, card not readable)
  timeout        the terminal never answers the command
  busy           the terminal answers 84 9C (busy) to the command
  drop_after_authorisation   the link drops right after the kiosk acknowledged the approval
  end_of_day_needed          payments refused (result 6A) and status F0 until an end-of-day

Journal states: pending (approval reported, not yet acknowledged), approved, reserved
(pre-authorisation), booked, released, reversed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime

from device_drivers.payment.zvt_codes import TOTALS_SCHEME_OF_CARD

FAULTS = ("decline", "pin", "card_removed", "timeout", "busy", "drop_after_authorisation",
          "end_of_day_needed")  # fmt: skip
UNTIL_CLEARED = -1
INSERT_CARD, PIN_PAD, WAIT_FOR_HOST, CARD_UNREADABLE, DECLINED, APPROVED = (
    0x0A, 0x01, 0x04, 0x0C, 0x1D, 0x1B)  # fmt: skip
RESULT_DECLINED, RESULT_UNREADABLE, RESULT_BATCH_FULL = 0x05, 0x64, 0x6A
RESULT_ALREADY_REVERSED, RESULT_NOT_POSSIBLE, RESULT_AMOUNT_WRONG = 0xB4, 0xB5, 0xB7


@dataclass(frozen=True)
class Card:
    brand: str = "Visa"
    card_type: int = 10  # ZVT card-type id
    pan: str = "4111111111111111"
    expiry: int = 2812  # YYMM

    @property
    def masked_pan(self) -> str:
        return self.pan[:6] + "E" * (len(self.pan) - 10) + self.pan[-4:]


@dataclass(frozen=True)
class Timings:
    """Realism delays in seconds; tests set them to 0."""

    card_wait_s: float = 1.5  # from "insert card" to the card being read
    pin_s: float = 2.0
    host_s: float = 0.8
    repeat_s: float = 2.0  # before repeating a status information answered 84 9C

    def scaled(self, factor: float) -> Timings:
        return Timings(*(v * factor for v in asdict(self).values()))


@dataclass
class JournalEntry:
    trace: int
    receipt: int
    amount_cents: int
    kind: str  # payment | pre_authorisation
    state: str
    card_brand: str
    card_type: int
    at: str
    booked_cents: int = 0
    batch: int = 1


@dataclass(frozen=True)
class Dialogue:
    """What the next card dialogue will do, decided when the command arrives."""

    statuses: tuple[int, ...] = ()
    result_code: int = 0
    text: str = ""
    entry: JournalEntry | None = None
    silent: bool = False
    busy: bool = False
    drop_after_approval: bool = False
    pin: bool = False


@dataclass
class _State:
    faults: dict[str, int] = field(default_factory=dict)
    journal: list[JournalEntry] = field(default_factory=list)
    trace: int = 0
    receipt: int = 0
    batch: int = 1


class PaymentTerminalModel:
    def __init__(
        self,
        terminal_id: int = 52500001,
        password: int = 0,
        card: Card = Card(),
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.terminal_id, self.password, self.card, self.clock = terminal_id, password, card, clock
        self._lock = threading.Lock()
        self._s = _State()

    # -- faults ---------------------------------------------------------------------------

    def arm(self, name: str, count: int = 1) -> None:
        if name not in FAULTS:
            raise ValueError(f"unknown fault {name!r}; known: approve, {', '.join(FAULTS)}")
        if count < 0:
            raise ValueError("count must be 0 (until cleared) or more")
        with self._lock:
            self._s.faults[name] = count or UNTIL_CLEARED

    def clear(self) -> None:
        with self._lock:
            self._s.faults.clear()

    def faults(self) -> dict[str, int]:
        with self._lock:
            return dict(self._s.faults)

    def _take(self, name: str) -> bool:
        left = self._s.faults.get(name, 0)
        if left == 0:
            return False
        if left > 0:
            self._s.faults[name] = left - 1
            if left == 1:
                del self._s.faults[name]
        return True

    # -- transactions ---------------------------------------------------------------------

    def begin(self, kind: str, amount_cents: int) -> Dialogue:
        """A payment or pre-authorisation arrived: decide how its dialogue goes."""
        with self._lock:
            if self._take("timeout"):
                return Dialogue(silent=True)
            if self._take("busy"):
                return Dialogue(busy=True)
            if self._s.faults.get("end_of_day_needed"):
                return Dialogue(result_code=RESULT_BATCH_FULL, text="End-of-day required")
            if self._take("decline"):
                return Dialogue((INSERT_CARD, WAIT_FOR_HOST, DECLINED), RESULT_DECLINED,
                                "Declined by the card issuer")  # fmt: skip
            if self._take("card_removed"):
                return Dialogue((INSERT_CARD, CARD_UNREADABLE), RESULT_UNREADABLE)
            pin = self._take("pin")
            drop = self._take("drop_after_authorisation")
            entry = self._new_entry(kind, amount_cents)
        statuses = (INSERT_CARD, PIN_PAD, WAIT_FOR_HOST) if pin else (INSERT_CARD, WAIT_FOR_HOST)
        return Dialogue(statuses, 0, "", entry, drop_after_approval=drop, pin=pin)

    def _new_entry(self, kind: str, amount_cents: int) -> JournalEntry:
        self._s.trace += 1
        self._s.receipt = self._s.receipt % 9999 + 1
        entry = JournalEntry(self._s.trace, self._s.receipt, amount_cents, kind, "pending",
                             self.card.brand, self.card.card_type, self.clock().isoformat(),
                             batch=self._s.batch)  # fmt: skip
        self._s.journal.append(entry)
        return entry

    def settle(self, entry: JournalEntry, accepted: bool) -> None:
        """The kiosk acknowledged the approval (stored) or not (the terminal reverses it)."""
        with self._lock:
            if entry.state != "pending":
                return
            if not accepted:
                entry.state = "reversed"
            elif entry.kind == "pre_authorisation":
                entry.state = "reserved"
            else:
                entry.state, entry.booked_cents = "approved", entry.amount_cents

    def book(self, receipt: int, amount_cents: int) -> tuple[int, JournalEntry | None]:
        with self._lock:
            entry = self._find(receipt, "reserved")
            if entry is None:
                return RESULT_NOT_POSSIBLE, None
            if not 0 < amount_cents <= entry.amount_cents:
                return RESULT_AMOUNT_WRONG, entry
            entry.state, entry.booked_cents = "booked", amount_cents
            return 0, entry

    def release(self, receipt: int) -> tuple[int, JournalEntry | None]:
        with self._lock:
            entry = self._find(receipt, "reserved")
            if entry is None:
                return RESULT_NOT_POSSIBLE, None
            entry.state = "released"
            return 0, entry

    def reverse(self, receipt: int) -> tuple[int, JournalEntry | None]:
        with self._lock:
            entry = next((e for e in self._s.journal if e.receipt == receipt
                          and e.batch == self._s.batch), None)  # fmt: skip
            if entry is None or entry.state not in ("approved", "booked", "reversed"):
                return RESULT_NOT_POSSIBLE, entry
            if entry.state == "reversed":
                return RESULT_ALREADY_REVERSED, entry
            entry.state = "reversed"
            self._s.trace += 1
            return 0, replace(entry, trace=self._s.trace)

    def _find(self, receipt: int, state: str) -> JournalEntry | None:
        return next((e for e in self._s.journal if e.receipt == receipt and e.state == state
                     and e.batch == self._s.batch), None)  # fmt: skip

    # -- day and status -------------------------------------------------------------------

    def status_code(self) -> int:
        with self._lock:
            return 0xF0 if self._s.faults.get("end_of_day_needed") else 0x00

    def totals(self) -> dict[str, object]:
        """The open batch: what an end-of-day now would report."""
        with self._lock:
            return self._totals(self._s.batch)

    def _totals(self, batch: int) -> dict[str, object]:
        entries = [e for e in self._s.journal if e.batch == batch and e.state in
                   ("approved", "booked")]  # fmt: skip
        schemes: dict[str, list[int]] = {}
        for e in entries:
            scheme = TOTALS_SCHEME_OF_CARD.get(e.card_type, "others")
            count_amount = schemes.setdefault(scheme, [0, 0])
            count_amount[0] += 1
            count_amount[1] += e.booked_cents
        receipts = [e.receipt for e in self._s.journal if e.batch == batch]
        return {
            "batch": batch,
            "count": len(entries),
            "amount_cents": sum(e.booked_cents for e in entries),
            "by_scheme": {k: {"count": c, "amount_cents": a} for k, (c, a) in schemes.items()},
            "receipt_from": min(receipts, default=0),
            "receipt_to": max(receipts, default=0),
        }

    def end_of_day(self) -> dict[str, object]:
        """Close the batch: its totals; the next batch starts empty, the fault is cleared."""
        with self._lock:
            totals = self._totals(self._s.batch)
            self._s.batch += 1
            self._s.faults.pop("end_of_day_needed", None)
            self._s.trace += 1
            totals["trace"] = self._s.trace
            return totals

    def journal(self) -> list[dict[str, object]]:
        with self._lock:
            return [asdict(e) for e in self._s.journal]
