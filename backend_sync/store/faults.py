"""When the store's disk fails: naming the fault, watching a running store, checking a file,
and setting a damaged one aside for a fresh start that a technician asked for.

    classify(error)        SQLite's error -> "disk full" | "read-only" | "corrupt" | …
    StoreWatch(engine)     every failed statement reports its fault, the next commit "ok";
                           quarantine() refuses every transaction on a damaged file
    check_store(path)      what `kiosk store check` prints: integrity, writability, space
    hold_in_use(path)      the running kiosk's shared lock on <name>.in-use
    set_aside(path, now)   file, -wal and -shm renamed to <name>.corrupt-<UTC time>
    recover(path, now)     refused while a kiosk holds the file; else set aside, then a
                           fresh migrated store with the pending outbox entries that could
                           still be read copied in (the counts read and kept are returned)

What a patron was told lives in the outbox; so a store that cannot write refuses every new
transaction (kiosk/core/circulation/visit.py: write_ahead returns None, the patron reads
"kiosk.cannot_record") and never loses one it acknowledged. Nothing here deletes a file or
starts a fresh store by itself: ``recover`` runs only when a technician says so.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from sqlalchemy import event, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from backend_sync.store.database import StoreError, open_store
from backend_sync.store.private_files import private_opener
from backend_sync.store.schema import outbox

FULL, READ_ONLY, CORRUPT, CANNOT_OPEN, DISK_ERROR = (
    "disk full", "read-only", "corrupt", "cannot open", "disk error",
)  # fmt: skip
_BY_CODE = {
    "SQLITE_FULL": FULL,
    "SQLITE_READONLY": READ_ONLY,
    "SQLITE_CORRUPT": CORRUPT,
    "SQLITE_NOTADB": CORRUPT,
    "SQLITE_CANTOPEN": CANNOT_OPEN,
    "SQLITE_IOERR": DISK_ERROR,
}
MIN_FREE_BYTES = 5 * 1024 * 1024  # below this `check` warns: a day's entries need far less
SIDE_FILES = ("", "-wal", "-shm")


def classify(error: BaseException) -> str | None:
    """The disk fault behind a (SQLAlchemy-wrapped) SQLite error; None for anything else
    (a constraint, a busy lock: not the disk's fault)."""
    orig = error.orig if isinstance(error, DBAPIError) else error
    if not isinstance(orig, sqlite3.Error):
        return None
    name = getattr(orig, "sqlite_errorname", "") or ""
    for prefix, fault in _BY_CODE.items():
        if name.startswith(prefix):
            return fault
    text = str(orig).lower()
    if "disk is full" in text:
        return FULL
    if "readonly" in text or "read-only" in text:
        return READ_ONLY
    if "malformed" in text or "not a database" in text:
        return CORRUPT
    return None


class StoreWatch:
    """Reports the running store's state: ``report(fault)`` on the first statement that fails
    for a disk reason, ``report(None)`` on the first commit after it. Cheap: one call per
    change, not per statement."""

    def __init__(self, engine: Engine, report: Callable[[str | None], None]) -> None:
        self.engine = engine
        self.report = report
        self.fault: str | None = None
        event.listen(engine, "handle_error", self._failed)
        event.listen(engine, "commit", self._committed)

    def quarantine(self, fault: str) -> None:
        """A file found damaged: no transaction begins on it any more (every write is
        refused, so no new entry is piled on it) until a technician recovers it."""
        self.fault = fault
        self.report(fault)

        def refuse(_connection: object) -> None:
            raise StoreError(f"{self.engine.url.database}: the store is {fault}: refused")

        event.listen(self.engine, "begin", refuse)

    def _failed(self, context: object) -> None:
        fault = classify(getattr(context, "original_exception", None) or Exception())
        if fault is not None and fault != self.fault:
            self.fault = fault
            self.report(fault)

    def _committed(self, _connection: object) -> None:
        if self.fault is not None:
            self.fault = None
            self.report(None)


@dataclass(frozen=True)
class StoreCheck:
    path: Path
    fault: str | None  # None: healthy (or missing: a fresh one is made at start)
    detail: str
    pending: int | None = None  # outbox entries not yet at the ILS, when readable
    free_bytes: int | None = None

    @property
    def ok(self) -> bool:
        return self.fault is None


def check_store(path: str | Path) -> StoreCheck:
    """Integrity (PRAGMA quick_check), writability of the file and its directory, free space.
    Opens the file read-only: a check never changes it."""
    path = Path(path)
    free = _free_bytes(path.parent)
    if not path.exists():
        return StoreCheck(path, None, "no store yet: the kiosk creates one at start", 0, free)
    if not _writable(path) or not _writable(path.parent):
        return StoreCheck(path, READ_ONLY, "the file or its directory is not writable", None, free)
    try:
        problems, pending = _inspect(path)
    except sqlite3.Error as exc:
        return StoreCheck(path, classify(exc) or CORRUPT, str(exc), None, free)
    if problems != ["ok"]:
        return StoreCheck(path, CORRUPT, "; ".join(problems[:3]), None, free)
    if free is not None and free < MIN_FREE_BYTES:
        return StoreCheck(path, FULL, f"only {free} bytes free", pending, free)
    return StoreCheck(path, None, "ok", pending, free)


def _inspect(path: Path) -> tuple[list[str], int]:
    db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        problems = [row[0] for row in db.execute("PRAGMA quick_check")]
        (pending,) = db.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()
    finally:
        db.close()
    return problems, pending


def _writable(path: Path) -> bool:
    """Real writability: as root os.access says yes on a read-only mount, so ask statvfs."""
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return False
    except OSError:
        return False
    return os.access(path, os.W_OK)


def _free_bytes(directory: Path) -> int | None:
    try:
        return shutil.disk_usage(directory).free
    except OSError:
        return None


class StoreInUse(StoreError):
    """A running kiosk holds the store: it must be stopped before the file is set aside."""


def _in_use_file(path: Path) -> IO[bytes]:
    return open(path.with_name(path.name + ".in-use"), "ab", opener=private_opener)


def hold_in_use(path: str | Path) -> IO[bytes]:
    """A shared advisory lock the running kiosk holds for its lifetime (freed by the kernel
    when it dies, SIGKILL included); close the handle to let go."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = _in_use_file(path)
    fcntl.flock(handle, fcntl.LOCK_SH)
    return handle


def set_aside(path: str | Path, now: datetime) -> Path:
    """Rename the store and its -wal/-shm to ``<name>.corrupt-<YYYYmmddTHHMMSSZ>``; returns
    the new main file's path. Never deletes: the file is evidence and may hold entries."""
    path = Path(path)
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    for suffix in SIDE_FILES:
        source = Path(f"{path}{suffix}")
        if source.exists():
            os.replace(source, Path(f"{aside}{suffix}"))
    return aside


@dataclass(frozen=True)
class Recovery:
    aside: Path
    read: int  # pending outbox entries that could be read from the old file
    kept: int  # of them, copied into the fresh store


def recover(path: str | Path, now: datetime) -> Recovery:
    """Set the store aside and start a fresh one holding every pending outbox entry that
    could still be read from the old file (they are what patrons were told)."""
    path = Path(path)
    claim = _in_use_file(path)
    try:
        try:
            fcntl.flock(claim, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreInUse(f"{path}: a running kiosk uses this store; stop it first") from None
        rows = _readable_pending(path)
        aside = set_aside(path, now)
        engine = open_store(path)
        kept = 0
        try:
            for row in rows:
                with engine.begin() as db:
                    db.execute(insert(outbox).values(**row))
                kept += 1
        finally:
            engine.dispose()
    finally:
        claim.close()
    return Recovery(aside, len(rows), kept)


def _readable_pending(path: Path) -> list[dict[str, object]]:
    """Pending outbox rows, read row by row so one damaged page costs only its rows."""
    if not path.exists():
        return []
    try:
        engine = open_store(path, migrate=False)
    except StoreError:
        return []
    rows: list[dict[str, object]] = []
    try:
        with engine.connect() as db:
            keys = db.execute(select(outbox.c.seq).where(outbox.c.state == "pending")).all()
            for (seq,) in keys:
                try:
                    row = db.execute(select(outbox).where(outbox.c.seq == seq)).mappings().first()
                except DBAPIError:
                    continue
                if row is not None:
                    rows.append(dict(row))
    except DBAPIError:
        pass  # the index itself is damaged: what was read so far is all there is
    finally:
        engine.dispose()
    return rows
