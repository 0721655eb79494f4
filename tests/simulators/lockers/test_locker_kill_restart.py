"""kill -9 in the middle of a load and of a pickup: a second process restores the saved
state, squares it with the sensors, loses nothing and opens no door a second time."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulators.lockers.bank import LockerBankSimulator

WORKER = Path(__file__).with_name("locker_process.py")


@pytest.fixture(scope="module")
def running() -> Iterator[LockerBankSimulator]:
    simulator = LockerBankSimulator().start()
    yield simulator
    simulator.stop()


@pytest.fixture
def sim(running: LockerBankSimulator) -> LockerBankSimulator:
    running.model.reset()
    return running


def run(sim: LockerBankSimulator, workdir: Path, action: str, kill: bool) -> dict:
    proc = subprocess.Popen(
        [sys.executable, str(WORKER), str(sim.tcp.port), str(workdir), action],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = proc.stdout.readline()
    finally:
        if kill:
            proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == (-signal.SIGKILL if kill else 0)
        proc.stdout.close()
    return json.loads(line)


def releases(sim: LockerBankSimulator, comp: int) -> int:
    return sim.model.status()["compartments"][str(comp)]["releases"]


def notices(workdir: Path) -> list[dict]:
    path = workdir / "notices.jsonl"
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


def load_killed(sim: LockerBankSimulator, workdir: Path) -> int:
    comp = run(sim, workdir, "load:LT-1", kill=True)["compartment"]
    sim.model.put_item(comp)  # staff finish the load while the kiosk reboots
    sim.model.close_door(comp)
    return comp


def test_killed_during_a_load(sim: LockerBankSimulator, tmp_path: Path) -> None:
    comp = load_killed(sim, tmp_path)
    assert notices(tmp_path) == []
    overview = run(sim, tmp_path, "idle", kill=False)
    assert overview[str(comp)]["use"] == "held"
    assert [n["compartments"] for n in notices(tmp_path)] == [[comp]]
    assert releases(sim, comp) == 1


def test_killed_during_a_pickup(sim: LockerBankSimulator, tmp_path: Path) -> None:
    comp = load_killed(sim, tmp_path)
    run(sim, tmp_path, "idle", kill=False)
    code = notices(tmp_path)[0]["code"]
    assert run(sim, tmp_path, f"pickup:{code}", kill=True)["compartments"] == [comp]
    sim.model.take_items(comp)  # the patron takes the book while the kiosk reboots
    sim.model.close_door(comp)
    overview = run(sim, tmp_path, "idle", kill=False)
    assert overview[str(comp)]["use"] == "free"
    ils = (tmp_path / "ils.log").read_text().splitlines()
    assert ils == ["checkin LT-1", "checkout LT-1"]
    assert releases(sim, comp) == 2  # one for the load, one for the pickup: never again
