"""The in-process fake of the lock hardware port, for unit tests of the locker logic.

Drives the same LockerBankModel as the wire simulator, without any wire: a release sets and
clears the compartment's coil, a read returns the model's inputs, and a board the model
says is silent or garbled fails exactly as the real bank reports it (DeviceUnavailable,
health not ok). Never sleeps.
"""

from __future__ import annotations

from kiosk.core.lockers.ports import BoardHealth, DeviceUnavailable, SensorReading
from simulators.models.locker_bank import Line, LockerBankModel


class FakeLockHardware:
    def __init__(self, model: LockerBankModel) -> None:
        self.model = model
        self._lines = {line.compartment: line for line in model.lines()}
        self._failures = {board: 0 for board in model.boards()}
        self._totals = {board: 0 for board in model.boards()}
        self._last_error = {board: "" for board in model.boards()}
        self.releases: list[int] = []

    def _line(self, compartment: int) -> Line:
        try:
            return self._lines[compartment]
        except KeyError:
            raise ValueError(f"compartment {compartment} is not configured") from None

    def _ask(self, board: str, what: str) -> None:
        fault = self.model.answer_fault(board)
        if fault is None:
            self._failures[board] = 0
            return
        self._failures[board] += 1
        self._totals[board] += 1
        self._last_error[board] = f"{what}: board {fault}"
        raise DeviceUnavailable(board, self._last_error[board])

    def release(self, compartment: int) -> None:
        line = self._line(compartment)
        self._ask(line.board, f"release {compartment}")
        self.model.set_coil(line.board, line.lock, True)
        self.model.set_coil(line.board, line.lock, False)
        self.releases.append(compartment)

    def _reading(self, line: Line, inputs: list[bool]) -> SensorReading:
        occupied = None if line.occupancy is None else inputs[line.occupancy]
        return SensorReading(inputs[line.door], occupied)

    def read(self, compartment: int) -> SensorReading:
        line = self._line(compartment)
        self._ask(line.board, "read sensors")
        return self._reading(line, self.model.inputs(line.board))

    def read_all(self) -> dict[int, SensorReading]:
        out = {}
        for board in self.model.boards():
            try:
                self._ask(board, "read sensors")
            except DeviceUnavailable:
                continue
            inputs = self.model.inputs(board)
            for line in self._lines.values():
                if line.board == board:
                    out[line.compartment] = self._reading(line, inputs)
        return out

    def health(self) -> dict[str, BoardHealth]:
        return {
            board: BoardHealth(board, n == 0, n, self._totals[board], 0, self._last_error[board])
            for board, n in self._failures.items()
        }
