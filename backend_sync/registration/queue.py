"""The registration queue: a small SQLite file of its own that holds an application only while
it is being sent (implements kiosk.core.registration.sending.RegistrationQueue).

Two tables. ``held`` has the applicant's details (the application as JSON) and the
idempotency key, and only for pending applications. ``applications`` has what staff may see
and nothing personal: the SHA-256 of the key, the state, the application number, the backend,
the outcome in words and the times. Settling an application deletes its ``held`` row in the
same transaction that records the outcome; with ``PRAGMA secure_delete=ON`` the freed bytes
are overwritten with zeros, and a TRUNCATE checkpoint then empties the write-ahead log, whose
older frames would still carry them. The file is created 0600 (SQLite gives its -wal and -shm
the same mode). WAL, synchronous=FULL: a write-ahead that returned survives a kill -9.

Blocking sqlite3 calls run in a worker thread (asyncio.to_thread); one connection per call,
so the kiosk's sync worker and a `kiosk registration` command can share the file.
Never logs an applicant's details.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from backend_sync.store.private_files import private_sqlite
from kiosk.core.registration.model import Address, Application, Contact
from kiosk.core.registration.sending import Backlog, PendingApplication, QueueState

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS applications (
        key_hash TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        backend TEXT NOT NULL,
        number TEXT NOT NULL DEFAULT '',
        words TEXT NOT NULL DEFAULT '',
        attempts INTEGER NOT NULL DEFAULT 0,
        queued_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        settled_at TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS applications_queued ON applications (queued_at)",
    """CREATE TABLE IF NOT EXISTS held (
        key_hash TEXT PRIMARY KEY REFERENCES applications (key_hash),
        idempotency_key TEXT NOT NULL,
        application TEXT NOT NULL
    )""",
)


def key_hash(idempotency_key: str) -> str:
    return hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()


def encode_application(app: Application) -> str:
    return json.dumps(
        {
            "first_name": app.first_name, "surname": app.surname,
            "birth_date": app.birth_date.isoformat(),
            "address": [app.address.street, app.address.city, app.address.postcode],
            "email": app.email, "phone": app.phone,
            "preferred_contact": app.preferred_contact.value, "language": app.language,
            "consent_accepted": app.consent_accepted, "consent_version": app.consent_version,
            "parent_consent": app.parent_consent, "extras": [list(e) for e in app.extras],
        },
        ensure_ascii=False,
    )  # fmt: skip


def decode_application(text: str) -> Application:
    data: dict[str, Any] = json.loads(text)
    return Application(
        first_name=data["first_name"], surname=data["surname"],
        birth_date=date.fromisoformat(data["birth_date"]), address=Address(*data["address"]),
        email=data["email"], phone=data["phone"],
        preferred_contact=Contact(data["preferred_contact"]), language=data["language"],
        consent_accepted=data["consent_accepted"], consent_version=data["consent_version"],
        parent_consent=data["parent_consent"],
        extras=tuple((str(k), str(v)) for k, v in data["extras"]),
    )  # fmt: skip


@dataclass(frozen=True)
class QueueRow:
    """One application as staff see it: no personal data."""

    key_hash: str
    state: str
    backend: str
    number: str
    words: str
    attempts: int
    queued_at: str
    updated_at: str
    settled_at: str | None

    @property
    def masked_key(self) -> str:
        return self.key_hash[:8]


class RegistrationQueueFile:
    def __init__(self, path: str | Path, backend: str) -> None:
        self.path = Path(path)
        self.backend = backend
        private_sqlite(self.path)  # 0600 before SQLite creates it, side files too
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")
            for statement in SCHEMA:
                db.execute(statement)

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA secure_delete=ON")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            yield db
        finally:
            db.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # ---- the RegistrationQueue port (async: the sqlite3 calls run in a worker thread) ---
    async def write_ahead(self, key: str, application: Application, now: datetime) -> None:
        await asyncio.to_thread(self.write_ahead_now, key, application, now)

    async def settle(
        self, key: str, state: QueueState, words: str, number: str, now: datetime
    ) -> None:
        await asyncio.to_thread(self.settle_now, key, state, words, number, now)

    async def keep(self, key: str, reason: str, now: datetime) -> None:
        await asyncio.to_thread(self.keep_now, key, reason, now)

    async def pending(self) -> list[PendingApplication]:
        return await asyncio.to_thread(self.pending_now)

    async def backlog(self, now: datetime) -> Backlog:
        return await asyncio.to_thread(self.backlog_now, now)

    # ---- the same, blocking ----------------------------------------------------------
    def write_ahead_now(self, key: str, application: Application, now: datetime) -> None:
        digest, stamp = key_hash(key), now.isoformat()
        with self._transaction() as db:
            known = db.execute(
                "SELECT 1 FROM applications WHERE key_hash = ?", (digest,)
            ).fetchone()
            if known:
                return
            db.execute(
                "INSERT INTO applications (key_hash, state, backend, queued_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (digest, QueueState.PENDING.value, self.backend, stamp, stamp),
            )
            db.execute(
                "INSERT INTO held (key_hash, idempotency_key, application) VALUES (?, ?, ?)",
                (digest, key, encode_application(application)),
            )

    def settle_now(
        self, key: str, state: QueueState, words: str, number: str, now: datetime
    ) -> None:
        if state is QueueState.PENDING:
            raise ValueError("settle records a final state, not pending")
        digest, stamp = key_hash(key), now.isoformat()
        with self._transaction() as db:
            db.execute("DELETE FROM held WHERE key_hash = ?", (digest,))
            db.execute(
                "UPDATE applications SET state = ?, number = ?, words = ?, attempts ="
                " attempts + 1, updated_at = ?, settled_at = ? WHERE key_hash = ?",
                (state.value, number, words, stamp, stamp, digest),
            )
        self.checkpoint()

    def keep_now(self, key: str, reason: str, now: datetime) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE applications SET attempts = attempts + 1, words = ?, updated_at = ?"
                " WHERE key_hash = ? AND state = ?",
                (reason[:500], now.isoformat(), key_hash(key), QueueState.PENDING.value),
            )

    def pending_now(self) -> list[PendingApplication]:
        with self._db() as db:
            rows = db.execute(
                "SELECT h.idempotency_key, h.application, a.queued_at, a.attempts"
                " FROM held h JOIN applications a USING (key_hash)"
                " WHERE a.state = ? ORDER BY a.queued_at, a.key_hash",
                (QueueState.PENDING.value,),
            ).fetchall()
        return [
            PendingApplication(key, decode_application(app), datetime.fromisoformat(at), tries)
            for key, app, at, tries in rows
        ]

    def backlog_now(self, now: datetime) -> Backlog:
        with self._db() as db:
            count, oldest = db.execute(
                "SELECT count(*), min(queued_at) FROM applications WHERE state = ?",
                (QueueState.PENDING.value,),
            ).fetchone()
        if not count:
            return Backlog(0, None)
        age = (now - datetime.fromisoformat(oldest)).total_seconds()
        return Backlog(count, max(0.0, age))

    # ---- for staff (kiosk registration list|purge) ------------------------------------
    def rows(self, day: date | None = None) -> list[QueueRow]:
        query, args = "SELECT * FROM applications", ()
        if day is not None:
            query, args = query + " WHERE substr(queued_at, 1, 10) = ?", (day.isoformat(),)
        with self._db() as db:
            found = db.execute(query + " ORDER BY queued_at, key_hash", args).fetchall()
        return [QueueRow(*row) for row in found]

    def purge(self, before: datetime, *, pending: bool = False) -> int:
        """Delete settled rows last changed before ``before`` (and pending ones, with their
        details, when ``pending``). Returns how many rows went."""
        states = [s.value for s in QueueState if pending or s is not QueueState.PENDING]
        marks = ",".join("?" * len(states))
        where = f"state IN ({marks}) AND updated_at < ?"
        with self._transaction() as db:
            db.execute(
                f"DELETE FROM held WHERE key_hash IN (SELECT key_hash FROM applications"
                f" WHERE {where})",
                (*states, before.isoformat()),
            )
            gone = db.execute(
                f"DELETE FROM applications WHERE {where}", (*states, before.isoformat())
            )
            count = gone.rowcount
        self.checkpoint()
        return count

    def checkpoint(self) -> None:
        """Copy the log into the file and truncate it: freed frames leave the disk."""
        with self._db() as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
