"""The store's tables (SQLAlchemy Core), as the newest migration leaves them.

The migrations in migrations/versions/ create these; a test compares the two, so a column
added here without a migration (or the other way round) fails the suite. Times are ISO 8601
text in the kiosk's local time, days YYYY-MM-DD: they sort as text and read as text in a CSV.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

# One row per state-changing transaction. `seq` is the replay order; `key` the idempotency key.
# `in_doubt` is set (and committed) before a send and cleared when its result is recorded: a
# row found with it set may have been applied, so the ILS state is checked before any resend.
# `check` holds what that check needs that the ILS cannot tell afterwards (a due date or the
# amount owed before the request).
outbox = Table(
    "outbox",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("payload", Text, nullable=False),
    Column("happened_at", String(32), nullable=False),
    Column("offline", Boolean, nullable=False),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("in_doubt", Boolean, nullable=False),
    Column("check", Text, nullable=False),
    Column("result", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("added_at", Float, nullable=False),
    Column("last_attempt_at", String(32), nullable=False),
    Column("finished_at", String(32), nullable=False),
    # staff's mark on a rejected entry once they fixed it by hand (migration 0003)
    Column("resolved_at", String(32), nullable=False, server_default=""),
    Column("resolved_note", Text, nullable=False, server_default=""),
    Index("ix_outbox_state_seq", "state", "seq"),
)

# Statistics: raw rows, summed per kiosk and day when a report is asked for.
stat_session = Table(
    "stat_session",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kiosk_id", String(64), nullable=False),
    Column("day", String(10), nullable=False),
    Column("started_at", String(32), nullable=False),
    Column("seconds", Float, nullable=False),
    Column("end_reason", String(32), nullable=False),
    Index("ix_stat_session_day", "day"),
)
stat_transaction = Table(
    "stat_transaction",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kiosk_id", String(64), nullable=False),
    Column("day", String(10), nullable=False),
    Column("at", String(32), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("reason", String(64), nullable=False),
    Column("offline", Boolean, nullable=False),
    Index("ix_stat_transaction_day", "day"),
)
stat_offline = Table(
    "stat_offline",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kiosk_id", String(64), nullable=False),
    Column("day", String(10), nullable=False),
    Column("started_at", String(32), nullable=False),
    Column("seconds", Float, nullable=False),
    Index("ix_stat_offline_day", "day"),
)
