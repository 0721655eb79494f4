"""What the lock drivers are told about the hardware: each board (family, how it is reached,
its timings) and the board lines of each compartment (lock coil, door and occupancy inputs).

Plain frozen values: the drivers never read kiosk.settings. The [lockers] table is checked
there (two compartments on one coil, a line beyond its board, …) and turned into these values
by kiosk/wiring/locks.py, so a wrong bank never reaches this package.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BoardSpec:
    """One lock board. ``family`` picks the driver (bank.FAMILIES); ``transport`` "tcp" uses
    host and port, "serial" uses device and baudrate; ``address`` is the Modbus unit id or the
    Kerong address nibble. ``retries`` is how often the bank asks again after a failed request."""

    name: str
    family: str = "modbus"
    transport: str = "tcp"
    host: str = "127.0.0.1"
    port: int = 502
    device: str | None = None
    baudrate: int = 9600
    address: int = 1
    locks: int = 16
    inputs: int = 32
    pulse_s: float = 0.5
    timeout_s: float = 0.5
    retries: int = 2


@dataclass(frozen=True)
class CompartmentLines:
    """Where compartment ``id`` is wired: its board, the lock's coil and the sensors' inputs
    (``occupancy`` None: the compartment has no occupancy sensor)."""

    id: int
    board: str
    lock: int
    door: int
    occupancy: int | None = None
