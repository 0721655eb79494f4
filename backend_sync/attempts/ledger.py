"""The attempt ledger on one SQLite file (stdlib sqlite3, WAL), shared by the kiosk app and
the commands on the same machine.

    meta      (name PRIMARY KEY, value)          the salt, made once (random, 16 bytes)
    attempts  (scope, subject_hash, wrong, locked_until, PRIMARY KEY (scope, subject_hash))

Subjects (card numbers) are stored only as SHA-256 of salt + scope + subject: the file never
holds a card number or a PIN. ``update`` runs in BEGIN IMMEDIATE, so two processes counting
the same card cannot lose a wrong answer. The file (and its -wal/-shm) is created 0600
(backend_sync/store/private_files.py), by the first wrong answer: a kiosk nobody guesses at
never makes it.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from backend_sync.store.private_files import private_sqlite
from kiosk.core.attempts import Tries

log = logging.getLogger(__name__)
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS attempts (scope TEXT NOT NULL, subject_hash TEXT NOT NULL,"
    " wrong INTEGER NOT NULL, locked_until REAL NOT NULL, PRIMARY KEY (scope, subject_hash))",
)


class SqliteAttemptLedger:
    def __init__(self, path: str | Path, timeout_s: float = 10.0) -> None:
        self.path = Path(path)
        self.timeout_s = timeout_s
        self._db: sqlite3.Connection | None = None
        self._salt = b""
        self._lock = threading.Lock()
        self._memory: dict[str, Tries] = {}
        self._memory_salt = secrets.token_bytes(16)
        self._warned = False

    def _open(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        private_sqlite(self.path)  # 0600 before SQLite opens it; -wal/-shm take its bits
        db = sqlite3.connect(
            self.path, timeout=self.timeout_s, isolation_level=None, check_same_thread=False
        )
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("BEGIN IMMEDIATE")
        for statement in SCHEMA:
            db.execute(statement)
        db.execute(
            "INSERT OR IGNORE INTO meta (name, value) VALUES ('salt', ?)",
            (secrets.token_bytes(16),),
        )
        db.execute("COMMIT")
        self._salt = db.execute("SELECT value FROM meta WHERE name = 'salt'").fetchone()[0]
        self._db = db
        return db

    def _hash(self, scope: str, subject: str) -> str:
        return hashlib.sha256(self._salt + f"{scope}\x00{subject}".encode()).hexdigest()

    # -- the port: the file, or this process's memory while the file cannot be used ----------
    def read(self, scope: str, subject: str) -> Tries:
        try:
            return self._read(scope, subject)
        except (sqlite3.Error, OSError) as exc:
            return self._memory.get(self._fallback(scope, subject, exc), Tries())

    def update(self, scope: str, subject: str, change: Callable[[Tries], Tries]) -> Tries:
        try:
            return self._update(scope, subject, change)
        except (sqlite3.Error, OSError) as exc:
            key = self._fallback(scope, subject, exc)
            self._memory[key] = change(self._memory.get(key, Tries()))
            return self._memory[key]

    def forget(self, scope: str, subject: str) -> None:
        try:
            self._forget(scope, subject)
        except (sqlite3.Error, OSError) as exc:
            self._memory.pop(self._fallback(scope, subject, exc), None)

    def _fallback(self, scope: str, subject: str, exc: BaseException) -> str:
        """A store that cannot be written (full, read-only, damaged) must not open the door
        to guessing: the count goes on in memory for this process, with a warning."""
        if not self._warned:
            self._warned = True
            log.warning("attempt ledger %s unusable (%s): counting in memory only", self.path, exc)
        return hashlib.sha256(self._memory_salt + f"{scope}\x00{subject}".encode()).hexdigest()

    # -- the file ------------------------------------------------------------------------
    def _read(self, scope: str, subject: str) -> Tries:
        with self._lock:
            if self._db is None and not self.path.exists():
                return Tries()  # nothing was ever counted: no file made for a look
            db = self._open()
            row = db.execute(
                "SELECT wrong, locked_until FROM attempts WHERE scope = ? AND subject_hash = ?",
                (scope, self._hash(scope, subject)),
            ).fetchone()
        return Tries(*row) if row else Tries()

    def _update(self, scope: str, subject: str, change: Callable[[Tries], Tries]) -> Tries:
        with self._lock:
            db = self._open()
            key = (scope, self._hash(scope, subject))
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute(
                    "SELECT wrong, locked_until FROM attempts WHERE scope = ? AND subject_hash = ?",
                    key,
                ).fetchone()
                after = change(Tries(*row) if row else Tries())
                db.execute(
                    "INSERT OR REPLACE INTO attempts (scope, subject_hash, wrong, locked_until)"
                    " VALUES (?, ?, ?, ?)",
                    (*key, after.wrong, after.locked_until),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return after

    def _forget(self, scope: str, subject: str) -> None:
        with self._lock:
            if self._db is None and not self.path.exists():
                return
            db = self._open()
            db.execute(
                "DELETE FROM attempts WHERE scope = ? AND subject_hash = ?",
                (scope, self._hash(scope, subject)),
            )

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
