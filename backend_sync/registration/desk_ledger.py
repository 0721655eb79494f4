"""The desk backend's memory: which applications were e-mailed, without any personal data.

One small SQLite table (WAL, synchronous=FULL): the SHA-256 of the idempotency key, the
application number given to it, its day and whether the desk's mail server accepted it. No
name, address or e-mail is ever written here. Numbers are "<prefix>-YYYYMMDD-NNNN", counted
per day in this file, so a restarted kiosk never gives one number twice; a resend of the same
key gets the same number (the desk sees the same number twice at worst, never two readers).
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine

from backend_sync.store.private_files import private_sqlite

_meta = MetaData()
sent_applications = Table(
    "desk_applications",
    _meta,
    Column("key_hash", String(64), primary_key=True),
    Column("number", String(40), nullable=False, unique=True),
    Column("day", String(10), nullable=False, index=True),
    Column("sent", Integer, nullable=False, default=0),
)


def key_hash(idempotency_key: str) -> str:
    return hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()


class DeskLedger:
    def __init__(self, path: str | Path, prefix: str = "K") -> None:
        path = Path(path)
        private_sqlite(path)
        self.prefix = prefix
        self.engine: Engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})
        event.listen(self.engine, "connect", _pragmas)
        _meta.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def number_for(self, idempotency_key: str, today: date) -> str:
        """The key's application number: the one it already has, or the day's next one."""
        digest = key_hash(idempotency_key)
        with self.engine.begin() as db:
            known = db.scalar(
                select(sent_applications.c.number).where(sent_applications.c.key_hash == digest)
            )
            if known is not None:
                return known
            day = today.isoformat()
            count = db.scalar(select(func.count()).where(sent_applications.c.day == day)) or 0
            number = f"{self.prefix}-{today.strftime('%Y%m%d')}-{count + 1:04d}"
            db.execute(
                insert(sent_applications).values(key_hash=digest, number=number, day=day, sent=0)
            )
            return number

    def mark_sent(self, idempotency_key: str) -> None:
        with self.engine.begin() as db:
            db.execute(
                update(sent_applications)
                .where(sent_applications.c.key_hash == key_hash(idempotency_key))
                .values(sent=1)
            )

    def sent_number(self, idempotency_key: str) -> str | None:
        """The number of an application the desk's mail server accepted, else None."""
        with self.engine.connect() as db:
            return db.scalar(
                select(sent_applications.c.number).where(
                    sent_applications.c.key_hash == key_hash(idempotency_key),
                    sent_applications.c.sent == 1,
                )
            )


def _pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()
