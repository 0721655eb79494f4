"""A running fleet (every simulator config/demo.toml names, on free ports) and the console
in front of it, reset to a clean state before each test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.settings import load_settings
from simulators.console.app import Console, create_app
from simulators.console.server import ConsoleServer
from simulators.control import ControlClient
from simulators.fleet import Fleet, FleetOptions

DEMO = Path(__file__).resolve().parents[3] / "config" / "demo.toml"


@dataclass
class Rig:
    fleet: Fleet
    console: Console
    url: str

    def control(self, name: str) -> ControlClient:
        return ControlClient(self.fleet.running[name].control)

    def reset(self) -> None:
        self.control("lockers").call("reset")
        self.control("rfid").call("remove", all=True)
        self.control("rfid").call("plug")
        self.control("printer").call("clear")
        self.control("ils").call("clear")
        self.control("rooms").call("reset_faults")
        self.console.log.clear()


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    out = tmp_path_factory.mktemp("receipts")
    options = FleetOptions(any_ports=True, out_dir=out, time_scale=0.0)
    fleet = Fleet(load_settings(DEMO), options).start()
    console = Console(fleet.controls(), fleet.catalogue, out)
    server = ConsoleServer(create_app(console, refresh_s=0.5)).start()
    yield Rig(fleet, console, server.url)
    server.stop()
    fleet.stop()


@pytest.fixture
def rig(running: Rig) -> Rig:
    running.reset()
    return running
