"""The interface every lock-board family implements, and the typed faults of a board.

A board has numbered locks (pulsed to release) and numbered binary inputs (door and
occupancy sensors), read all at once. A family module (modbus_board, kerong_board) maps
these onto its wire protocol; the bank (bank.py) maps compartments onto boards, retries
within bounds and keeps each board's health. Must never retry or sleep beyond one request:
retries are the bank's decision.
"""

from __future__ import annotations

from typing import Protocol


class LockBoardError(Exception):
    """One request to a board failed. ``board`` is the configured board's name."""

    def __init__(self, board: str, message: str) -> None:
        super().__init__(message)
        self.board = board


class BoardNotAnswering(LockBoardError):
    """Nothing came back within the timeout (board off, cable cut, wrong address)."""


class BoardGarbled(LockBoardError):
    """Something came back but it failed its CRC/checksum or was not a valid reply."""


class BoardRefused(LockBoardError):
    """The board answered with an error (e.g. a Modbus exception: address out of range)."""


class LockBoard(Protocol):
    name: str

    def pulse(self, lock: int) -> None:
        """Energise the lock for the board's pulse time, then let go. Raises LockBoardError."""

    def read_inputs(self) -> tuple[bool, ...]:
        """Every input of the board in one request. Raises LockBoardError."""

    def close(self) -> None: ...
