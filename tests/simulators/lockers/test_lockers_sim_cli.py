"""`kiosk sim lockers`: the control API and the command line that drives it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest

from kiosk.cli import main
from simulators.control import ControlClient, ControlError
from simulators.lockers.bank import LockerBankSimulator


@pytest.fixture(scope="module")
def running() -> Iterator[LockerBankSimulator]:
    simulator = LockerBankSimulator().start()
    yield simulator
    simulator.stop()


@pytest.fixture
def sim(running: LockerBankSimulator) -> LockerBankSimulator:
    running.model.reset()
    return running


def kiosk(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_control_api_manipulates_the_bank(sim: LockerBankSimulator) -> None:
    client = ControlClient(sim.control.url)
    sim.model.set_coil("b1", 2, True)
    client.call("put_item", compartment=3, count=2)
    client.call("close_door", compartment=3)
    client.call("jam", compartment=4)
    client.call("stick_sensor", compartment=5, sensor="door", value=False)
    status = client.call("status")
    assert status["compartments"]["3"] == {
        "board": "b1",
        "door": "closed",
        "items": 2,
        "jammed": False,
        "stuck": {},
        "releases": 1,
    }
    assert status["compartments"]["4"]["jammed"]
    assert sim.model.inputs("b1")[4] is False
    with pytest.raises(ControlError, match="door is closed"):
        client.call("take_items", compartment=3)
    with pytest.raises(ControlError, match="no compartment 99"):
        client.call("close_door", compartment=99)


def test_cli_actions_and_status(sim: LockerBankSimulator, capsys) -> None:
    url = sim.control.url
    sim.model.force_door(7)
    assert kiosk(capsys, "sim", "lockers", "put", "7", "--control", url)[0] == 0
    assert kiosk(capsys, "sim", "lockers", "close", "7", "--control", url)[0] == 0
    assert kiosk(capsys, "sim", "lockers", "jam", "8", "--control", url)[0] == 0
    assert kiosk(capsys, "sim", "lockers", "stick", "9", "occupancy", "1", "--control", url)[0] == 0
    assert kiosk(capsys, "sim", "lockers", "silence", "k1", "--control", url)[0] == 0
    code, out, _ = kiosk(capsys, "sim", "lockers", "--status", "--control", url)
    assert code == 0
    assert "board k1 (kerong @0): FAULT silent" in out
    assert "   7  b1     closed      1  -" in out
    assert "   8  b1     closed      0  jammed" in out
    assert "   9  b1     closed      0  occupancy=1" in out
    assert kiosk(capsys, "sim", "lockers", "clear", "--control", url)[0] == 0
    assert not sim.model.status()["boards"]["k1"]["silent"]


def test_cli_errors_are_one_line(sim: LockerBankSimulator, capsys) -> None:
    code, _, err = kiosk(capsys, "sim", "lockers", "take", "3", "--control", sim.control.url)
    assert code == 2 and err.strip() == "kiosk: take_items: compartment 3: door is closed"
    code, _, err = kiosk(capsys, "sim", "lockers", "--status", "--control", "http://127.0.0.1:9")
    assert code == 3 and "not reachable" in err and "Traceback" not in err


def test_the_command_runs_a_bank_until_terminated(tmp_path) -> None:
    link = tmp_path / "rtu"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "sim",
            "lockers",
            "--modbus-port",
            "0",
            "--control-port",
            "0",
            "--rtu-link",
            str(link),
            "--wire-baud",
            "0",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )
    try:
        endpoints = json.loads(proc.stdout.readline())
        assert os.path.realpath(link) == endpoints["modbus_rtu_pty"]
        status = ControlClient(endpoints["control"]).call("status")
        assert len(status["compartments"]) == 32
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    assert not link.exists()
