"""`kiosk lockers status` against the simulator, from a config file (release and reset-coils
hold the bank through the locker logic: tests/backend_sync/lockers/test_lockers_release_cli.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import main
from simulators.lockers.bank import LockerBankSimulator


@pytest.fixture(scope="module")
def running() -> Iterator[LockerBankSimulator]:
    simulator = LockerBankSimulator().start()
    yield simulator
    simulator.stop()


@pytest.fixture
def config(running: LockerBankSimulator, tmp_path: Path) -> Path:
    running.model.reset()
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f"""[log]
level = "error"

[lockers]
board_probe_s = 0
compartments = [
    {{ id = 1, board = "b1", lock = 0, door = 0, occupancy = 16 }},
    {{ id = 2, board = "b1", lock = 1, door = 1, occupancy = 17 }},
    {{ id = 17, board = "k1", lock = 0, door = 0, occupancy = 16 }},
]

[[lockers.boards]]
name = "b1"
port = {running.tcp.port}
timeout_s = 0.2
retries = 0
pulse_s = 0

[[lockers.boards]]
name = "k1"
family = "kerong"
transport = "serial"
device = "{running.kerong.path}"
baudrate = 19200
address = 0
timeout_s = 0.2
retries = 0
""",
        encoding="utf-8",
    )
    return path


def kiosk(capsys, config: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--config", str(config), "lockers", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_status_reads_the_doors(running: LockerBankSimulator, config: Path, capsys) -> None:
    running.model.force_door(2)
    running.model.force_door(17)
    running.model.put_item(2)
    code, out, _ = kiosk(capsys, config, "status", "--json")
    status = json.loads(out)
    assert code == 0 and status["boards"]["b1"]["ok"] and status["boards"]["k1"]["ok"]
    assert status["compartments"]["2"] == {"door_closed": False, "occupied": True}
    assert status["compartments"]["17"] == {"door_closed": False, "occupied": False}
    code, out, _ = kiosk(capsys, config, "status")
    assert "   2  b1       OPEN    occupied" in out and "   1  b1       closed  empty" in out


def test_failing_board_gives_exit_3_and_the_rest(running, config: Path, capsys) -> None:
    running.model.silence("b1")
    code, out, _ = kiosk(capsys, config, "status")
    assert code == 3
    assert "board b1: FAILING" in out and "  17  k1       closed  empty" in out


def test_missing_table(config: Path, tmp_path: Path, capsys) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    code, _, err = kiosk(capsys, empty, "status")
    assert code == 2 and "no [lockers] table" in err
