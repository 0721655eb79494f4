"""`kiosk rooms --now …` only against a simulator: a booking system on this machine (loopback).
Against any other it is refused before anything is asked or written (no booking, no cache)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.cli import main
from kiosk.commands.rooms import is_simulator
from simulators.models.rooms import RoomsModel, SimClock
from simulators.models.rooms_dataset import library_dataset
from simulators.rooms.server import LibCalSimulator

TZ = ZoneInfo("Europe/Vilnius")
NOW = datetime(2026, 11, 25, 10, 10, tzinfo=TZ)
STAFF = ["--name", "Ona Onaitė", "--email", "ona.guard@example.lt"]
BOOK = ["book", "--space", "302", "--from", "10:00", "--to", "11:00", *STAFF]


def config(tmp_path: Path, url: str) -> str:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[kiosk]\ndata_dir = "{tmp_path}"\n[log]\nlevel = "error"\n'
        f'[rooms]\nbase_url = "{url}"\nclient_id = "kiosk"\nclient_secret = "demo"\n'
        "retries = 0\n",
        encoding="utf-8",
    )
    return str(path)


@pytest.mark.parametrize(
    ("url", "simulated"),
    [
        ("http://127.0.0.1:6003", True),
        ("http://127.0.0.2:80/1.1/", True),
        ("http://localhost:6003", True),
        ("http://[::1]:6003", True),
        ("https://avb.libcal.com", False),
        ("https://avb.libcal.com/1.1", False),
        ("http://10.0.0.5:6003", False),
        ("http://127.0.0.1.example.org", False),
        ("not a url", False),
    ],
)
def test_a_simulator_is_a_loopback_base_url(url: str, simulated: bool) -> None:
    assert is_simulator(url) is simulated


def test_now_against_a_real_booking_system_is_refused_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = config(tmp_path, "https://avb.libcal.example/1.1")
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["--config", path, "rooms", "--now", "2026-11-25T23:00", *BOOK]) == 2
    err = capsys.readouterr().err
    assert "--now is only for a simulator" in err and "Traceback" not in err
    assert main(["--config", path, "rooms", "--now", "2030-01-01T10:00", "refresh"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no cache file


def test_now_against_the_simulator_still_books(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sim = LibCalSimulator(RoomsModel(library_dataset(NOW.date(), TZ), SimClock(TZ, NOW))).start()
    try:
        path = config(tmp_path, sim.url)
        assert main(["--config", path, "rooms", "--now", "2026-11-25T10:10", *BOOK]) == 0
        assert sim.model.bookings(NOW.date(), email="ona.guard@example.lt")
    finally:
        sim.stop()
