"""The payment journal on disk: one SQLite file ([payments] journal_file), WAL and
synchronous=FULL through database.py's connection set-up, so a state the desk wrote survives a
kill -9 and a power cut. Implements kiosk.core.payments.journal.PaymentJournal and the
report's PaymentJournalReader.

Tables (created here: the journal is its own file, apart from the outbox's migrated store):
    payments          payment_id PK, day (started, library date), started_at, state,
                      open (start-up recovery has work), data (the entry as JSON)
    terminal_closes   id, day, at, data

Must never: hold a PIN or a full bank card number (the entry has neither), or block the
event loop (the async methods write in a worker thread).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict, replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from backend_sync.store.database import open_store
from kiosk.core.payments.journal import JournalEntry, record_of
from kiosk.core.payments.journal_codec import entry_from_data, entry_to_data
from kiosk.core.payments.records import BrandCount, PaymentRecord, TerminalClose

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS payments (
        payment_id TEXT PRIMARY KEY, day TEXT NOT NULL, started_at TEXT NOT NULL,
        state TEXT NOT NULL, open INTEGER NOT NULL, data TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS payments_day ON payments (day, started_at)",
    "CREATE INDEX IF NOT EXISTS payments_open ON payments (open, started_at)",
    """CREATE TABLE IF NOT EXISTS terminal_closes (
        id INTEGER PRIMARY KEY AUTOINCREMENT, day TEXT NOT NULL, at TEXT NOT NULL,
        data TEXT NOT NULL)""",
)
UNSETTLED = ("to_staff",)


class SqlitePaymentJournal:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        with engine.begin() as db:
            for statement in SCHEMA:
                db.execute(text(statement))

    @classmethod
    def open(cls, path: str | Path) -> SqlitePaymentJournal:
        """The journal at `path` (created with its directory). Raises StoreError."""
        return cls(open_store(path, migrate=False))

    # -- writing ----------------------------------------------------------------------------

    def write_now(self, entry: JournalEntry) -> None:
        saga = entry.saga
        row = {"id": saga.payment_id, "day": entry.started_at.date().isoformat(),
               "at": entry.started_at.isoformat(), "state": saga.state.value,
               "open": int(entry.open), "data": json.dumps(entry_to_data(entry))}  # fmt: skip
        with self.engine.begin() as db:
            db.execute(
                text("INSERT INTO payments VALUES (:id, :day, :at, :state, :open, :data) "
                     "ON CONFLICT (payment_id) DO UPDATE SET state = :state, open = :open, "
                     "data = :data"), row)  # fmt: skip

    async def write(self, entry: JournalEntry) -> None:
        await asyncio.to_thread(self.write_now, entry)

    def write_close_now(self, close: TerminalClose) -> None:
        data = json.dumps(asdict(close) | {"at": close.at.isoformat()})
        with self.engine.begin() as db:
            row = {"d": close.at.date().isoformat(), "a": close.at.isoformat(), "j": data}
            db.execute(text("INSERT INTO terminal_closes (day, at, data) VALUES (:d, :a, :j)"), row)

    async def write_close(self, close: TerminalClose) -> None:
        await asyncio.to_thread(self.write_close_now, close)

    # -- reading ----------------------------------------------------------------------------

    def entry(self, payment_id: str) -> JournalEntry | None:
        rows = self._entries("WHERE payment_id = :id", {"id": payment_id})
        return rows[0] if rows else None

    def open_entries_now(self) -> list[JournalEntry]:
        return self._entries("WHERE open = 1 ORDER BY started_at, rowid", {})

    async def open_entries(self) -> list[JournalEntry]:
        return await asyncio.to_thread(self.open_entries_now)

    def payments_on(self, day: date) -> list[PaymentRecord]:
        rows = self._entries(
            "WHERE day = :day ORDER BY started_at, rowid", {"day": day.isoformat()}
        )
        return [record_of(e) for e in rows]

    def unsettled(self) -> list[PaymentRecord]:
        """On the reconciliation list (to_staff) or not final, oldest first."""
        return [record_of(e) for e in self.unsettled_entries()]

    def unsettled_entries(self) -> list[JournalEntry]:
        return self._entries(
            "WHERE state NOT IN ('paid', 'reversed', 'not_charged') "
            "AND coalesce(json_extract(data, '$.resolved'), '') = '' "
            "ORDER BY started_at, rowid", {})  # fmt: skip

    def resolve(self, payment_id: str, note: str) -> bool:
        """Staff settled an unsettled payment by hand (`kiosk payments resolve`)."""
        if not note.strip():
            raise ValueError("say what was done: the note goes to the journal")
        entry = self.entry(payment_id)
        if entry is None or entry.resolved or entry.saga.state.value != "to_staff":
            return False
        self.write_now(replace(entry, resolved=note.strip()))
        return True

    def closes_on(self, day: date) -> list[TerminalClose]:
        with self.engine.connect() as db:
            query = "SELECT data FROM terminal_closes WHERE day = :d ORDER BY at, id"
            rows = db.execute(text(query), {"d": day.isoformat()}).all()
        return [_close(json.loads(r[0])) for r in rows]

    def state_counts(self) -> dict[str, int]:
        """How many payments are in each saga state (for the metrics)."""
        with self.engine.connect() as db:
            rows = db.execute(text("SELECT state, count(*) FROM payments GROUP BY state")).all()
        return {state: count for state, count in rows}

    def close(self) -> None:
        self.engine.dispose()

    def _entries(self, where: str, params: dict[str, str]) -> list[JournalEntry]:
        with self.engine.connect() as db:
            rows = db.execute(text(f"SELECT data FROM payments {where}"), params).all()
        return [entry_from_data(json.loads(r[0])) for r in rows]


def _close(data: dict) -> TerminalClose:
    brands = tuple(BrandCount(**b) for b in data.get("by_brand", ()))
    return TerminalClose(data["kiosk_id"], datetime.fromisoformat(data["at"]), data["count"],
                         data["amount_cents"], brands)  # fmt: skip
