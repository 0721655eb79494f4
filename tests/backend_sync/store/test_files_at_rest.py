"""Files at rest, the whole data_dir: under the loosest umask, a run that opens everything a
kiosk keeps on disk (the store with its replay lock and in-use lock, the payment journal, the
locker store with its claim lock, the mail queue, the rooms cache, the registration queue,
the registration desk ledger, the attempts ledger, the cash-register journal) leaves no file
in data_dir that anyone but the kiosk's user can read: every one, the empty lock files and
SQLite's -wal/-shm included, is 0600."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import text

from backend_sync.attempts.ledger import SqliteAttemptLedger
from backend_sync.lockers.store import SqliteLockerStore
from backend_sync.notify.outbox import open_mail_store
from backend_sync.payments.cash_register_journal import JournalCashRegister
from backend_sync.registration.desk_ledger import DeskLedger
from backend_sync.registration.queue import RegistrationQueueFile
from backend_sync.rooms.cache_schema import open_engine as open_rooms_cache
from backend_sync.store.database import open_store
from backend_sync.store.faults import hold_in_use
from backend_sync.store.outbox import OutboxStore
from backend_sync.store.payments_journal import SqlitePaymentJournal


def _touch_everything(data: Path) -> list[object]:
    """Open what a kiosk opens in its data_dir and keep it open (locks held, WAL present)."""
    held: list[object] = []
    store = OutboxStore(open_store(data / "store.sqlite"))
    held.append(hold_in_use(data / "store.sqlite"))
    with store.replay_lock() as mine:
        assert mine
    held.append(store)
    held.append(SqlitePaymentJournal.open(data / "payments.sqlite"))
    lockers = SqliteLockerStore(data / "lockers.sqlite")
    lockers.claim()
    held.append(lockers)
    for engine in (open_mail_store(data / "mail.sqlite"), open_rooms_cache(data / "rooms.sqlite")):
        with engine.begin() as db:
            db.execute(text("PRAGMA journal_mode=WAL"))
            db.execute(text("CREATE TABLE IF NOT EXISTS t (x)"))
            db.execute(text("INSERT INTO t VALUES (1)"))
        held.append(engine)
    held.append(RegistrationQueueFile(data / "registrations.sqlite", "koha"))
    held.append(DeskLedger(data / "desk-ledger.sqlite"))
    attempts = SqliteAttemptLedger(data / "attempts.sqlite")
    held.append(attempts)
    held.append(JournalCashRegister(data / "cash-register.jsonl"))
    return held


def test_every_file_in_data_dir_is_0600(tmp_path: Path) -> None:
    data = tmp_path / "data"
    old = os.umask(0o000)  # the loosest umask: every file would be world-readable by default
    try:
        held = _touch_everything(data)
        files = {
            str(p.relative_to(data)): stat.S_IMODE(p.stat().st_mode)
            for p in sorted(data.rglob("*"))
            if p.is_file()
        }
    finally:
        os.umask(old)
    names = set(files)
    expected = {"store.sqlite", "store.sqlite.replay-lock", "store.sqlite.in-use",
                "lockers.sqlite.lock", "registrations.sqlite", "desk-ledger.sqlite"}  # fmt: skip
    assert expected <= names, sorted(names)
    assert {name: mode for name, mode in files.items() if mode != 0o600} == {}, files
    for thing in held:
        close = getattr(thing, "close", None) or getattr(thing, "dispose", None)
        if close is not None:
            close()
        elif hasattr(thing, "engine"):
            thing.engine.dispose()
