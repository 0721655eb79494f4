"""Opening the store: one SQLite file in WAL mode, migrated to the newest schema at start-up.

synchronous=FULL, not NORMAL: in WAL mode NORMAL survives a killed process but may lose the
last commits on a power cut, and the outbox promises that an entry acknowledged to the domain
(a book that left with its security off) survives both. A commit costs one fsync of the WAL
(about 0.2-0.3 ms on the kiosk's disk), which the replayer pays once per window of entries.

Every transaction starts with BEGIN IMMEDIATE: the writer and the replayer may be two
processes, and a deferred transaction that reads and then writes can fail with SQLITE_BUSY in
WAL mode instead of waiting; an immediate one waits (busy timeout) for the write lock.

Migrations are Alembic scripts shipped in this package (migrations/), applied programmatically:
no alembic.ini, no command line needed on a kiosk.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from backend_sync.store.private_files import private_sqlite

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_S = 30.0


class StoreError(Exception):
    """The local store cannot be opened or migrated (disk, permissions, a newer schema)."""


def open_store(path: str | Path, *, migrate: bool = True) -> Engine:
    """An engine on the SQLite file at `path` (created with its directory when missing),
    migrated to the newest revision unless `migrate` is False."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{path.parent}: cannot create the data directory: {exc}") from None
    try:
        private_sqlite(path)  # 0600 before SQLite makes it (and its -wal/-shm) 0644
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the store: {exc}") from None
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    if migrate:
        upgrade(engine)
    return engine


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (an existing file at an older revision keeps its rows)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except Exception as exc:  # disk full, read-only file, a schema newer than this program
        detail = getattr(exc, "orig", None) or exc  # SQLite's own words, one line
        raise StoreError(f"{engine.url.database}: cannot migrate the store: {detail}") from exc


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


CACHE_KIB = 256  # per connection; SQLite's default is 2000


def _on_connect(dbapi_connection: object, _record: object) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (the pysqlite driver would otherwise
    # start deferred transactions on its own).
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    # A scrubbed or deleted row's old bytes are zeroed in its page, not left in free space
    # (backend_sync/store/retention.py: erased means gone from the disk).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    # Each pooled connection has its own page cache (SQLite's default: up to 2 MiB). The
    # store is small and on local flash: a bounded cache keeps a kiosk that runs for weeks
    # from growing by megabytes as the file grows (kiosk bench ui-memory).
    cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cursor.close()


def _on_begin(connection: object) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")  # type: ignore[attr-defined]
