"""The fiscal port's "journal" implementation (`[payments] cash_register = "journal"`): every
sale and refund the kiosk takes for good is appended to a JSON-lines file that a certified
cash register, an i.EKA bridge or the accountant's import can read.

One line per event, e.g.
    {"v": 1, "kind": "sale", "payment_id": "p-1", "kiosk_id": "centras",
     "at": "2026-11-25T09:15:40", "amount_cents": 1250, "currency": "EUR",
     "fee_types": ["overdue", "damage"], "trace_number": 101, "receipt_number": 11,
     "terminal_id": "52500012", "card_brand": "Visa", "card": "************4242"}

Rules:
  - Idempotent per (payment_id, kind): a call repeated after a crash writes nothing twice
    (the file itself is the memory: it is read once when first used).
  - Each line is written whole with one write(), then fsync'd, before the call returns.
  - A torn last line (power cut mid-write) is cut off before the next append and logged;
    a damaged line in the middle is kept as it is (never lose what is there) and skipped.
  - The file is created 0600. Never a full card number: the card as the report masks it.
  - Never raises for its own trouble (the payment is already settled): it logs, keeps the
    reason in `trouble` and calls `on_trouble`, so the composition root can report health.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.core.payments.records import PaymentRecord
from kiosk.core.payments.report import masked_bank_card

log = logging.getLogger("knygomatas.payments.cash_register")
VERSION = 1


class JournalCashRegister:
    def __init__(self, path: Path | str, on_trouble: Callable[[str], None] | None = None) -> None:
        self.path = Path(path)
        self.on_trouble = on_trouble
        self.trouble: str | None = None
        self._lock = threading.Lock()
        self._written: dict[tuple[str, str], dict[str, Any]] | None = None

    def record_sale(self, record: PaymentRecord) -> None:
        if record.charged_cents <= 0:
            log.warning("cash register: payment %s charged nothing; no sale", record.payment_id)
            return
        self._append("sale", record, record.charged_cents)

    def record_refund(self, record: PaymentRecord) -> None:
        """A paid payment given back: the amount of its sale line (or what was recorded)."""
        with self._lock:
            sale = self._entries().get((record.payment_id, "sale"))
        amount = int(sale["amount_cents"]) if sale else record.recorded_cents
        if amount <= 0:
            log.warning("cash register: refund of %s without an amount", record.payment_id)
            return
        self._append("refund", record, amount)

    def entries(self) -> list[dict[str, Any]]:
        """What the file holds, in order (for tests and `kiosk payments` tools)."""
        with self._lock:
            return list(self._entries().values())

    def _append(self, kind: str, record: PaymentRecord, amount_cents: int) -> None:
        try:
            with self._lock:
                entries = self._entries()
                if (record.payment_id, kind) in entries:
                    return
                line = _line(kind, record, amount_cents)
                self._write(json.dumps(line, ensure_ascii=False) + "\n")
                entries[(record.payment_id, kind)] = line
            self.trouble = None
        except OSError as exc:
            self._report(f"cannot write {self.path}: {exc}")

    def _entries(self) -> dict[tuple[str, str], dict[str, Any]]:
        if self._written is None:
            self._written = self._load()
        return self._written

    def _load(self) -> dict[tuple[str, str], dict[str, Any]]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        good_end = data.rfind(b"\n") + 1
        if good_end < len(data):
            data, good_end = self._mend_tail(data, good_end)
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for number, raw in enumerate(data[:good_end].splitlines(), start=1):
            try:
                line = json.loads(raw)
                found[(str(line["payment_id"]), str(line["kind"]))] = line
            except (ValueError, KeyError, TypeError):
                log.error("cash register: %s line %d is damaged: kept, skipped", self.path, number)
        return found

    def _mend_tail(self, data: bytes, good_end: int) -> tuple[bytes, int]:
        """The last line has no newline: the write was cut short. A whole line lacking only
        its newline is completed; anything else is cut off (its call will be repeated)."""
        tail = data[good_end:]
        try:
            whole = isinstance(json.loads(tail), dict)
        except ValueError:
            whole = False
        with open(self.path, "r+b") as handle:
            if whole:
                handle.seek(len(data))
                handle.write(b"\n")
                data, good_end = data + b"\n", len(data) + 1
            else:
                log.warning(
                    "cash register: %s: torn last line (%d bytes) cut off", self.path, len(tail)
                )
                handle.truncate(good_end)
            os.fsync(handle.fileno())
        return data, good_end

    def _write(self, text: str) -> None:
        new = not self.path.exists()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, text.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        if new:
            os.chmod(self.path, 0o600)  # whatever the umask
            _fsync_dir(self.path.parent)

    def _report(self, reason: str) -> None:
        self.trouble = reason
        log.error("cash register: %s", reason)
        if self.on_trouble is not None:
            self.on_trouble(reason)


def _line(kind: str, record: PaymentRecord, amount_cents: int) -> dict[str, Any]:
    at = record.settled_at or record.started_at
    return {
        "v": VERSION,
        "kind": kind,
        "payment_id": record.payment_id,
        "kiosk_id": record.kiosk_id,
        "at": at.isoformat(timespec="seconds"),
        "amount_cents": amount_cents,
        "currency": record.currency,
        "fee_types": list(dict.fromkeys(p.fee_type.value for p in record.postings if p.recorded)),
        "trace_number": record.trace_number,
        "receipt_number": record.receipt_number,
        "terminal_id": record.terminal_id,
        "card_brand": record.card_brand,
        "card": masked_bank_card(record.bank_card_masked),
    }


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
