"""The locker store's tables and their migrations (SQLAlchemy Core, SQLite).

    locker_schema        version                       one row: the schema version applied
    locker_bank          code salt, keypad, unsent     one row: bank-wide state
    locker_compartments  number → use, door, service   one row per compartment
    locker_loads         item → compartment, patron    held (pending=0) and being loaded (1)
    locker_codes         salt + digest, never a code   pickup codes, active and spent
    locker_events        compartment use changes       append-only audit trail (no patron ids)
    locker_history       ended loads                   item, compartment, times, loaded_by,
                                                       outcome (no patron ids; version 2)

Migrations are an ordered list of functions, each run once in its own transaction and
recorded in ``locker_schema``: a few tables with one owner do not need a second Alembic
environment beside the main store's, and these tables are to move into that store's Alembic
chain (backend_sync/store/migrations) when the two are merged; version 1 below is then its
first locker revision. Never drops data on upgrade.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    select,
)

metadata = MetaData()

schema = Table("locker_schema", metadata, Column("version", Integer, nullable=False))
bank = Table(
    "locker_bank",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("format", Integer, nullable=False),
    Column("code_salt", LargeBinary, nullable=False),
    Column("keypad_wrong", Integer, nullable=False),
    Column("keypad_locked_until", String),
    Column("unsent_patrons", Text, nullable=False),  # JSON list
    Column("saved_at", String, nullable=False),
)
compartments = Table(
    "locker_compartments",
    metadata,
    Column("number", Integer, primary_key=True),
    Column("use", String, nullable=False),
    Column("door", String, nullable=False),
    Column("door_since", String),
    Column("out_of_service", Boolean, nullable=False),
    Column("handed_over", Text, nullable=False),  # JSON list of item ids
)
loads = Table(
    "locker_loads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", String, nullable=False, index=True),
    Column("compartment", Integer, nullable=False),
    Column("pending", Boolean, nullable=False),
    Column("position", Integer, nullable=False),
    Column("patron_id", String, nullable=False),
    Column("loaded_at", String, nullable=False),
    Column("deadline", String, nullable=False),
    Column("title", String, nullable=False),
    Column("language", String, nullable=False),
    Column("email", String, nullable=False),
    Column("phone", String, nullable=False),
    Column("loaded_by", String, nullable=False),
)
codes = Table(
    "locker_codes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("patron_id", String, nullable=False),
    Column("compartments", Text, nullable=False),  # JSON list
    Column("salt", LargeBinary, nullable=False),
    Column("digest", LargeBinary, nullable=False),
    Column("issued_at", String, nullable=False),
    Column("expires_at", String, nullable=False),
    Column("used_at", String),
    Column("revoked", Boolean, nullable=False),
)
events = Table(
    "locker_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String, nullable=False),
    Column("compartment", Integer, nullable=False),
    Column("before", String, nullable=False),
    Column("after", String, nullable=False),
    Column("items", Text, nullable=False),  # JSON list of item ids
)


# A load that ended (picked up, retrieved by staff, abandoned, left for staff): what the
# audit needs, without who it was for; the load's row with the patron is gone (store.py).
history = Table(
    "locker_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("item_id", String, nullable=False),
    Column("compartment", Integer, nullable=False),
    Column("loaded_at", String, nullable=False),
    Column("deadline", String, nullable=False),
    Column("ended_at", String, nullable=False),
    Column("loaded_by", String, nullable=False),
    Column("outcome", String, nullable=False),
)


def _v1(db: Connection) -> None:
    metadata.create_all(db, tables=[bank, compartments, loads, codes, events])


def _v2(db: Connection) -> None:
    metadata.create_all(db, tables=[history])


MIGRATIONS: list[Callable[[Connection], None]] = [_v1, _v2]
VERSION = len(MIGRATIONS)


class LockerStoreError(Exception):
    """The locker store cannot be opened or migrated (disk, permissions, a newer schema)."""


class SchemaTooNew(LockerStoreError):
    """The file was written by a newer kiosk: refuse rather than misread it."""


def migrate(db: Connection) -> int:
    """Bring the schema to VERSION inside the caller's transaction; returns the version."""
    if not inspect(db).has_table("locker_schema"):
        schema.create(db)
        db.execute(schema.insert().values(version=0))
    current = db.execute(select(schema.c.version)).scalar_one()
    if current > VERSION:
        raise SchemaTooNew(f"locker store is at version {current}, this kiosk knows {VERSION}")
    for number in range(current, VERSION):
        MIGRATIONS[number](db)
        db.execute(schema.update().values(version=number + 1))
    return VERSION
