"""Opening and migrating the store: WAL + synchronous=FULL, fresh and older files upgrade, the
migrations and schema.py agree."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, inspect, select

from backend_sync.store.database import StoreError, current_revision, open_store, upgrade
from backend_sync.store.outbox import OutboxStore
from backend_sync.store.schema import metadata, outbox


def test_a_fresh_file_is_created_in_wal_mode_at_the_newest_revision(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "new" / "store.sqlite")
    assert current_revision(engine) == "0004"
    with engine.connect() as db:
        assert db.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert db.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        # a bounded page cache per connection: memory does not grow with the file
        assert db.exec_driver_sql("PRAGMA cache_size").scalar() == -256
    assert {"outbox", "stat_session", "stat_transaction", "stat_offline"} <= set(
        inspect(engine).get_table_names()
    )


def test_a_file_at_an_older_revision_upgrades_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    old = open_store(path, migrate=False)
    upgrade(old, "0001")
    assert current_revision(old) == "0001"
    assert "stat_session" not in inspect(old).get_table_names()
    row = {
        "key": "k1", "kind": "checkin", "payload": '{"item_id": "1"}',
        "happened_at": "2026-11-20T10:00:00", "offline": True, "state": "pending",
        "attempts": 0, "in_doubt": False, "check": "{}", "result": "{}", "reason": "",
        "added_at": 0.0, "last_attempt_at": "", "finished_at": "",
    }  # fmt: skip
    with old.begin() as db:
        db.execute(insert(outbox).values(row))
    old.dispose()
    engine = open_store(path)
    assert current_revision(engine) == "0004"
    with engine.connect() as db:
        assert db.execute(select(outbox.c.key)).scalars().all() == ["k1"]
    assert "stat_session" in inspect(engine).get_table_names()
    store = OutboxStore(engine)  # the old row reads as an entry with the new columns filled
    assert store.get("k1").payload == {"item_id": "1"} and store.summary().pending == 1
    store.mark_rejected("k1", "not on loan", {})
    assert store.rejected()[0].resolved_at == ""


def test_migrations_create_exactly_the_tables_schema_py_describes(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "store.sqlite")
    with engine.connect() as db:
        assert compare_metadata(MigrationContext.configure(db), metadata) == []


def test_opening_twice_is_harmless(tmp_path: Path) -> None:
    open_store(tmp_path / "store.sqlite")
    assert current_revision(open_store(tmp_path / "store.sqlite")) == "0004"


def test_a_data_dir_that_cannot_be_created_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError, match="cannot create the data directory"):
        open_store(blocker / "sub" / "store.sqlite")


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    path.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(StoreError, match="cannot migrate"):
        open_store(path)
