"""The behaviour of a locker bank, shared by the in-process fake and the wire simulator.

Owns the physical truth: lock coils, doors, items, and the faults a technician can cause
(a jammed lock, a stuck sensor, a board that stops answering or garbles its replies). A
released lock pops its door open unless jammed; the door closes only when someone closes
it; occupancy follows items put in and taken out. Knows no wire protocol and no clock
beyond the ``now`` callable it is given (used only to time-stamp coil pulses).

Thread-safe: the Modbus, Kerong and control-API front ends call it from their own threads.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Line:
    """Where one compartment lives on its board (the same numbers as the configuration)."""

    compartment: int
    board: str
    lock: int
    door: int
    occupancy: int | None


@dataclass(frozen=True)
class BoardSpec:
    name: str
    family: str  # "modbus" or "kerong"
    address: int
    locks: int = 16
    inputs: int = 32


@dataclass
class _Compartment:
    line: Line
    door_closed: bool = True
    items: int = 0
    jammed: bool = False
    stuck: dict[str, bool] = field(default_factory=dict)  # "door"/"occupancy" -> forced value
    releases: int = 0


@dataclass
class _Board:
    spec: BoardSpec
    coils: list[bool]
    silent: bool = False
    garble: int = 0  # replies still to corrupt
    requests: int = 0


def default_layout(count: int = 16, board: str = "b1") -> list[Line]:
    """The demo bank: compartment n's lock is coil n-1, door input n-1, occupancy 15+n."""
    return [Line(n, board, n - 1, n - 1, 15 + n) for n in range(1, count + 1)]


class LockerBankModel:
    def __init__(
        self,
        boards: Iterable[BoardSpec],
        lines: Iterable[Line],
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lock = threading.RLock()
        self._now = now
        self._boards = {b.name: _Board(b, [False] * b.locks) for b in boards}
        self._comps = {line.compartment: _Compartment(line) for line in lines}
        self._by_coil = {(c.line.board, c.line.lock): c for c in self._comps.values()}
        # (compartment, now()) per rising edge, for the release-latency benchmark
        self.energised_at: deque[tuple[int, float]] = deque(maxlen=10_000)

    # -- what the wire front ends and the in-process fake call -------------------------
    def lines(self) -> list[Line]:
        return [c.line for _, c in sorted(self._comps.items())]

    def boards(self) -> list[str]:
        return list(self._boards)

    def board_by_address(self, family: str, address: int) -> str | None:
        for board in self._boards.values():
            if board.spec.family == family and board.spec.address == address:
                return board.spec.name
        return None

    def board_spec(self, board: str) -> BoardSpec:
        return self._boards[board].spec

    def answer_fault(self, board: str) -> str | None:
        """Count a request; say whether its reply must be dropped ("silent") or "garbled"."""
        with self._lock:
            state = self._boards[board]
            state.requests += 1
            if state.silent:
                return "silent"
            if state.garble > 0:
                state.garble -= 1
                return "garbled"
            return None

    def coils(self, board: str) -> list[bool]:
        with self._lock:
            return list(self._boards[board].coils)

    def set_coil(self, board: str, coil: int, on: bool) -> None:
        with self._lock:
            coils = self._boards[board].coils
            rising = on and not coils[coil]
            coils[coil] = on
            if rising:
                self._released(board, coil)

    def pulse(self, board: str, lock: int) -> None:
        """A board that times its own pulse (Kerong): energise and let go."""
        with self._lock:
            self._released(board, lock)

    def inputs(self, board: str) -> list[bool]:
        with self._lock:
            bits = [False] * self._boards[board].spec.inputs
            for comp in self._comps.values():
                if comp.line.board != board:
                    continue
                bits[comp.line.door] = comp.stuck.get("door", comp.door_closed)
                if comp.line.occupancy is not None:
                    bits[comp.line.occupancy] = comp.stuck.get("occupancy", comp.items > 0)
            return bits

    def _released(self, board: str, lock: int) -> None:
        comp = self._by_coil.get((board, lock))
        if comp is None:
            return
        comp.releases += 1
        self.energised_at.append((comp.line.compartment, self._now()))
        if not comp.jammed:
            comp.door_closed = False

    # -- what a technician or a test does ----------------------------------------------
    def _comp(self, compartment: int) -> _Compartment:
        try:
            return self._comps[int(compartment)]
        except KeyError:
            raise ValueError(f"no compartment {compartment}") from None

    def _board(self, board: str) -> _Board:
        try:
            return self._boards[board]
        except KeyError:
            raise ValueError(f"no board {board!r}") from None

    def close_door(self, compartment: int) -> None:
        with self._lock:
            self._comp(compartment).door_closed = True

    def force_door(self, compartment: int) -> None:
        """Open a door without a release (a forced or badly latched door)."""
        with self._lock:
            self._comp(compartment).door_closed = False

    def put_item(self, compartment: int, count: int = 1) -> None:
        with self._lock:
            comp = self._comp(compartment)
            if comp.door_closed:
                raise ValueError(f"compartment {compartment}: door is closed")
            comp.items += count

    def take_items(self, compartment: int) -> int:
        with self._lock:
            comp = self._comp(compartment)
            if comp.door_closed:
                raise ValueError(f"compartment {compartment}: door is closed")
            taken, comp.items = comp.items, 0
            return taken

    def jam(self, compartment: int, jammed: bool = True) -> None:
        with self._lock:
            self._comp(compartment).jammed = jammed

    def stick_sensor(self, compartment: int, sensor: str, value: bool | None) -> None:
        if sensor not in ("door", "occupancy"):
            raise ValueError("sensor is 'door' or 'occupancy'")
        with self._lock:
            stuck = self._comp(compartment).stuck
            if value is None:
                stuck.pop(sensor, None)
            else:
                stuck[sensor] = bool(value)

    def silence(self, board: str, silent: bool = True) -> None:
        with self._lock:
            self._board(board).silent = silent

    def garble(self, board: str, replies: int = 1) -> None:
        with self._lock:
            self._board(board).garble = max(0, int(replies))

    def clear_faults(self) -> None:
        with self._lock:
            for comp in self._comps.values():
                comp.jammed = False
                comp.stuck.clear()
            for board in self._boards.values():
                board.silent = False
                board.garble = 0

    def reset(self) -> None:
        """Back to a new bank: doors closed, empty, coils off, no faults, counters zero."""
        with self._lock:
            for comp in self._comps.values():
                comp.door_closed, comp.items, comp.jammed, comp.releases = True, 0, False, 0
                comp.stuck.clear()
            for board in self._boards.values():
                board.coils = [False] * board.spec.locks
                board.silent, board.garble, board.requests = False, 0, 0
            self.energised_at.clear()

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {
                "boards": {
                    name: {
                        "family": b.spec.family,
                        "address": b.spec.address,
                        "silent": b.silent,
                        "garble": b.garble,
                        "requests": b.requests,
                        "coils_on": [i for i, on in enumerate(b.coils) if on],
                    }
                    for name, b in self._boards.items()
                },
                "compartments": {
                    str(n): {
                        "board": c.line.board,
                        "door": "closed" if c.door_closed else "open",
                        "items": c.items,
                        "jammed": c.jammed,
                        "stuck": dict(c.stuck),
                        "releases": c.releases,
                    }
                    for n, c in sorted(self._comps.items())
                },
            }
