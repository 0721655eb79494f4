"""The ZVT APDU (PA00P016 §5.2): control field, length, data — and splitting a TCP stream.

    +-------+-------+--------+-------------------+------------------+
    | CLASS | INSTR | LEN    | [LEN lo] [LEN hi] | data (LEN bytes) |
    +-------+-------+--------+-------------------+------------------+
      commands: CLASS INSTR (06 01 authorisation …)
      answers:  80 00 positive, 84 xx negative with error xx
      LEN 00-FE is the data length; FF means a 2-byte length follows, LOW byte first

Over TCP APDUs are sent as they are; reads split and merge them, so `ApduReader` frames them
by length. Pure: bytes in, APDUs out.
"""

from __future__ import annotations

from dataclasses import dataclass

from device_drivers.payment.zvt_errors import ZvtEncodeError, ZvtProtocolError

EXTENDED = 0xFF
MAX_DATA = 0xFFFF


@dataclass(frozen=True)
class Apdu:
    cls: int
    instr: int
    data: bytes = b""

    @property
    def control(self) -> tuple[int, int]:
        return (self.cls, self.instr)

    def encode(self) -> bytes:
        if not (0 <= self.cls <= 0xFF and 0 <= self.instr <= 0xFF):
            raise ZvtEncodeError("CLASS and INSTR are one byte each")
        if len(self.data) > MAX_DATA:
            raise ZvtEncodeError(f"{len(self.data)} data bytes do not fit an APDU")
        if len(self.data) < EXTENDED:
            head = bytes((self.cls, self.instr, len(self.data)))
        else:
            head = bytes((self.cls, self.instr, EXTENDED)) + len(self.data).to_bytes(2, "little")
        return head + self.data

    def __str__(self) -> str:
        return self.encode().hex(" ").upper()


def header_size(buffer: bytes) -> int | None:
    """Bytes of control field and length at the start of `buffer`; None if not all there yet."""
    if len(buffer) < 3:
        return None
    if buffer[2] != EXTENDED:
        return 3
    return 5 if len(buffer) >= 5 else None


def data_length(buffer: bytes) -> int:
    return buffer[2] if buffer[2] != EXTENDED else int.from_bytes(buffer[3:5], "little")


def decode_apdu(raw: bytes) -> Apdu:
    """Exactly one APDU; ZvtProtocolError if `raw` is cut short or has bytes after it."""
    head = header_size(raw)
    if head is None:
        raise ZvtProtocolError(f"APDU cut short: {len(raw)} bytes, no complete header")
    length = data_length(raw)
    if len(raw) - head < length:
        raise ZvtProtocolError(
            f"APDU {raw[0]:02X} {raw[1]:02X} says {length} data bytes, {len(raw) - head} follow"
        )
    if len(raw) - head > length:
        raise ZvtProtocolError(
            f"APDU {raw[0]:02X} {raw[1]:02X} says {length} data bytes, "
            f"{len(raw) - head - length} more follow it"
        )
    return Apdu(raw[0], raw[1], bytes(raw[head:]))


class ApduReader:
    """Feed bytes as they arrive; take whole APDUs out."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def next_apdu(self) -> Apdu | None:
        head = header_size(bytes(self._buffer[:5]))
        if head is None:
            return None
        end = head + data_length(bytes(self._buffer[:5]))
        if len(self._buffer) < end:
            return None
        raw = bytes(self._buffer[:end])
        del self._buffer[:end]
        return Apdu(raw[0], raw[1], raw[head:])

    @property
    def pending(self) -> int:
        return len(self._buffer)
