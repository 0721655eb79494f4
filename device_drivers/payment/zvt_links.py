"""The two ways to reach a ZVT terminal, both carrying whole APDUs: TCP (raw APDUs, framed by
their length) and a serial port (DLE/STX frames with CRC, each answered ACK/NAK and repeated
on NAK or T2). This is the only ZVT module that does I/O.

TCP runs on asyncio streams. pyserial is blocking, so every serial read and write runs in a
worker thread (asyncio.to_thread); the event loop never waits on the port.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any, Protocol

import serial

from device_drivers.payment import zvt_serial
from device_drivers.payment.zvt_apdu import Apdu, ApduReader, decode_apdu
from device_drivers.payment.zvt_errors import ZvtProtocolError
from device_drivers.payment.zvt_serial import Ack, BadFrame, Frame, FrameReader, Nak, Transmission

READ_SLICE_S = 0.05


class LinkLost(Exception):
    """The terminal cannot be reached, hung up, or the serial line failed."""


class Link(Protocol):
    async def open(self) -> None: ...
    async def send(self, apdu: Apdu) -> None: ...
    async def receive(self, timeout_s: float) -> Apdu | None: ...
    async def close(self) -> None: ...


class TcpLink:
    def __init__(self, host: str, port: int, connect_timeout_s: float = 5.0) -> None:
        self.host, self.port, self.connect_timeout_s = host, port, connect_timeout_s
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._apdus = ApduReader()

    async def open(self) -> None:
        try:
            self._reader, self._writer = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port), self.connect_timeout_s
            )
        except (OSError, TimeoutError) as exc:
            raise LinkLost(f"cannot connect to {self.host}:{self.port}: {exc}") from None
        self._apdus = ApduReader()

    async def send(self, apdu: Apdu) -> None:
        if self._writer is None:
            raise LinkLost("not connected")
        try:
            self._writer.write(apdu.encode())
            await self._writer.drain()
        except OSError as exc:
            raise LinkLost(f"connection lost while sending: {exc}") from None

    async def receive(self, timeout_s: float) -> Apdu | None:
        if self._reader is None:
            raise LinkLost("not connected")
        deadline = time.monotonic() + timeout_s
        while (apdu := self._apdus.next_apdu()) is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            try:
                data = await asyncio.wait_for(self._reader.read(4096), remaining)
            except TimeoutError:
                return None
            except OSError as exc:
                raise LinkLost(f"connection lost: {exc}") from None
            if not data:
                raise LinkLost("the terminal closed the connection")
            self._apdus.feed(data)
        return apdu

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()
        self._reader = self._writer = None


class SerialLink:
    """ZVT over any pyserial URL: /dev/ttyUSB0, socket://host:port, rfc2217://…, loop://."""

    def __init__(
        self,
        url: str,
        baudrate: int = 9600,
        ack_timeout_s: float = zvt_serial.T2_S,
        byte_gap_s: float = zvt_serial.T1_S,
        max_repeats: int = zvt_serial.MAX_REPEATS,
        open_port: Callable[..., Any] = serial.serial_for_url,
    ) -> None:
        self.url, self.baudrate = url, baudrate
        self.ack_timeout_s, self.byte_gap_s, self.max_repeats = (
            ack_timeout_s,
            byte_gap_s,
            max_repeats,
        )
        self._open_port = open_port
        self._port: Any = None
        self._frames = FrameReader()
        self._received: list[bytes] = []  # frames that arrived while we waited for an ACK
        self.repeats = 0  # frames we had to send again (for tests and logs)

    async def open(self) -> None:
        try:
            self._port = await asyncio.to_thread(
                self._open_port,
                self.url,
                baudrate=self.baudrate,
                bytesize=serial.EIGHTBITS,
                parity=serial.PARITY_NONE,
                stopbits=serial.STOPBITS_TWO,
                timeout=READ_SLICE_S,
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            raise LinkLost(f"cannot open {self.url}: {exc}") from None
        self._frames, self._received = FrameReader(), []

    async def send(self, apdu: Apdu) -> None:
        await asyncio.to_thread(self._send_blocking, apdu.encode())

    async def receive(self, timeout_s: float) -> Apdu | None:
        raw = await asyncio.to_thread(self._receive_blocking, timeout_s)
        if raw is None:
            return None
        try:
            return decode_apdu(raw)
        except ZvtProtocolError as exc:
            raise LinkLost(f"terminal sent a frame that is no APDU: {exc}") from None

    async def close(self) -> None:
        if self._port is not None:
            port, self._port = self._port, None
            await asyncio.to_thread(port.close)

    def _send_blocking(self, apdu: bytes) -> None:
        sending = Transmission(zvt_serial.encode_frame(apdu), self.max_repeats)
        frame: bytes | None = sending.frame
        while frame is not None:
            self._write(frame)
            if self._await_ack():
                return
            frame = sending.next_attempt()
            self.repeats += 1 if frame is not None else 0
        raise LinkLost(f"no ACK from the terminal after {sending.sent} sendings")

    def _await_ack(self) -> bool:
        deadline = time.monotonic() + self.ack_timeout_s
        answer: bool | None = None
        while answer is None and time.monotonic() < deadline:
            for event in self._frames.feed(self._read()):
                if isinstance(event, Ack | Nak) and answer is None:
                    answer = isinstance(event, Ack)
                elif not isinstance(event, Ack | Nak):
                    self._answer(event)  # a frame right behind the ACK is kept, not lost
        return bool(answer)

    def _receive_blocking(self, timeout_s: float) -> bytes | None:
        deadline = time.monotonic() + timeout_s
        last_byte = time.monotonic()
        while not self._received:
            now = time.monotonic()
            if self._frames.in_frame and now - last_byte > self.byte_gap_s:
                self._frames.reset()  # T1: a frame stopped half way
                self._write(bytes((zvt_serial.NAK,)))
            elif now >= deadline and not self._frames.in_frame:
                return None
            data = self._read()
            if data:
                last_byte = time.monotonic()
            for event in self._frames.feed(data):
                self._answer(event)
        return self._received.pop(0)

    def _answer(self, event: object) -> None:
        if isinstance(event, Frame):
            self._write(bytes((zvt_serial.ACK,)))
            self._received.append(event.apdu)
        elif isinstance(event, BadFrame):
            self._write(bytes((zvt_serial.NAK,)))

    def _read(self) -> bytes:
        port = self._port
        if port is None:
            raise LinkLost("serial port closed")
        try:
            return port.read(max(1, port.in_waiting))
        except (serial.SerialException, OSError) as exc:
            raise LinkLost(f"serial port failed: {exc}") from None

    def _write(self, data: bytes) -> None:
        try:
            self._port.write(data)
            self._port.flush()
        except (serial.SerialException, OSError, AttributeError) as exc:
            raise LinkLost(f"serial port failed: {exc}") from None


def link_for(url: str, *, baudrate: int = 9600, connect_timeout_s: float = 5.0) -> Link:
    """tcp://host:port → TCP (raw APDUs); anything else is a pyserial URL (framed)."""
    if url.startswith("tcp://"):
        host, _, port = url.removeprefix("tcp://").rstrip("/").rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"{url!r}: expected tcp://host:port")
        return TcpLink(host.strip("[]"), int(port), connect_timeout_s)
    return SerialLink(url, baudrate)
