"""Files at rest: the store, the locker store, the mail queue and the rooms cache, and the
-wal and -shm files SQLite makes beside them, are 0600 whatever the umask; an older file
left looser is tightened (group write and others' bits dropped); a kiosk group's read bit
(0640, as a technician may set it) is kept."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from backend_sync.lockers.store import open_engine as open_locker_store
from backend_sync.notify.outbox import open_mail_store
from backend_sync.rooms.cache_schema import open_engine as open_rooms_cache
from backend_sync.store.database import open_store
from backend_sync.store.private_files import private_sqlite


@contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


OPENERS: dict[str, Callable[[Path], Engine]] = {
    "store": open_store,
    "locker store": open_locker_store,
    "mail queue": open_mail_store,
    "rooms cache": open_rooms_cache,
}


@pytest.mark.parametrize("name", OPENERS)
def test_files_and_their_wal_and_shm_are_0600(name: str, tmp_path: Path) -> None:
    path = tmp_path / "data" / "file.sqlite"
    with umask(0o000):  # the loosest umask: SQLite alone would make them 0666
        engine = OPENERS[name](path)
        with engine.begin() as db:
            db.execute(text("PRAGMA journal_mode=WAL"))
            db.execute(text("CREATE TABLE IF NOT EXISTS t (x)"))
            db.execute(text("INSERT INTO t VALUES (1)"))
        with engine.connect() as db:  # a reader keeps the -wal and -shm in place
            db.execute(text("SELECT count(*) FROM t")).scalar()
            files = {p.name: mode(p) for p in path.parent.iterdir()}
        engine.dispose()
    assert {"file.sqlite", "file.sqlite-wal", "file.sqlite-shm"} <= set(files)
    assert {n: m for n, m in files.items() if n.startswith("file.sqlite")} == {
        n: 0o600 for n in files if n.startswith("file.sqlite")
    }


def test_an_older_looser_file_is_tightened_and_group_read_kept(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    open_store(path).dispose()
    path.chmod(0o666)  # as a kiosk before this one may have left it
    Path(f"{path}-wal").write_bytes(b"")
    Path(f"{path}-wal").chmod(0o606)
    engine = open_store(path)  # its pooled connection keeps the -wal until dispose
    assert mode(path) == 0o640  # no write for the group, nothing for others
    assert mode(Path(f"{path}-wal")) == 0o640  # SQLite gives it the main file's bits
    engine.dispose()
    path.chmod(0o640)  # a technician gave the kiosk group read access
    private_sqlite(path)
    assert mode(path) == 0o640


def test_an_existing_file_is_never_truncated(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite"
    path.write_bytes(b"keep me")
    private_sqlite(path)
    assert path.read_bytes() == b"keep me"
