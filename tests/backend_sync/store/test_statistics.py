"""Statistics in the store: recorded through the port, summed per kiosk and day, as CSV."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date, datetime
from pathlib import Path

from backend_sync.store.database import open_store
from backend_sync.store.statistics import (
    FIXED_COLUMNS,
    SqliteStatistics,
    StoreStatistics,
    offline_by_day,
    report_csv,
)
from kiosk.core.stats import OfflinePeriod, SessionRecord, Statistics, TransactionRecord

DAY = datetime(2026, 11, 24)


def at(hour: int, minute: int = 0, day: datetime = DAY) -> datetime:
    return day.replace(hour=hour, minute=minute)


async def a_day(stats: Statistics) -> None:
    await stats.session_ended(SessionRecord(at(10), at(10, 2), "done"))
    await stats.session_ended(SessionRecord(at(11), at(11, 4), "timeout"))
    for kind, ok, reason, offline in (
        ("checkout", True, "", False),
        ("checkout", True, "", True),
        ("checkout", False, "hold_for_other", False),
        ("checkout", False, "hold_for_other", False),
        ("checkin", True, "", True),
        ("renew", True, "", False),
        ("renew", False, "renewal_limit", False),
        ("fee_paid", True, "", False),
    ):
        await stats.transaction(TransactionRecord(at(10, 1), kind, ok, reason, offline))
    await stats.offline(OfflinePeriod(at(23, 30), at(0, 15, datetime(2026, 11, 25))))


def test_a_day_is_summed_per_kiosk_with_refusals_by_reason(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "store.sqlite")
    asyncio.run(a_day(SqliteStatistics(StoreStatistics(engine, "kiosk-1"))))
    StoreStatistics(engine, "kiosk-2").record_session(SessionRecord(at(9), at(9, 1), "done"))
    rows = StoreStatistics(engine, "kiosk-1").daily(date(2026, 11, 24), date(2026, 11, 25))
    first, other, next_day = rows
    assert (first["kiosk"], first["day"]) == ("kiosk-1", "2026-11-24")
    assert first["sessions"] == 2 and first["session_seconds"] == 360.0
    assert first["session_mean_s"] == 180.0
    assert (first["checkouts"], first["returns"], first["renewals"]) == (2, 1, 1)
    assert (first["offline_checkouts"], first["offline_returns"]) == (1, 1)
    assert first["refusals"] == 3 and first["refused:hold_for_other"] == 2
    assert first["refused:renewal_limit"] == 1 and first["fee_paid"] == 1
    assert first["offline_seconds"] == 1800.0
    assert (other["kiosk"], other["sessions"]) == ("kiosk-2", 1)
    assert (next_day["day"], next_day["offline_seconds"], next_day["sessions"]) == (
        "2026-11-25", 900.0, 0,
    )  # fmt: skip


def test_days_outside_the_range_are_left_out(tmp_path: Path) -> None:
    stats = StoreStatistics(open_store(tmp_path / "store.sqlite"), "kiosk-1")
    stats.record_session(SessionRecord(at(10), at(10, 1), "done"))
    assert stats.daily(date(2026, 11, 25), date(2026, 11, 30)) == []


def test_csv_has_the_fixed_columns_then_one_per_refusal_reason(tmp_path: Path) -> None:
    engine = open_store(tmp_path / "store.sqlite")
    asyncio.run(a_day(SqliteStatistics(StoreStatistics(engine, "kiosk-1"))))
    text = report_csv(StoreStatistics(engine, "kiosk-1").daily(DAY.date(), DAY.date()))
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames[: len(FIXED_COLUMNS)] == list(FIXED_COLUMNS)
    assert "refused:hold_for_other" in reader.fieldnames
    [row] = list(reader)
    assert row["checkouts"] == "2" and row["refused:renewal_limit"] == "1"


def test_an_offline_period_is_split_at_midnight() -> None:
    pieces = offline_by_day(OfflinePeriod(at(22), datetime(2026, 11, 26, 1, 0)))
    assert [(d.isoformat(), s) for d, _, s in pieces] == [
        ("2026-11-24", 7200.0), ("2026-11-25", 86400.0), ("2026-11-26", 3600.0),
    ]  # fmt: skip
    assert offline_by_day(OfflinePeriod(at(10), at(10))) == []
