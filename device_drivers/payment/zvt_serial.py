"""ZVT over RS-232 (PA00P016 §2-§3): DLE framing, CRC, ACK/NAK. TCP has none of this.

    10 02 | APDU, every 10 sent as 10 10 | 10 03 | CRC lo | CRC hi
    DLE STX                                DLE ETX

    CRC-16, reflected polynomial 0x8408, start 0, no final XOR (CRC-16/KERMIT; the spec
    calls it "CRC-XModem") over the un-doubled APDU plus the ETX byte 03.

The receiver answers each frame with ACK (06) or NAK (15), bare bytes; the sender repeats a
frame on NAK or after T2 without an answer, at most twice (three sendings in all), then the
link has failed. `FrameReader` turns received bytes into Frame / Ack / Nak / BadFrame events;
`Transmission` counts one frame's sendings. Pure: no port, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass

DLE, STX, ETX = 0x10, 0x02, 0x03
ACK, NAK = 0x06, 0x15
MAX_REPEATS = 2  # PA00P016 §3.4: a frame is sent at most three times
T1_S = 0.2  # longest gap between two bytes of one frame
T2_S = 5.0  # longest wait for ACK/NAK after a frame
MAX_FRAME = 2 * (5 + 0xFFFF) + 6


def crc16_kermit(data: bytes) -> int:
    value = 0
    for byte in data:
        value ^= byte
        for _ in range(8):
            value = (value >> 1) ^ 0x8408 if value & 1 else value >> 1
    return value


def crc(apdu: bytes) -> int:
    """The frame check of an APDU: CRC-16/KERMIT over the APDU and the ETX byte."""
    return crc16_kermit(apdu + bytes((ETX,)))


def encode_frame(apdu: bytes) -> bytes:
    check = crc(apdu)
    stuffed = apdu.replace(bytes((DLE,)), bytes((DLE, DLE)))
    return bytes((DLE, STX)) + stuffed + bytes((DLE, ETX, check & 0xFF, check >> 8))


@dataclass(frozen=True)
class Frame:
    apdu: bytes


@dataclass(frozen=True)
class BadFrame:
    reason: str  # answer with NAK


@dataclass(frozen=True)
class Ack:
    pass


@dataclass(frozen=True)
class Nak:
    pass


SerialEvent = Frame | BadFrame | Ack | Nak


def decode_frame(raw: bytes) -> bytes:
    """The APDU of exactly one frame; ValueError says what is wrong (bad CRC, stuffing …)."""
    reader = FrameReader()
    events = reader.feed(raw)
    if len(events) != 1 or reader.in_frame:
        raise ValueError("not exactly one DLE STX … DLE ETX CRC frame")
    event = events[0]
    if isinstance(event, BadFrame):
        raise ValueError(event.reason)
    if not isinstance(event, Frame):
        raise ValueError("not a frame")
    return event.apdu


class FrameReader:
    """Bytes in, events out. Outside a frame, 06 and 15 are ACK and NAK and other bytes are
    line noise; inside, DLE DLE is one 10 and DLE ETX ends the data."""

    def __init__(self) -> None:
        self._state = "idle"  # idle | dle | data | data_dle | crc
        self._data = bytearray()
        self._crc = bytearray()

    @property
    def in_frame(self) -> bool:
        return self._state not in ("idle", "dle")

    def reset(self) -> None:
        """Drop a half-read frame (after a T1 gap: the caller answers NAK)."""
        self._state, self._data, self._crc = "idle", bytearray(), bytearray()

    def feed(self, data: bytes) -> list[SerialEvent]:
        events: list[SerialEvent] = []
        for byte in data:
            event = self._step(byte)
            if event is not None:
                events.append(event)
        return events

    def _step(self, byte: int) -> SerialEvent | None:
        state = self._state
        if state == "idle":
            if byte == DLE:
                self._state = "dle"
            return Ack() if byte == ACK else Nak() if byte == NAK else None
        if state == "dle":
            self._state = "data" if byte == STX else "idle"
            self._data = bytearray()
            return None
        if state == "data":
            if byte == DLE:
                self._state = "data_dle"
            else:
                self._data.append(byte)
            return self._too_long()
        if state == "data_dle":
            return self._after_dle(byte)
        self._crc.append(byte)
        return self._finish() if len(self._crc) == 2 else None

    def _after_dle(self, byte: int) -> SerialEvent | None:
        if byte == DLE:
            self._data.append(DLE)
            self._state = "data"
            return self._too_long()
        if byte == ETX:
            self._state, self._crc = "crc", bytearray()
            return None
        self.reset()
        if byte == STX:  # a new frame started inside this one: take the new one
            self._state = "data"
        return BadFrame(f"DLE followed by {byte:02X} inside a frame")

    def _too_long(self) -> SerialEvent | None:
        if len(self._data) > MAX_FRAME:
            self.reset()
            return BadFrame("frame longer than any APDU")
        return None

    def _finish(self) -> SerialEvent:
        data, received = bytes(self._data), int.from_bytes(self._crc, "little")
        self.reset()
        expected = crc(data)
        if received != expected:
            return BadFrame(f"CRC {received:04X} wrong, expected {expected:04X}")
        return Frame(data)


class Transmission:
    """One frame's sendings: `next_attempt()` after a NAK or T2 says whether to send again."""

    def __init__(self, frame: bytes, max_repeats: int = MAX_REPEATS) -> None:
        self.frame = frame
        self.max_repeats = max_repeats
        self.sent = 1

    def next_attempt(self) -> bytes | None:
        """The frame again, or None when the repeats are used up (transmission failed)."""
        if self.sent > self.max_repeats:
            return None
        self.sent += 1
        return self.frame
