"""The rooms cache's tables (SQLAlchemy Core) and opening the SQLite file in WAL mode.

Times are stored as ISO 8601 text with their UTC offset, days as YYYY-MM-DD. Only the rooms
cache (cache.py) reads and writes these tables.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine

from backend_sync.store.database import CACHE_KIB
from backend_sync.store.private_files import private_sqlite

metadata = MetaData()
locations_t = Table(
    "rooms_location", metadata, Column("lid", Integer, primary_key=True), Column("name", Text)
)
categories_t = Table(
    "rooms_category",
    metadata,
    Column("cid", Integer, primary_key=True),
    Column("lid", Integer),
    Column("name", Text),
    Column("rules", Text),
)
spaces_t = Table(
    "rooms_space",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("lid", Integer),
    Column("cid", Integer),
    Column("name", Text),
    Column("capacity", Integer),
)
hours_t = Table(
    "rooms_hours",
    metadata,
    Column("lid", Integer, primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("opens", String(32)),
    Column("closes", String(32)),
)
slots_t = Table(
    "rooms_slot",
    metadata,
    Column("space_id", Integer, primary_key=True),
    Column("start", String(32), primary_key=True),
    Column("end", String(32)),
    Column("day", String(10), index=True),
)
bookings_t = Table(
    "rooms_booking",
    metadata,
    Column("booking_id", String(64), primary_key=True),
    Column("space_id", Integer),
    Column("start", String(32)),
    Column("end", String(32)),
    Column("status", String(64)),
    Column("first_name", Text),
    Column("last_name", Text),
    Column("email", Text),
    Column("checked_in", Boolean),
    Column("day", String(10), index=True),
)
meta_t = Table(
    "rooms_meta", metadata, Column("key", String(64), primary_key=True), Column("value", Text)
)
checkins_t = Table(
    "rooms_checkin_queue",
    metadata,
    Column("booking_id", String(64), primary_key=True),
    Column("queued_at", String(32)),
    Column("state", String(16)),  # pending, refused
    Column("attempts", Integer),
    Column("last_error", Text),
)


def open_engine(path: str | Path) -> Engine:
    private_sqlite(path)  # 0600 with its -wal/-shm: bookings name patrons
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _wal(dbapi_connection, _record) -> None:  # WAL: readers never wait for a refresh
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA busy_timeout=5000")
        dbapi_connection.execute(f"PRAGMA cache_size=-{CACHE_KIB}")  # bounded page cache
        # a purged day's names and e-mails are zeroed on disk, not left in free pages
        dbapi_connection.execute("PRAGMA secure_delete=ON")

    metadata.create_all(engine)
    return engine
