"""The store on a disk that fills up, turns read-only, or holds a damaged file: it refuses
new entries with the fault named (StoreWatch, what /health shows), never loses one it
acknowledged, and is set aside and started fresh only by `recover` (a technician's word).
Real SQLite files; a child process with RLIMIT_FSIZE for the full disk (any user), a small
tmpfs where this machine lets us mount one."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from backend_sync.store.database import StoreError, open_store
from backend_sync.store.faults import (
    CORRUPT,
    DISK_ERROR,
    FULL,
    READ_ONLY,
    StoreWatch,
    check_store,
    recover,
    set_aside,
)
from backend_sync.store.outbox import OutboxStore
from kiosk.core.outbox import EntryKind, EntryState, OutboxEntry

CHILD = Path(__file__).with_name("full_disk_child.py")
sys.path.insert(0, str(CHILD.parent))
from disk_faults import damage, read_only  # noqa: E402  (a helper beside this file)

NOW = datetime.fromisoformat("2026-11-20T10:00:00+02:00")


def entry(number: int) -> OutboxEntry:
    payload = {"item_id": f"item-{number}", "card": "2100000002"}
    return OutboxEntry(f"k/{number:04d}", EntryKind.CHECKOUT, payload, NOW, offline=True)


def test_a_full_disk_refuses_and_keeps_every_acknowledged_entry(tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite"
    run = subprocess.run(
        [sys.executable, str(CHILD), str(db), "400000"],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    lines = run.stdout.splitlines()
    acked = [line.split()[1] for line in lines if line.startswith("ack ")]
    assert lines[-1].startswith("refused ") and len(acked) > 5
    assert lines[-1].split(" (")[0] in (f"refused {FULL}", f"refused {DISK_ERROR}")
    store = OutboxStore(open_store(db))  # space again (no limit here)
    assert [e.key for e in store.pending(len(acked) + 10)] == acked
    assert check_store(db).ok and check_store(db).pending == len(acked)
    store.engine.dispose()


def can_mount() -> bool:
    return (
        os.geteuid() == 0
        and subprocess.run(["which", "mount"], capture_output=True).returncode == 0
    )


@contextlib.contextmanager
def small_tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.mark.skipif(not can_mount(), reason="mounting a tmpfs needs root")
def test_a_small_tmpfs_fills_up_disk_full_then_recovers(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "mnt", "256k") as mnt:
        filler = mnt / "other-files"
        filler.write_bytes(bytes(96 * 1024))  # what else fills the disk, removed below
        engine = open_store(mnt / "store.sqlite")
        seen: list[str | None] = []
        StoreWatch(engine, seen.append)
        store = OutboxStore(engine)
        acked = []
        with pytest.raises(OperationalError):
            for number in range(10_000):
                store.add(entry(number))
                acked.append(entry(number).key)
        assert seen == [FULL] and acked
        assert check_store(mnt / "store.sqlite").fault == FULL  # below MIN_FREE_BYTES
        filler.unlink()  # the technician makes room
        assert [e.key for e in store.pending(len(acked) + 10)] == acked
        store.mark_done(acked[0], {})
        assert seen == [FULL, None]  # the first commit says the store is back
        engine.dispose()


def test_a_read_only_store_refuses_with_the_fault_named(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    db = directory / "store.sqlite"
    OutboxStore(open_store(db)).add(entry(1))
    with read_only(directory):
        check = check_store(db)
        assert (check.fault, check.ok) == (READ_ONLY, False)
        engine = open_store(db, migrate=False)
        seen: list[str | None] = []
        StoreWatch(engine, seen.append)
        with pytest.raises(OperationalError):
            OutboxStore(engine).add(entry(2))
        assert seen and seen[0] in (READ_ONLY, "cannot open")
        engine.dispose()
    store = OutboxStore(open_store(db))
    assert [e.key for e in store.pending()] == ["k/0001"]  # nothing lost
    store.engine.dispose()


def filled(db: Path, count: int) -> OutboxStore:
    store = OutboxStore(open_store(db))
    for number in range(count):
        store.add(entry(number))
    store.compact()  # everything in the main file, none left in the WAL
    return store


def test_a_damaged_file_is_found_kept_aside_and_replaced_only_on_recover(tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite"
    store = filled(db, 40)
    store.engine.dispose()
    assert check_store(db).ok
    damage(db, range(0, 1))  # the header page: "file is not a database"
    check = check_store(db)
    assert check.fault == CORRUPT and not check.ok
    with pytest.raises(StoreError):
        open_store(db)  # the kiosk refuses to start on it: no silent fresh store
    assert db.exists() and check_store(db).fault == CORRUPT  # untouched until told
    result = recover(db, NOW)
    assert result.aside == tmp_path / "store.sqlite.corrupt-20261120T080000Z"
    assert result.aside.exists() and (result.read, result.kept) == (0, 0)
    fresh = check_store(db)
    assert fresh.ok and fresh.pending == 0


def test_recover_keeps_the_pending_entries_it_can_still_read(tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite"
    store = filled(db, 300)
    store.mark_done("k/0000", {})
    store.compact()
    store.engine.dispose()
    pages = db.stat().st_size // 4096
    damage(db, range(pages - 3, pages - 1))  # a couple of pages near the end
    assert check_store(db).fault == CORRUPT
    result = recover(db, NOW)
    assert 0 < result.kept == result.read < 299  # what could be read, and no more
    fresh = OutboxStore(open_store(db))
    kept = fresh.pending(400)
    assert len(kept) == result.kept and all(e.state is EntryState.PENDING for e in kept)
    assert "k/0000" not in {e.key for e in kept}
    fresh.engine.dispose()


def test_set_aside_moves_the_wal_and_shm_too_and_never_deletes(tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").write_bytes(b"x" + suffix.encode())
    aside = set_aside(db, NOW)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "store.sqlite.corrupt-20261120T080000Z",
        "store.sqlite.corrupt-20261120T080000Z-shm",
        "store.sqlite.corrupt-20261120T080000Z-wal",
    ]
    assert Path(f"{aside}-wal").read_bytes() == b"x-wal"
