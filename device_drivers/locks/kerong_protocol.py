"""Kerong KR-CU16 style lock-board frames: pure encode/decode, no port, no clock.

Frame (every command and reply)::

    +-----+------+-----+--------------+-----+-----+
    | STX | ADDR | CMD | data (0 or 4)| ETX | SUM |     SUM = low byte of the sum of
    | 02  |      |     |              | 03  |     |     every byte before it
    +-----+------+-----+--------------+-----+-----+

Commands (5 bytes, no data): 0x30 get status, 0x31 unlock one, 0x32 get all (bus),
0x33 unlock all. ADDR = board address (high nibble) | lock number 0..15 (low nibble); a
status query names lock 0. The board-address nibble is our reading of the sources for
multi-board buses and is unverified on hardware (research §3.3); a single board at address
0 matches the verified vectors ``02 00 31 03 36`` and ``02 0F 31 03 45``.

Status reply (CMD 0x35, 9 bytes)::

    02 ADDR 35 latch1-8 latch9-16 ir1-8 ir9-16 03 SUM

Latch bit 1 = hook engaged (door closed); IR bit 1 = occupied. Bit k of the first byte is
lock k+1 (little-endian across the pair).
"""

from __future__ import annotations

from dataclasses import dataclass

STX = 0x02
ETX = 0x03
CMD_STATUS = 0x30
CMD_UNLOCK = 0x31
CMD_GET_ALL = 0x32
CMD_UNLOCK_ALL = 0x33
REPLY_STATUS = 0x35
COMMAND_LEN = 5
STATUS_LEN = 9
LOCKS = 16


class KerongFrameError(ValueError):
    """The bytes are not a valid Kerong frame (the peer, or the line, is at fault)."""


class KerongChecksumError(KerongFrameError):
    """A frame arrived whole but its SUM byte is wrong: noise on the RS-485 line."""


@dataclass(frozen=True)
class Command:
    board: int
    cmd: int
    lock: int = 0


@dataclass(frozen=True)
class Status:
    board: int
    latched: tuple[bool, ...]  # 16 entries: True = closed
    occupied: tuple[bool, ...]  # 16 entries: True = something in the compartment

    def inputs(self) -> tuple[bool, ...]:
        """The 32 inputs as the bank sees them: 16 door-closed bits, then 16 occupancy bits."""
        return self.latched + self.occupied


def checksum(data: bytes) -> int:
    return sum(data) & 0xFF


def _addr(board: int, lock: int) -> int:
    if not 0 <= board <= 15 or not 0 <= lock < LOCKS:
        raise ValueError(f"board 0..15 and lock 0..15 expected, got {board}, {lock}")
    return (board << 4) | lock


def encode_command(command: Command) -> bytes:
    body = bytes([STX, _addr(command.board, command.lock), command.cmd, ETX])
    return body + bytes([checksum(body)])


def unlock(board: int, lock: int) -> bytes:
    return encode_command(Command(board, CMD_UNLOCK, lock))


def status_query(board: int) -> bytes:
    return encode_command(Command(board, CMD_STATUS, 0))


def _bits(low: int, high: int) -> tuple[bool, ...]:
    word = low | (high << 8)
    return tuple(bool(word >> k & 1) for k in range(LOCKS))


def _bytes(bits: tuple[bool, ...]) -> bytes:
    word = sum(1 << k for k, bit in enumerate(bits[:LOCKS]) if bit)
    return bytes([word & 0xFF, word >> 8])


def encode_status(status: Status) -> bytes:
    body = bytes([STX, status.board << 4, REPLY_STATUS])
    body += _bytes(status.latched) + _bytes(status.occupied) + bytes([ETX])
    return body + bytes([checksum(body)])


def _check_frame(frame: bytes, length: int) -> None:
    if len(frame) != length:
        raise KerongFrameError(f"expected {length} bytes, got {len(frame)}: {frame.hex(' ')}")
    if frame[0] != STX or frame[-2] != ETX:
        raise KerongFrameError(f"missing STX/ETX: {frame.hex(' ')}")
    if checksum(frame[:-1]) != frame[-1]:
        raise KerongChecksumError(f"bad SUM in {frame.hex(' ')}")


def decode_command(frame: bytes) -> Command:
    _check_frame(frame, COMMAND_LEN)
    return Command(board=frame[1] >> 4, cmd=frame[2], lock=frame[1] & 0x0F)


def decode_status(frame: bytes) -> Status:
    _check_frame(frame, STATUS_LEN)
    if frame[2] != REPLY_STATUS:
        raise KerongFrameError(f"not a status reply (CMD {frame[2]:#04x})")
    return Status(
        board=frame[1] >> 4,
        latched=_bits(frame[3], frame[4]),
        occupied=_bits(frame[5], frame[6]),
    )


class FrameSplitter:
    """Cuts a byte stream into whole frames of a known length, resynchronising on STX.

    Bytes before an STX are dropped (line noise); ``feed`` returns the complete frames.
    """

    def __init__(self, length: int) -> None:
        self.length = length
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer += data
        frames = []
        while True:
            start = self._buffer.find(STX)
            if start < 0:
                self._buffer.clear()
                return frames
            del self._buffer[:start]
            if len(self._buffer) < self.length:
                return frames
            frames.append(bytes(self._buffer[: self.length]))
            del self._buffer[: self.length]
