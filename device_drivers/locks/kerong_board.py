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
from typing import Any

import serial

from device_drivers.locks import kerong_protocol as kp
from device_drivers.locks.board import BoardGarbled, BoardNotAnswering
from kiosk.settings.lockers import BoardSettings


class _Line:
    def __init__(self, settings: BoardSettings) -> None:
        self.settings = settings
        self.port: Any = None
        self.lock = threading.Lock()
        self.users = 0

    def exchange(self, board: str, frame: bytes) -> bytes:
        """Send one command, return the raw reply (b"" when nothing came)."""
        with self.lock:
            try:
                if self.port is None:
                    self.port = serial.serial_for_url(
                        str(self.settings.device),
                        baudrate=self.settings.baudrate,
                        timeout=self.settings.timeout_s,
                    )
                self.port.reset_input_buffer()
                self.port.write(frame)
                return bytes(self.port.read(kp.STATUS_LEN))
            except (serial.SerialException, OSError) as exc:
                self.close_port()
                raise BoardNotAnswering(
                    board, f"serial line {self.settings.device}: {exc}"
                ) from None

    def close_port(self) -> None:
        if self.port is not None:
            try:
                self.port.close()
            finally:
                self.port = None


class KerongBoard:
    def __init__(self, settings: BoardSettings, line: _Line) -> None:
        self.name = settings.name
        self.settings = settings
        self._line = line
        line.users += 1

    def _status(self, frame: bytes, what: str) -> kp.Status:
        reply = self._line.exchange(self.name, frame)
        if not reply:
            raise BoardNotAnswering(
                self.name, f"{what}: no reply within {self.settings.timeout_s}s"
            )
        try:
            status = kp.decode_status(reply)
        except kp.KerongFrameError as exc:
            raise BoardGarbled(self.name, f"{what}: {exc}") from None
        if status.board != self.settings.address:
            raise BoardGarbled(self.name, f"{what}: reply from address {status.board}")
        return status

    def pulse(self, lock: int) -> None:
        try:
            self._status(kp.unlock(self.settings.address, lock), f"unlock {lock}")
        except BoardNotAnswering:
            self._status(kp.status_query(self.settings.address), f"status after unlock {lock}")

    def read_inputs(self) -> tuple[bool, ...]:
        status = self._status(kp.status_query(self.settings.address), "status")
        return status.inputs()[: self.settings.inputs]

    def close(self) -> None:
        with self._line.lock:
            self._line.users -= 1
            if self._line.users <= 0:
                self._line.close_port()


def open_boards(boards: list[BoardSettings]) -> list[KerongBoard]:
    """One board object per configured board; boards on one serial line share the port."""
    lines: dict[str, _Line] = {}
    out = []
    for settings in boards:
        key = str(settings.device)
        if key not in lines:
            lines[key] = _Line(settings)
        out.append(KerongBoard(settings, lines[key]))
    return out
