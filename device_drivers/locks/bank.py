"""The lock bank: configured compartments mapped onto boards of any family, with bounded
retries and per-board health. Implements kiosk.core.lockers.ports.LockHardware.

A failing board costs only its own compartments: ``read_all`` leaves them out and keeps
the rest. A board's request is tried ``retries + 1`` times (a refusal such as a Modbus
exception is not retried: asking again gets the same answer); then DeviceUnavailable.
Health changes are logged once per transition, never per request.

Adding a board family is one module with ``open_boards(Sequence[BoardSpec])`` and one
entry in FAMILIES. Takes plain values (boards.py); never reads kiosk.settings: the wiring
(kiosk/wiring/locks.py) turns the [lockers] table into them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from device_drivers.locks import kerong_board, modbus_board
from device_drivers.locks.board import BoardRefused, LockBoard, LockBoardError
from device_drivers.locks.boards import BoardSpec, CompartmentLines
from kiosk.core.lockers.ports import BoardHealth, DeviceUnavailable, SensorReading

log = logging.getLogger(__name__)
T = TypeVar("T")

FAMILIES: dict[str, Callable[[Sequence[BoardSpec]], list[LockBoard]]] = {
    "modbus": modbus_board.open_boards,
    "kerong": kerong_board.open_boards,
}


def open_boards(specs: Sequence[BoardSpec]) -> dict[str, LockBoard]:
    boards: dict[str, LockBoard] = {}
    for family, opener in FAMILIES.items():
        for board in opener([b for b in specs if b.family == family]):
            boards[board.name] = board
    return boards


class _Health:
    def __init__(self, board: str) -> None:
        self.board = board
        self.consecutive = 0
        self.total = 0
        self.retried = 0
        self.last_error = ""

    def failed(self, error: Exception) -> None:
        if self.consecutive == 0:
            log.warning("lock board %s failing: %s", self.board, error)
        self.consecutive += 1
        self.total += 1
        self.last_error = str(error)

    def succeeded(self) -> None:
        if self.consecutive:
            log.info("lock board %s answering again", self.board)
        self.consecutive = 0

    def snapshot(self) -> BoardHealth:
        return BoardHealth(
            self.board,
            self.consecutive == 0,
            self.consecutive,
            self.total,
            self.retried,
            self.last_error,
        )


class LockBank:
    """``specs`` and ``compartments`` describe the bank; ``boards`` are the opened boards by
    name (``open_boards(specs)``, or fakes in tests). A failing board is probed again only
    every ``board_probe_s``."""

    def __init__(
        self,
        specs: Sequence[BoardSpec],
        compartments: Sequence[CompartmentLines],
        boards: Mapping[str, LockBoard],
        *,
        board_probe_s: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.compartments = tuple(compartments)
        self.board_probe_s = board_probe_s
        self._clock = clock
        self._next_probe: dict[str, float] = {}
        self._boards = dict(boards)
        self._specs = {b.name: b for b in specs}
        self._comps: dict[int, CompartmentLines] = {c.id: c for c in self.compartments}
        self._health = {name: _Health(name) for name in self._boards}
        self._lock = threading.Lock()

    def _attempt(self, board: str, what: str, request: Callable[[], T]) -> T:
        tries = self._specs[board].retries + 1
        error: LockBoardError | None = None
        for attempt in range(tries):
            try:
                result = request()
            except BoardRefused as exc:
                error = exc
                break
            except LockBoardError as exc:
                error = exc
                continue
            with self._lock:
                self._health[board].retried += attempt
                self._health[board].succeeded()
            return result
        with self._lock:
            self._health[board].failed(error)  # type: ignore[arg-type]
        raise DeviceUnavailable(board, f"{what}: {error}")

    def _compartment(self, compartment: int) -> CompartmentLines:
        try:
            return self._comps[compartment]
        except KeyError:
            raise ValueError(f"compartment {compartment} is not configured") from None

    def release(self, compartment: int) -> None:
        comp = self._compartment(compartment)
        board = self._boards[comp.board]
        self._attempt(comp.board, f"release {compartment}", lambda: board.pulse(comp.lock))

    def _inputs(self, name: str) -> tuple[bool, ...]:
        return self._attempt(name, "read sensors", self._boards[name].read_inputs)

    @staticmethod
    def _reading(comp: CompartmentLines, inputs: tuple[bool, ...]) -> SensorReading:
        occupied = None if comp.occupancy is None else inputs[comp.occupancy]
        return SensorReading(door_closed=inputs[comp.door], occupied=occupied)

    def read(self, compartment: int) -> SensorReading:
        comp = self._compartment(compartment)
        return self._reading(comp, self._inputs(comp.board))

    def read_all(self) -> dict[int, SensorReading]:
        """Every compartment on a reachable board. A failing board is probed only every
        board_probe_s, so a dead board does not slow the polling of the others."""
        readings: dict[int, SensorReading] = {}
        for name in self._boards:
            now = self._clock()
            if now < self._next_probe.get(name, now):
                continue
            try:
                inputs = self._inputs(name)
            except DeviceUnavailable:
                self._next_probe[name] = self._clock() + self.board_probe_s
                continue
            self._next_probe.pop(name, None)
            for comp in self._comps.values():
                if comp.board == name:
                    readings[comp.id] = self._reading(comp, inputs)
        return readings

    def health(self) -> dict[str, BoardHealth]:
        with self._lock:
            return {name: h.snapshot() for name, h in self._health.items()}

    def reset_coils(self) -> None:
        """Start-up: force every coil of boards that hold their coils (Modbus) OFF."""
        for name, board in self._boards.items():
            reset = getattr(board, "release_all_coils", None)
            if reset is not None:
                self._attempt(name, "all coils off", reset)

    def close(self) -> None:
        for board in self._boards.values():
            board.close()
