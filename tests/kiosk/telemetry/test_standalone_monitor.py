"""The monitor without the app, against the whole simulator fleet (config/demo.toml on free
ports): every device ok, then each device fault shows up in /health and the metrics after one
probe round; `kiosk monitor --once` answers with the status as its exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.settings import load_settings
from kiosk.telemetry.endpoint import MonitoringEndpoint
from kiosk.telemetry.exposition import render
from kiosk.wiring.monitor import StandaloneProbes
from simulators.control import ControlClient
from simulators.fleet import Fleet, FleetOptions

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "config" / "demo.toml"
pytestmark = pytest.mark.timeout(90)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    options = FleetOptions(any_ports=True, out_dir=tmp_path_factory.mktemp("out"), time_scale=0)
    with Fleet(load_settings(DEMO), options) as running:
        yield running


@pytest.fixture
def monitor(fleet: Fleet, tmp_path: Path) -> Iterator[MonitoringEndpoint]:
    settings = fleet.kiosk_settings()
    probes = StandaloneProbes(settings)
    endpoint = MonitoringEndpoint.from_settings(settings, probes.probes, data_dir=tmp_path)
    yield endpoint
    probes.close()


def control(fleet: Fleet, name: str) -> ControlClient:
    return ControlClient(fleet.running[name].control)


FAULTS = [
    ("printer", "paper", {"level": "out"}, "printer", "degraded", "paper out"),
    ("printer", "cover", {"open": True}, "printer", "degraded", "cover open"),
    ("lockers", "silence", {"board": "b1"}, "board-b1", "down", "not answering"),
    ("rfid", "unplug", {}, "reader", "down", ""),
    ("ils", "offline", {"mode": "status"}, "ils", "down", "the ACS reports offline"),
    ("ils", "offline", {"mode": "refuse"}, "ils", "down", ""),
    ("rooms", "unreachable", {"on": True}, "booking", "down", ""),
]
CLEAR = {"printer": ("clear", {}), "lockers": ("clear_faults", {}), "rfid": ("plug", {}),
         "ils": ("clear", {}), "rooms": ("reset_faults", {})}  # fmt: skip


def test_all_ok_when_nothing_is_wrong(monitor) -> None:
    monitor.poller.run_once()
    document = monitor.telemetry.health_document()
    assert document["status"] == "ok", document["reasons"]
    assert set(document["devices"]) == {"printer", "board-b1", "reader", "ils", "booking", "smtp"}


@pytest.mark.parametrize(("sim", "action", "params", "device", "state", "reason"), FAULTS)
def test_each_fault_shows_in_health_and_metrics(
    fleet, monitor, sim, action, params, device, state, reason
) -> None:
    control(fleet, sim).call(action, **params)
    try:
        monitor.poller.run_once()
        health = monitor.telemetry.device(device)
        assert health is not None and health.state == state
        assert reason in health.reason
        document = monitor.telemetry.health_document()
        expected = "down" if device == "reader" else "degraded"  # the reader is essential
        assert document["status"] == expected
        up = f'kiosk_device_up{{device="{device}",kind="{health.kind.value}"}}'
        assert f"{up} {0.0 if state == 'down' else 1.0}".encode() in render(monitor.registry)
    finally:
        clear, clear_params = CLEAR[sim]
        control(fleet, sim).call(clear, **clear_params)
    if sim == "lockers":
        return  # a failing board is probed again only after board_probe_s
    monitor.poller.run_once()
    assert monitor.telemetry.device(device).state == "ok"


def test_kiosk_monitor_once_exit_code_is_the_status(fleet, tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[kiosk]\nid = "demo-1"\ndata_dir = "{tmp_path}"\n'
        f'[printer]\nurl = "{fleet.running["printer"].address}"\n'
    )
    command = [sys.executable, "-m", "kiosk", "--config", str(config), "monitor", "--once"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "ok"
    control(fleet, "printer").call("paper", level="out")
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    finally:
        control(fleet, "printer").call("clear")
    assert done.returncode == 1
    assert json.loads(done.stdout)["reasons"] == ["printer: degraded (paper out)"]


def test_kiosk_monitor_without_listen_is_a_usage_error(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[kiosk]\ndata_dir = "{tmp_path}"\n')
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "monitor"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "listen" in done.stderr and done.stderr.count("\n") == 1
