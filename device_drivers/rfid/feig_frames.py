"""FEIG OBID ISO-host protocol: frames, CRC and status codes. Pure (sans-I/O).

Standard frame (whole frame <= 255 bytes)::

    host -> reader:  LEN | COM-ADR | CMD | data ...          | CRC-LSB | CRC-MSB
    reader -> host:  LEN | COM-ADR | CMD | STATUS | data ... | CRC-LSB | CRC-MSB

Advanced frame (the reader uses it when a reply exceeds 255 bytes)::

    0x02 | LEN-MSB | LEN-LSB | COM-ADR | CMD | [STATUS] | data ... | CRC-LSB | CRC-MSB

LEN counts every byte of the frame including itself and the CRC. The CRC is the reflected
CCITT polynomial (0x8408), preset 0xFFFF, no final xor, over every byte before it
(CRC-16/MCRF4XX). COM-ADR 255 reaches any reader. Source: FEIG ID CPR manual (H20800-16e),
chapter 2 and Annex C (status codes). A standard frame is never 2 bytes long, so a first byte
0x02 always starts an advanced frame.

This module never touches a port, a socket or the clock.
"""

from __future__ import annotations

from dataclasses import dataclass

BROADCAST = 0xFF
ADVANCED_START = 0x02
MIN_FRAME = 5

STATUS_OK = 0x00
STATUS_NO_TRANSPONDER = 0x01
STATUS_DATA_FALSE = 0x02
STATUS_WRITE_ERROR = 0x03
STATUS_ADDRESS_ERROR = 0x04
STATUS_WRONG_TRANSPONDER = 0x05
STATUS_GENERAL = 0x0E
STATUS_PARAMETER_RANGE = 0x11
STATUS_UNKNOWN_COMMAND = 0x80
STATUS_LENGTH_ERROR = 0x81
STATUS_RF_ERROR = 0x83
STATUS_MORE_DATA = 0x94
STATUS_ISO_ERROR = 0x95

STATUS_TEXT = {
    0x00: "OK",
    0x01: "no transponder",
    0x02: "data false (CRC on the air)",
    0x03: "write error",
    0x04: "address error",
    0x05: "wrong transponder type",
    0x0E: "general error",
    0x10: "EEPROM failure",
    0x11: "parameter range error",
    0x80: "unknown command",
    0x81: "length error",
    0x82: "command not available",
    0x83: "RF communication error",
    0x93: "data buffer overflow",
    0x94: "more data",
    0x95: "ISO 15693 error",
}
ISO_ERROR_TEXT = {
    0x01: "not supported",
    0x02: "not recognised",
    0x03: "option not supported",
    0x0F: "unknown error",
    0x10: "block not available",
    0x11: "already locked",
    0x12: "locked",
    0x13: "programming failed",
    0x14: "lock failed",
}


class FeigProtocolError(Exception):
    """The bytes on the line are not a valid frame (the peer's or the line's fault)."""


class FrameCrcError(FeigProtocolError):
    """A whole frame arrived but its CRC is wrong: noise on the serial line."""


@dataclass(frozen=True)
class Frame:
    """One frame without its framing: ``status`` is None in a request (host -> reader)."""

    address: int
    command: int
    data: bytes = b""
    status: int | None = None


def crc16(data: bytes, crc: int = 0xFFFF) -> int:
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc


def encode(frame: Frame) -> bytes:
    """Frame bytes: standard when it fits 255 bytes, advanced otherwise."""
    status = b"" if frame.status is None else bytes([frame.status])
    body = bytes([frame.address, frame.command]) + status + frame.data
    if len(body) + 3 <= 255:
        head = bytes([len(body) + 3])
    else:
        total = len(body) + 5
        if total > 0xFFFF:
            raise ValueError("frame longer than 65535 bytes")
        head = bytes([ADVANCED_START, total >> 8, total & 0xFF])
    raw = head + body
    crc = crc16(raw)
    return raw + bytes([crc & 0xFF, crc >> 8])


class FrameDecoder:
    """Cuts a byte stream into frames. ``replies`` says whether frames carry a STATUS byte.

    feed() bytes as they arrive; frames() yields each complete frame. A frame whose CRC
    fails raises FrameCrcError once and is dropped, so the stream goes on with the next one.
    """

    def __init__(self, replies: bool) -> None:
        self.replies = replies
        self._buffer = bytearray()

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def clear(self) -> None:
        self._buffer.clear()

    @property
    def pending(self) -> int:
        return len(self._buffer)

    def next_frame(self) -> Frame | None:
        """The next complete frame, or None until more bytes arrive."""
        size, head = self._frame_size()
        if size is None or len(self._buffer) < size:
            return None
        raw = bytes(self._buffer[:size])
        del self._buffer[:size]
        if crc16(raw[:-2]) != raw[-2] | (raw[-1] << 8):
            raise FrameCrcError(f"frame CRC mismatch ({raw[:8].hex()}…)")
        body = raw[head:-2]
        minimum = 3 if self.replies else 2
        if len(body) < minimum:
            raise FeigProtocolError(f"frame of {size} bytes is too short")
        if self.replies:
            return Frame(body[0], body[1], bytes(body[3:]), status=body[2])
        return Frame(body[0], body[1], bytes(body[2:]))

    def _frame_size(self) -> tuple[int | None, int]:
        if not self._buffer:
            return None, 0
        if self._buffer[0] == ADVANCED_START:
            if len(self._buffer) < 3:
                return None, 3
            size = (self._buffer[1] << 8) | self._buffer[2]
            head = 3
        else:
            size, head = self._buffer[0], 1
        if size < MIN_FRAME + head - 1:
            bad = self._buffer[0]
            self._buffer.clear()
            raise FeigProtocolError(f"impossible frame length at byte {bad:#04x}")
        return size, head


def describe_status(status: int, data: bytes = b"") -> str:
    text = STATUS_TEXT.get(status, "unknown status")
    if status == STATUS_ISO_ERROR and data:
        text += f": {ISO_ERROR_TEXT.get(data[0], 'unknown')} ({data[0]:#04x})"
    return f"{text} ({status:#04x})"
