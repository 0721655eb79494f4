"""Modbus lock boards (RTU over serial, or TCP) through pymodbus: the only pymodbus import.

A lock is a coil: FC05 ON, the pulse time, FC05 OFF. Door and occupancy sensors are
discrete inputs read in one FC02 request. Several boards on one RS-485 bus share a client
(one per bus, keyed by device or host:port) and are told apart by unit id. pymodbus's own
retries are off: the bank decides how often to try again.

pymodbus 3.16.1 is pinned: 3.10 renamed ``slave=`` to ``device_id=`` (research §5.1).
A reply that fails its CRC is dropped inside pymodbus and surfaces as "no response"; the
raw-byte trace tells the two apart, so a garbled line is reported as BoardGarbled.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from pymodbus import FramerType
from pymodbus.client import ModbusSerialClient, ModbusTcpClient
from pymodbus.exceptions import ModbusException

from device_drivers.locks.board import (
    BoardGarbled,
    BoardNotAnswering,
    BoardRefused,
    LockBoardError,
)
from device_drivers.locks.boards import BoardSpec


class _Bus:
    """One pymodbus client and the lock that serialises requests on its line."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.lock = threading.Lock()
        self.received = 0  # bytes seen on the line since the last request began
        self.users = 0

    def trace(self, sending: bool, data: bytes) -> bytes:
        if not sending:
            self.received += len(data)
        return data


def bus_key(spec: BoardSpec) -> str:
    if spec.transport == "tcp":
        return f"tcp://{spec.host}:{spec.port}"
    return f"serial://{spec.device}"


def _open_bus(spec: BoardSpec) -> _Bus:
    # pymodbus logs every unanswered request at error level; the bank reports a failing board
    # once per health change instead, so pymodbus (wrapped only here) is kept to criticals.
    logging.getLogger("pymodbus").setLevel(logging.CRITICAL)
    bus = _Bus(None)
    common = {"timeout": spec.timeout_s, "retries": 0, "trace_packet": bus.trace}
    if spec.transport == "tcp":
        bus.client = ModbusTcpClient(spec.host, port=spec.port, **common)
    else:
        bus.client = ModbusSerialClient(
            str(spec.device), framer=FramerType.RTU, baudrate=spec.baudrate, **common
        )
    return bus


def open_boards(
    boards: Sequence[BoardSpec], sleep: Callable[[float], None] = time.sleep
) -> list[ModbusBoard]:
    """One board object per configured board; boards on one bus share its client."""
    buses: dict[str, _Bus] = {}
    out = []
    for spec in boards:
        key = bus_key(spec)
        if key not in buses:
            buses[key] = _open_bus(spec)
        out.append(ModbusBoard(spec, buses[key], sleep))
    return out


class ModbusBoard:
    """A Modbus relay/IO board: locks are coils, sensors are discrete inputs."""

    def __init__(
        self, spec: BoardSpec, bus: _Bus, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.name = spec.name
        self.spec = spec
        self._sleep = sleep
        self._bus = bus
        bus.users += 1

    def _call(self, what: str, request: Callable[[], Any]) -> Any:
        bus = self._bus
        with bus.lock:
            bus.received = 0
            try:
                if not bus.client.connected and not bus.client.connect():
                    raise BoardNotAnswering(self.name, f"cannot connect to {bus_key(self.spec)}")
                result = request()
            except ModbusException as exc:
                raise self._classify(what, exc) from None
            if result.isError():
                code = getattr(result, "exception_code", "?")
                raise BoardRefused(self.name, f"{what}: modbus exception {code}")
            return result

    def _classify(self, what: str, exc: Exception) -> Exception:
        if self._bus.received:
            return BoardGarbled(self.name, f"{what}: invalid reply ({exc})")
        return BoardNotAnswering(self.name, f"{what}: no reply within {self.spec.timeout_s}s")

    def set_lock(self, lock: int, on: bool) -> None:
        unit = self.spec.address
        self._call(f"coil {lock}", lambda: self._bus.client.write_coil(lock, on, device_id=unit))

    def pulse(self, lock: int) -> None:
        try:
            self.set_lock(lock, True)
        except LockBoardError:
            # the ON may have reached the board even though its reply did not reach us
            with contextlib.suppress(LockBoardError):
                self.set_lock(lock, False)
            raise
        self._sleep(self.spec.pulse_s)
        try:
            self.set_lock(lock, False)
        except LockBoardError:
            self.set_lock(lock, False)  # a solenoid must never stay energised: one more try

    def release_all_coils(self) -> None:
        """Start-up watchdog: every coil OFF, whatever a crash left energised."""
        unit, count = self.spec.address, self.spec.locks
        self._call(
            "all coils off",
            lambda: self._bus.client.write_coils(0, [False] * count, device_id=unit),
        )

    def read_inputs(self) -> tuple[bool, ...]:
        unit, count = self.spec.address, self.spec.inputs
        result = self._call(
            "inputs",
            lambda: self._bus.client.read_discrete_inputs(0, count=count, device_id=unit),
        )
        bits = tuple(bool(b) for b in result.bits[:count])
        if len(bits) != count:
            raise BoardGarbled(self.name, f"inputs: {len(bits)} bits for {count} asked")
        return bits

    def close(self) -> None:
        with self._bus.lock:
            self._bus.users -= 1
            if self._bus.users <= 0:
                self._bus.client.close()
