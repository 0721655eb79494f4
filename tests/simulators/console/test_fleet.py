"""The fleet starts every simulator config/demo.toml names, with their control APIs; the
kiosk's drivers reach them at the rewritten addresses; stop frees every port; a table that
points off loopback or a port already taken is a clear error; `kiosk sim up` prints where
everything is and stops on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.settings import load_settings
from kiosk.wiring.printer import printer_from
from simulators.control import ControlClient
from simulators.fleet import CONTROL_PORTS, Fleet, FleetError, FleetOptions

DEMO = Path(__file__).resolve().parents[3] / "config" / "demo.toml"
ROOT = DEMO.parents[1]
pytestmark = pytest.mark.timeout(60)


def test_every_configured_simulator_runs_with_its_control_api(running) -> None:
    simulated = {
        "ils",
        "rfid",
        "lockers",
        "printer",
        "rooms",
        "smtp",
        "feed",
        "registration",
        "payment",
    }
    assert set(running.fleet.running) == simulated
    for name in running.fleet.running:
        assert ControlClient(running.fleet.running[name].control).call("status")


def test_kiosk_settings_point_at_the_running_simulators(running) -> None:
    settings = running.fleet.kiosk_settings()
    printer = printer_from(settings.printer)
    assert printer.printer.status().ready
    assert settings.ils.port == int(running.fleet.running["ils"].address.rsplit(":", 1)[1])
    assert settings.rooms.client_secret.get_secret_value() == "demo"
    assert settings.lockers.boards[0].port != 5020


def test_the_registration_simulator_takes_the_demo_kiosks_applications(running) -> None:
    import asyncio

    from kiosk.core.registration import submit_once
    from kiosk.wiring.registration import registration_from
    from simulators.models.registration import SAMPLE_APPLICATION

    settings = running.fleet.kiosk_settings()
    assert settings.registration.base_url == running.fleet.running["registration"].address
    asyncio.run(submit_once(registration_from(settings), SAMPLE_APPLICATION, "fleet-key"))
    assert running.fleet.running["registration"].handle.created == 1


def test_the_payment_simulator_is_the_demo_kiosks_terminal(running) -> None:
    import asyncio

    from kiosk.wiring.payment import payment_terminal_from

    settings = running.fleet.kiosk_settings()
    assert settings.payment_terminal.url == running.fleet.running["payment"].address
    terminal = payment_terminal_from(settings.payment_terminal)

    async def ask():
        try:
            return await terminal.status()
        finally:
            await terminal.close()

    assert asyncio.run(ask()).ready


def test_catalogue_comes_from_the_ils_simulator(running) -> None:
    barcodes = {item["barcode"] for item in running.fleet.catalogue()}
    assert "9786090100011" in barcodes
    assert len(barcodes) >= 10


def _refused(address: str) -> bool:
    host, port = address.rsplit("/", 1)[-1].rsplit(":", 1)
    with socket.socket() as probe:
        return probe.connect_ex((host, int(port))) != 0


def test_stop_frees_every_port(tmp_path: Path) -> None:
    fleet = Fleet(load_settings(DEMO), FleetOptions(True, tmp_path, 0.0)).start()
    addresses = [r.address for r in fleet.running.values()]
    addresses += [r.control for r in fleet.running.values()]
    fleet.stop()
    assert fleet.running == {}
    assert all(_refused(a) for a in addresses)


def test_off_loopback_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[printer]\nurl = "tcp://192.0.2.7:9100"\n')
    with pytest.raises(FleetError, match="loopback"):
        Fleet(load_settings(config), FleetOptions(out_dir=tmp_path)).start()


def test_taken_port_is_a_clear_error_and_nothing_stays_up(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = tmp_path / "kiosk.toml"
        config.write_text(
            f'[rooms]\nbase_url = "http://127.0.0.1:{port}"\nclient_id = "k"\nclient_secret = "s"\n'
        )
        fleet = Fleet(load_settings(config), FleetOptions(out_dir=tmp_path))
        with pytest.raises(FleetError, match="rooms"):
            fleet.start()
        assert fleet.running == {}


def test_control_ports_are_the_commands_defaults() -> None:
    from simulators.ils import cli as ils_cli
    from simulators.lockers import cli as lockers_cli
    from simulators.rfid import cli as rfid_cli

    assert CONTROL_PORTS["ils"] == ils_cli.DEFAULT_CONTROL_PORT
    assert CONTROL_PORTS["rfid"] == rfid_cli.DEFAULT_CONTROL_PORT
    assert CONTROL_PORTS["lockers"] == lockers_cli.DEFAULT_CONTROL_PORT


def test_kiosk_sim_up_prints_where_everything_is_and_stops_on_sigterm(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "sim",
            "up",
            "--config",
            str(DEMO),
            "--any-ports",
            "--out",
            str(tmp_path),
            "--time-scale",
            "0",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = process.stdout.readline()
        described = json.loads(line)
        simulated = {
            "ils",
            "rfid",
            "lockers",
            "printer",
            "rooms",
            "smtp",
            "feed",
            "registration",
            "payment",
        }
        assert set(described) == simulated | {"console"}
        assert ControlClient(described["lockers"]["control"]).call("status")["boards"]
        assert described["console"].startswith("http://127.0.0.1:")
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(20) == 0, process.stderr.read()
        process.stdout.close()
        process.stderr.close()


def test_kiosk_sim_up_with_a_bad_config_is_one_line(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[printer]\nurl = "tcp://192.0.2.7:9100"\n')
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "sim", "up", "--config", str(config)],
        cwd=ROOT, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "loopback" in done.stderr
