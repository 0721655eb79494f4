"""Kerong KR-CU16 style lock boards over a serial line (pyserial): the thin adapter around
kerong_protocol.

The board times its own unlock pulse. Its 32 inputs are, in the bank's numbering, the 16
latch bits (1 = closed) then the 16 IR bits (1 = occupied). Up to 16 boards share one
RS-485 line, told apart by the address nibble; one serial port per line. The input buffer
is flushed before every command because boards have been seen to leave stray bytes after an
unlock (research §3.3). A board that does not acknowledge an unlock is asked for its status
once, which also clears the "busy after unlock" state reported from the field.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import serial

from device_drivers.locks import kerong_protocol as kp
from device_drivers.locks.board import BoardGarbled, BoardNotAnswering
from device_drivers.locks.boards import BoardSpec


class _Line:
    def __init__(self, spec: BoardSpec) -> None:
        self.spec = spec
        self.port: Any = None
        self.lock = threading.Lock()
        self.users = 0

    def exchange(self, board: str, frame: bytes) -> bytes:
        """Send one command, return the raw reply (b"" when nothing came)."""
        with self.lock:
            try:
                if self.port is None:
                    self.port = serial.serial_for_url(
                        str(self.spec.device),
                        baudrate=self.spec.baudrate,
                        timeout=self.spec.timeout_s,
                    )
                self.port.reset_input_buffer()
                self.port.write(frame)
                return bytes(self.port.read(kp.STATUS_LEN))
            except (serial.SerialException, OSError) as exc:
                self.close_port()
                raise BoardNotAnswering(board, f"serial line {self.spec.device}: {exc}") from None

    def close_port(self) -> None:
        if self.port is not None:
            try:
                self.port.close()
            finally:
                self.port = None


class KerongBoard:
    def __init__(self, spec: BoardSpec, line: _Line) -> None:
        self.name = spec.name
        self.spec = spec
        self._line = line
        line.users += 1

    def _status(self, frame: bytes, what: str) -> kp.Status:
        reply = self._line.exchange(self.name, frame)
        if not reply:
            raise BoardNotAnswering(self.name, f"{what}: no reply within {self.spec.timeout_s}s")
        try:
            status = kp.decode_status(reply)
        except kp.KerongFrameError as exc:
            raise BoardGarbled(self.name, f"{what}: {exc}") from None
        if status.board != self.spec.address:
            raise BoardGarbled(self.name, f"{what}: reply from address {status.board}")
        return status

    def pulse(self, lock: int) -> None:
        try:
            self._status(kp.unlock(self.spec.address, lock), f"unlock {lock}")
        except BoardNotAnswering:
            self._status(kp.status_query(self.spec.address), f"status after unlock {lock}")

    def read_inputs(self) -> tuple[bool, ...]:
        status = self._status(kp.status_query(self.spec.address), "status")
        return status.inputs()[: self.spec.inputs]

    def close(self) -> None:
        with self._line.lock:
            self._line.users -= 1
            if self._line.users <= 0:
                self._line.close_port()


def open_boards(boards: Sequence[BoardSpec]) -> list[KerongBoard]:
    """One board object per configured board; boards on one serial line share the port."""
    lines: dict[str, _Line] = {}
    out = []
    for spec in boards:
        key = str(spec.device)
        if key not in lines:
            lines[key] = _Line(spec)
        out.append(KerongBoard(spec, lines[key]))
    return out
