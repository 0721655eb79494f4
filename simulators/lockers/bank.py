"""The whole locker bank simulator: one behaviour model, its wire front ends, and the
control API that exposes every manipulation and fault.

Default bank (what config/demo.toml describes): modbus board "b1", unit id 1, compartments
1..16 (lock coil n-1, door input n-1 with 1 = closed, occupancy input 15+n with 1 =
occupied); plus kerong board "k1" at address 0 with compartments 17..32 on its latch and IR
bits. Owns no locker logic: the kiosk decides, the bank only behaves like hardware.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.settings.lockers import LockersSection
from simulators.control import ControlServer
from simulators.lockers.server import KerongFrontEnd, ModbusRtuFrontEnd, ModbusTcpFrontEnd
from simulators.models.locker_bank import BoardSpec, Line, LockerBankModel, default_layout


def default_model(modbus_compartments: int = 16, kerong_compartments: int = 16) -> LockerBankModel:
    boards = [BoardSpec("b1", "modbus", 1, locks=16, inputs=32)]
    lines = default_layout(modbus_compartments, "b1")
    if kerong_compartments:
        boards.append(BoardSpec("k1", "kerong", 0, locks=16, inputs=32))
        first = modbus_compartments + 1
        lines += [Line(first + i, "k1", i, i, 16 + i) for i in range(kerong_compartments)]
    return LockerBankModel(boards, lines)


def control_actions(model: LockerBankModel) -> dict[str, Callable[[dict[str, Any]], Any]]:
    """Every manipulation a technician or a test may make, by name (the control API)."""
    return {
        "status": lambda p: model.status(),
        "close_door": lambda p: model.close_door(int(p["compartment"])),
        "force_door": lambda p: model.force_door(int(p["compartment"])),
        "put_item": lambda p: model.put_item(int(p["compartment"]), int(p.get("count", 1))),
        "take_items": lambda p: model.take_items(int(p["compartment"])),
        "jam": lambda p: model.jam(int(p["compartment"]), bool(p.get("jammed", True))),
        "stick_sensor": lambda p: model.stick_sensor(
            int(p["compartment"]), str(p["sensor"]), p.get("value")
        ),
        "silence": lambda p: model.silence(str(p["board"]), bool(p.get("silent", True))),
        "garble": lambda p: model.garble(str(p["board"]), int(p.get("replies", 1))),
        "clear_faults": lambda p: model.clear_faults(),
        "reset": lambda p: model.reset(),
    }


class LockerBankSimulator:
    def __init__(
        self,
        model: LockerBankModel | None = None,
        modbus_port: int = 0,
        control_port: int = 0,
        wire_baud: int = 0,
        kerong_baud: int = 0,
    ) -> None:
        self.model = model or default_model()
        self.tcp = ModbusTcpFrontEnd(self.model, modbus_port)
        self.rtu = ModbusRtuFrontEnd(self.model, wire_baud)
        self.kerong = KerongFrontEnd(self.model, kerong_baud)
        self.control = ControlServer(control_actions(self.model), control_port)
        self._links: list[Path] = []

    def start(self) -> LockerBankSimulator:
        self.tcp.start()
        self.rtu.start()
        self.kerong.start()
        self.control.start()
        return self

    def stop(self) -> None:
        self.control.stop()
        self.tcp.stop()
        self.rtu.stop()
        self.kerong.stop()
        for link in self._links:
            with contextlib.suppress(OSError):
                link.unlink()

    def link(self, rtu: str | None, kerong: str | None) -> None:
        """Give the ptys stable names (as socat's link= does) so a config can point at them."""
        for target, path in ((self.rtu.path, rtu), (self.kerong.path, kerong)):
            if not path:
                continue
            link = Path(path)
            link.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):
                link.unlink()
            os.symlink(target, link)
            self._links.append(link)

    def endpoints(self) -> dict[str, Any]:
        return {
            "modbus_tcp": f"127.0.0.1:{self.tcp.port}",
            "modbus_rtu_pty": self.rtu.path,
            "kerong_pty": self.kerong.path,
            "control": self.control.url,
        }

    def lockers_section(self, transport: str = "tcp", **board: Any) -> LockersSection:
        """A validated [lockers] table for this bank: compartments 1..N on the modbus board
        (over "tcp" or the RTU pty: "serial"), the rest on the kerong board."""
        modbus: dict[str, Any] = {"name": "b1", "family": "modbus", "address": 1}
        if transport == "tcp":
            modbus |= {"transport": "tcp", "host": "127.0.0.1", "port": self.tcp.port}
        else:
            modbus |= {"transport": "serial", "device": self.rtu.path, "baudrate": 19200}
        modbus |= board
        kerong = {
            "name": "k1",
            "family": "kerong",
            "transport": "serial",
            "baudrate": 19200,
            "device": self.kerong.path,
            "address": 0,
            "timeout_s": board.get("timeout_s", 0.5),
            "retries": board.get("retries", 2),
        }
        comps = [
            {
                "id": line.compartment,
                "board": line.board,
                "lock": line.lock,
                "door": line.door,
                "occupancy": line.occupancy,
            }
            for line in self.model.lines()
        ]
        return LockersSection.model_validate({"boards": [modbus, kerong], "compartments": comps})

    def __enter__(self) -> LockerBankSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
