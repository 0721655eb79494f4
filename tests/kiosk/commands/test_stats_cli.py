"""`kiosk stats`: today (in the library's zone) by default; CSV columns that never move."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest

from backend_sync.store.database import open_store
from backend_sync.store.statistics import StoreStatistics
from kiosk.cli import main
from kiosk.commands import stats as stats_command
from kiosk.core.clock import ManualClock
from kiosk.core.stats import SessionRecord, TransactionRecord

HEADER = (
    "kiosk,day,sessions,session_seconds,session_mean_s,checkouts,returns,renewals,"
    "offline_checkouts,offline_returns,refusals,offline_seconds,other_accepted,refusals_by_reason"
)


def setup(tmp_path: Path) -> tuple[str, StoreStatistics]:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[kiosk]\nid = "kiosk-7"\ndata_dir = "{tmp_path}"\ntimezone = "Europe/Vilnius"\n'
        '[log]\nlevel = "error"\n',
        encoding="utf-8",
    )
    return str(config), StoreStatistics(open_store(tmp_path / "store.sqlite"), "kiosk-7")


def visit(stats: StoreStatistics, at: datetime, reason: str = "blocked") -> None:
    stats.record_session(SessionRecord(at, at.replace(minute=at.minute + 3), "done"))
    stats.record_transaction(TransactionRecord(at, "checkout", True, ""))
    stats.record_transaction(TransactionRecord(at, "checkout", False, reason))


@pytest.fixture
def library_now(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The library's wall clock at 00:30 on 24 November (in Vilnius; 22:30 the day before in
    UTC): the command must ask for it in the configured zone."""
    zones: list[str] = []

    def wall_time(zone: str) -> object:
        zones.append(zone)
        return ManualClock(datetime(2026, 11, 24, 0, 30)).now

    monkeypatch.setattr(stats_command, "wall_time", wall_time)
    return zones


def test_without_days_it_reports_today(
    tmp_path: Path, library_now: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    config, stats = setup(tmp_path)
    visit(stats, datetime(2026, 11, 23, 10))
    visit(stats, datetime(2026, 11, 24, 0, 10))
    assert main(["--config", config, "stats"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["day"] == "2026-11-24" and row["sessions"] == 1
    assert library_now == ["Europe/Vilnius"]


def test_from_alone_runs_to_today(
    tmp_path: Path, library_now: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    config, stats = setup(tmp_path)
    visit(stats, datetime(2026, 11, 23, 10))
    visit(stats, datetime(2026, 11, 24, 0, 10))
    assert main(["--config", config, "stats", "--from", "2026-11-23"]) == 0
    days = [row["day"] for row in json.loads(capsys.readouterr().out)]
    assert days == ["2026-11-23", "2026-11-24"]


def test_csv_header_is_the_same_whatever_the_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, stats = setup(tmp_path)
    args = ["--config", config, "stats", "--from", "2026-11-01", "--to", "2026-11-30", "--csv"]
    assert main(args) == 0
    assert capsys.readouterr().out.splitlines()[0] == HEADER
    visit(stats, datetime(2026, 11, 20, 10), reason="on_hold_for_other")
    stats.record_transaction(TransactionRecord(datetime(2026, 11, 20, 11), "hold", True, ""))
    visit(stats, datetime(2026, 11, 21, 10), reason="blocked")
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["day"] for r in rows] == ["2026-11-20", "2026-11-21"]
    assert rows[0]["refusals_by_reason"] == "on_hold_for_other=1"
    assert rows[0]["other_accepted"] == "hold=1"
    assert rows[1]["refusals_by_reason"] == "blocked=1" and rows[1]["other_accepted"] == ""
    assert rows[1]["checkouts"] == "1" and rows[1]["refusals"] == "1"


def test_to_before_from_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, _ = setup(tmp_path)
    assert main(["--config", config, "stats", "--from", "2026-11-30", "--to", "2026-11-01"]) == 2
    assert "before" in capsys.readouterr().err
