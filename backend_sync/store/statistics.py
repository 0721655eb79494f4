"""Statistics in the local store: the Statistics port (kiosk/core/stats.py) and the daily
report per kiosk that `kiosk stats` prints or exports as CSV.

Rows are stored raw (one per session, transaction, offline period) and summed per kiosk and
day when asked: a new column in the report needs no migration. An offline period that spans
midnight is split, so each day gets its own seconds. Never stores who the patron was.

Report columns: kiosk, day, sessions, session_seconds (total), session_mean_s, checkouts,
returns, renewals, offline_checkouts, offline_returns, refusals, offline_seconds, then one
`refused:<reason>` column per refusal reason seen in the range.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from backend_sync.store.schema import stat_offline, stat_session, stat_transaction
from kiosk.core.stats import OfflinePeriod, SessionRecord, TransactionRecord

FIXED_COLUMNS = (
    "kiosk", "day", "sessions", "session_seconds", "session_mean_s", "checkouts", "returns",
    "renewals", "offline_checkouts", "offline_returns", "refusals", "offline_seconds",
)  # fmt: skip
_COUNTED = {"checkout": "checkouts", "checkin": "returns", "renew": "renewals"}


def offline_by_day(period: OfflinePeriod) -> list[tuple[date, datetime, float]]:
    """The period cut at midnights: (day, start that day, seconds that day)."""
    pieces = []
    start = period.started_at
    while start < period.ended_at:
        midnight = datetime.combine(start.date() + timedelta(days=1), datetime.min.time())
        midnight = midnight.replace(tzinfo=start.tzinfo)
        end = min(midnight, period.ended_at)
        pieces.append((start.date(), start, (end - start).total_seconds()))
        start = end
    return pieces


class StoreStatistics:
    def __init__(self, engine: Engine, kiosk_id: str) -> None:
        self.engine = engine
        self.kiosk_id = kiosk_id

    # ---- recording (synchronous; SqliteStatistics is the async port) -------------------

    def record_session(self, record: SessionRecord) -> None:
        seconds = max(0.0, (record.ended_at - record.started_at).total_seconds())
        with self.engine.begin() as db:
            db.execute(
                insert(stat_session).values(
                    kiosk_id=self.kiosk_id,
                    day=record.started_at.date().isoformat(),
                    started_at=record.started_at.isoformat(),
                    seconds=seconds,
                    end_reason=record.end_reason,
                )
            )

    def record_transaction(self, record: TransactionRecord) -> None:
        with self.engine.begin() as db:
            db.execute(
                insert(stat_transaction).values(
                    kiosk_id=self.kiosk_id,
                    day=record.at.date().isoformat(),
                    at=record.at.isoformat(),
                    kind=record.kind,
                    ok=record.ok,
                    reason="" if record.ok else (record.reason or "unspecified"),
                    offline=record.offline,
                )
            )

    def record_offline(self, period: OfflinePeriod) -> None:
        rows = [
            {
                "kiosk_id": self.kiosk_id,
                "day": day.isoformat(),
                "started_at": start.isoformat(),
                "seconds": seconds,
            }
            for day, start, seconds in offline_by_day(period)
        ]
        if rows:
            with self.engine.begin() as db:
                db.execute(insert(stat_offline), rows)

    # ---- the report --------------------------------------------------------------------

    def daily(self, first: date, last: date) -> list[dict[str, Any]]:
        """One row per kiosk and day with any activity, days from `first` to `last`."""
        span = (first.isoformat(), last.isoformat())
        days: dict[tuple[str, str], dict[str, Any]] = defaultdict(_empty_day)
        with self.engine.begin() as db:
            for s in db.execute(select(stat_session).where(stat_session.c.day.between(*span))):
                row = days[(s.kiosk_id, s.day)]
                row["sessions"] += 1
                row["session_seconds"] += s.seconds
            for t in db.execute(
                select(stat_transaction).where(stat_transaction.c.day.between(*span))
            ):
                _count_transaction(days[(t.kiosk_id, t.day)], t)
            for o in db.execute(select(stat_offline).where(stat_offline.c.day.between(*span))):
                days[(o.kiosk_id, o.day)]["offline_seconds"] += o.seconds
        report = []
        for (kiosk, day), row in sorted(days.items(), key=lambda item: (item[0][1], item[0][0])):
            mean = row["session_seconds"] / row["sessions"] if row["sessions"] else 0.0
            report.append(
                {
                    **row,
                    "kiosk": kiosk,
                    "day": day,
                    "session_seconds": round(row["session_seconds"], 1),
                    "session_mean_s": round(mean, 1),
                    "offline_seconds": round(row["offline_seconds"], 1),
                }
            )
        return report


def _empty_day() -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(FIXED_COLUMNS[2:], 0)
    row["session_seconds"] = 0.0
    row["offline_seconds"] = 0.0
    return row


def _count_transaction(row: dict[str, Any], t: Any) -> None:
    if not t.ok:
        row["refusals"] += 1
        row[f"refused:{t.reason}"] = row.get(f"refused:{t.reason}", 0) + 1
        return
    column = _COUNTED.get(t.kind)
    if column is None:
        row[t.kind] = row.get(t.kind, 0) + 1  # fee_paid, hold, locker_pickup …: own columns
        return
    row[column] += 1
    if t.offline and column in ("checkouts", "returns"):
        row[f"offline_{column}"] += 1


def report_columns(rows: Sequence[dict[str, Any]]) -> list[str]:
    extra = sorted({key for row in rows for key in row} - set(FIXED_COLUMNS))
    return [*FIXED_COLUMNS, *extra]


def report_csv(rows: Sequence[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=report_columns(rows), restval=0, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


class SqliteStatistics:
    """The domain's Statistics port: each record committed in a worker thread."""

    def __init__(self, store: StoreStatistics) -> None:
        self.store = store

    async def session_ended(self, record: SessionRecord) -> None:
        await asyncio.to_thread(self.store.record_session, record)

    async def transaction(self, record: TransactionRecord) -> None:
        await asyncio.to_thread(self.store.record_transaction, record)

    async def offline(self, period: OfflinePeriod) -> None:
        await asyncio.to_thread(self.store.record_offline, period)
