"""Modbus slave side, pure: split RTU and TCP request streams, answer FC01/02/05/0F.

Only the simulator uses this (the kiosk's driver speaks through pymodbus). No sockets, no
clock. Modbus Application Protocol v1.1b3 §6.1, 6.2, 6.5, 6.11; serial line guide §2.5.

RTU frame::   ADDR(1) | PDU | CRC16(2, low byte first; poly 0xA001 reflected, init 0xFFFF)
TCP frame::   TID(2) | PROTO(2)=0 | LEN(2) = 1 + len(PDU) | UNIT(1) | PDU

PDUs answered::

    01 read coils            req: 01 ADDR(2) COUNT(2)        resp: 01 N bits(N)
    02 read discrete inputs  req: 02 ADDR(2) COUNT(2)        resp: 02 N bits(N)
    05 write single coil     req: 05 ADDR(2) FF00|0000       resp: echo
    0F write multiple coils  req: 0F ADDR(2) COUNT(2) N bits resp: 0F ADDR(2) COUNT(2)

An error reply is FC|0x80 followed by the exception code (01 function, 02 address, 03 value).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

ILLEGAL_FUNCTION = 0x01
ILLEGAL_ADDRESS = 0x02
ILLEGAL_VALUE = 0x03


def crc16(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def rtu_frame(unit: int, pdu: bytes) -> bytes:
    body = bytes([unit]) + pdu
    return body + struct.pack("<H", crc16(body))


def tcp_frame(tid: int, unit: int, pdu: bytes) -> bytes:
    return struct.pack(">HHHB", tid, 0, len(pdu) + 1, unit) + pdu


@dataclass(frozen=True)
class Request:
    unit: int
    pdu: bytes
    tid: int = 0  # TCP only


class ModbusSlaveError(ValueError):
    """A request the simulator cannot even frame (the master is at fault)."""


def rtu_request_length(buffer: bytes) -> int | None:
    """Bytes the RTU request at the front of ``buffer`` needs, None while unknowable."""
    if len(buffer) < 2:
        return None
    fc = buffer[1]
    if fc in (0x01, 0x02, 0x05):
        return 8
    if fc == 0x0F:
        return None if len(buffer) < 7 else 9 + buffer[6]
    raise ModbusSlaveError(f"function {fc:#04x} cannot be framed")


class RtuSplitter:
    """Cuts an RTU byte stream into requests; a bad CRC drops the frame like a real slave."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self.crc_errors = 0

    def feed(self, data: bytes) -> list[Request]:
        self._buffer += data
        out = []
        while True:
            try:
                need = rtu_request_length(bytes(self._buffer))
            except ModbusSlaveError:
                self._buffer.clear()
                return out
            if need is None or len(self._buffer) < need:
                return out
            frame = bytes(self._buffer[:need])
            del self._buffer[:need]
            if crc16(frame[:-2]) != struct.unpack("<H", frame[-2:])[0]:
                self.crc_errors += 1
                continue
            out.append(Request(frame[0], frame[1:-2]))


class TcpSplitter:
    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Request]:
        self._buffer += data
        out = []
        while len(self._buffer) >= 7:
            tid, proto, length, unit = struct.unpack(">HHHB", self._buffer[:7])
            if proto != 0 or not 2 <= length <= 254:
                raise ModbusSlaveError(f"bad MBAP header {bytes(self._buffer[:7]).hex(' ')}")
            if len(self._buffer) < 6 + length:
                break
            out.append(Request(unit, bytes(self._buffer[7 : 6 + length]), tid))
            del self._buffer[: 6 + length]
        return out


def pack_bits(bits: list[bool]) -> bytes:
    out = bytearray((len(bits) + 7) // 8)
    for i, bit in enumerate(bits):
        if bit:
            out[i // 8] |= 1 << (i % 8)
    return bytes(out)


def unpack_bits(data: bytes, count: int) -> list[bool]:
    return [bool(data[i // 8] >> (i % 8) & 1) for i in range(count)]


@dataclass
class Slave:
    """One unit's data: callables into the behaviour model."""

    read_coils: Callable[[], list[bool]]
    read_inputs: Callable[[], list[bool]]
    write_coil: Callable[[int, bool], None]


def _error(fc: int, code: int) -> bytes:
    return bytes([fc | 0x80, code])


def answer(slave: Slave, pdu: bytes) -> bytes:
    """The response PDU to a request PDU (an exception response when it is wrong)."""
    if not pdu:
        return _error(0, ILLEGAL_FUNCTION)
    fc = pdu[0]
    handler = _HANDLERS.get(fc)
    if handler is None:
        return _error(fc, ILLEGAL_FUNCTION)
    if len(pdu) < 5:
        return _error(fc, ILLEGAL_VALUE)
    return handler(slave, pdu)


def _read_bits(source: Callable[[], list[bool]], pdu: bytes) -> bytes:
    start, count = struct.unpack(">HH", pdu[1:5])
    bits = source()
    if not 1 <= count <= 2000:
        return _error(pdu[0], ILLEGAL_VALUE)
    if start + count > len(bits):
        return _error(pdu[0], ILLEGAL_ADDRESS)
    data = pack_bits(bits[start : start + count])
    return bytes([pdu[0], len(data)]) + data


def _write_single(slave: Slave, pdu: bytes) -> bytes:
    address, value = struct.unpack(">HH", pdu[1:5])
    if value not in (0xFF00, 0x0000):
        return _error(0x05, ILLEGAL_VALUE)
    if address >= len(slave.read_coils()):
        return _error(0x05, ILLEGAL_ADDRESS)
    slave.write_coil(address, value == 0xFF00)
    return pdu[:5]


def _write_multiple(slave: Slave, pdu: bytes) -> bytes:
    start, count = struct.unpack(">HH", pdu[1:5])
    if len(pdu) < 6 or len(pdu) != 6 + pdu[5] or pdu[5] != (count + 7) // 8:
        return _error(0x0F, ILLEGAL_VALUE)
    if start + count > len(slave.read_coils()):
        return _error(0x0F, ILLEGAL_ADDRESS)
    for offset, bit in enumerate(unpack_bits(pdu[6:], count)):
        slave.write_coil(start + offset, bit)
    return pdu[:5]


_HANDLERS: dict[int, Callable[[Slave, bytes], bytes]] = {
    0x01: lambda slave, pdu: _read_bits(slave.read_coils, pdu),
    0x02: lambda slave, pdu: _read_bits(slave.read_inputs, pdu),
    0x05: _write_single,
    0x0F: _write_multiple,
}
