"""The printer adapter: opens the configured transport through python-escpos, sends a job in
pieces, and asks the real-time status (DLE EOT) before the job and after every chunk.

A job fails with a typed error (errors.py) when the printer is offline, its cover is open,
it is out of paper (before or during the job), reports an error, or stops answering in the
middle of the job. Blocking: callers on the event loop go through receipt_printer.py, which
runs this in a worker thread. One job at a time per printer.

Never decides what to print (escpos_render.py does) and never retries on its own: the
session offers the patron e-mail or no receipt instead.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from escpos import printer as escpos_printers
from escpos.exceptions import DeviceNotFoundError
from escpos.exceptions import Error as EscposError

from device_drivers.printers import status as rt
from device_drivers.printers.address import (
    FileAddress,
    PrinterAddress,
    SerialAddress,
    TcpAddress,
    UsbAddress,
)
from device_drivers.printers.errors import (
    CoverOpen,
    PaperOut,
    PrinterConfigError,
    PrinterError,
    PrinterOffline,
    PrinterStalled,
    PrinterUnreachable,
)
from device_drivers.printers.status import PrinterStatus

log = logging.getLogger(__name__)
STATUS_QUERY = b"".join(rt.query(n) for n in rt.QUERIES)


class Connection(Protocol):
    """A byte pipe to the printer (python-escpos here, the simulator's model in unit tests)."""

    has_back_channel: bool

    def open(self) -> None: ...
    def write(self, data: bytes) -> None: ...
    def read(self, timeout_s: float) -> bytes: ...
    def close(self) -> None: ...


class EscposConnection:
    """A python-escpos printer object used as a plain byte pipe."""

    def __init__(self, address: PrinterAddress, timeout_s: float) -> None:
        self.address = address
        self.device = _escpos_device(address, timeout_s)
        self.has_back_channel = not isinstance(address, FileAddress)

    def open(self) -> None:
        try:
            self.device.open(raise_not_found=True)
        except (DeviceNotFoundError, EscposError, OSError, ValueError) as exc:
            # ValueError: pyusb's NoBackendError (libusb missing) and bad serial settings
            raise PrinterUnreachable(f"cannot open the printer: {exc}") from None
        handle = self.device.device
        if isinstance(handle, socket.socket):
            # Status queries are tiny writes that wait for a reply: without this, Nagle's
            # algorithm and delayed ACKs add ~40 ms to every check.
            handle.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def write(self, data: bytes) -> None:
        try:
            self.device._raw(data)
        except TimeoutError:
            raise PrinterStalled("the printer stopped taking data") from None
        except (OSError, EscposError) as exc:
            raise PrinterUnreachable(f"the connection to the printer broke: {exc}") from None

    def read(self, timeout_s: float) -> bytes:
        """Whatever status bytes arrive within timeout_s; b"" when none did."""
        handle = self.device.device
        try:
            if isinstance(handle, socket.socket):
                handle.settimeout(max(timeout_s, 0.001))
                data = self.device._read()
            elif hasattr(handle, "in_waiting"):
                data = _serial_read(handle, timeout_s)
            else:
                data = self.device._read()
        except TimeoutError:
            return b""
        except (OSError, EscposError, AttributeError) as exc:
            raise PrinterUnreachable(f"cannot read the printer's status: {exc}") from None
        if not data and isinstance(handle, socket.socket):
            raise PrinterUnreachable("the printer closed the connection")
        return bytes(data or b"")

    def close(self) -> None:
        try:
            self.device.close()
        except (OSError, EscposError) as exc:
            log.info("closing the printer connection failed: %s", exc)


def _serial_read(port: Any, timeout_s: float) -> bytes:
    """The first byte within timeout_s and whatever came with it. python-escpos reads 16 bytes,
    which on a serial port always waits out the whole timeout for a 4-byte status reply."""
    port.timeout = timeout_s  # pyserial applies a new timeout on assignment
    first = port.read(1)
    return first + port.read(port.in_waiting) if first and port.in_waiting else first


def _escpos_device(address: PrinterAddress, timeout_s: float) -> escpos_printers.Escpos:
    match address:
        case TcpAddress(host=host, port=port):
            return escpos_printers.Network(host, port=port, timeout=timeout_s)
        case SerialAddress(device=device, baudrate=baudrate):
            return escpos_printers.Serial(
                device, baudrate=baudrate, timeout=timeout_s, dsrdtr=False
            )
        case UsbAddress(vendor_id=vendor, product_id=product):
            if not escpos_printers.Usb.is_usable():
                raise PrinterConfigError("USB printers need pyusb and libusb-1.0 installed")
            return escpos_printers.Usb(vendor, product, timeout=int(timeout_s * 1000))
        case FileAddress(path=path):
            return escpos_printers.File(path)
    raise PrinterConfigError(f"unsupported printer address {address!r}")


class EscposPrinter:
    """Sends jobs to one printer and checks its status around them."""

    def __init__(
        self,
        connection: Connection,
        status_timeout_s: float = 2.0,
        chunk_bytes: int = 1024,
        check_status: bool = True,
    ) -> None:
        self.connection = connection
        self.status_timeout_s = status_timeout_s
        self.chunk_bytes = chunk_bytes
        self.check_status = check_status and connection.has_back_channel
        self.last_status: PrinterStatus | None = None
        self._lock = threading.Lock()

    def status(self) -> PrinterStatus:
        """The printer's status now; PrinterUnreachable/PrinterOffline when it cannot be asked."""
        with self._lock, self._opened():
            if not self.connection.has_back_channel:
                raise PrinterOffline("this printer connection cannot report status")
            return self._query(mid_job=False)

    def print_job(self, pieces: Iterable[bytes]) -> PrinterStatus | None:
        """Print one job; raises a PrinterFault subclass; returns the status after the job."""
        with self._lock, self._opened():
            if self.check_status:
                _raise_for(self._query(mid_job=False), mid_job=False)
            for chunk in _chunks(pieces, self.chunk_bytes):
                self.connection.write(chunk)
                if self.check_status:
                    _raise_for(self._query(mid_job=True), mid_job=True)
            return self.last_status if self.check_status else None

    @contextmanager
    def _opened(self) -> Iterator[None]:
        self.connection.open()
        try:
            yield
        finally:
            self.connection.close()

    def _query(self, mid_job: bool) -> PrinterStatus:
        self.connection.write(STATUS_QUERY)
        replies = b""
        deadline = time.monotonic() + self.status_timeout_s
        while len(replies) < len(rt.QUERIES):
            left = deadline - time.monotonic()
            data = self.connection.read(left) if left > 0 else b""
            if not data:
                fault = PrinterStalled if mid_job else PrinterOffline
                raise fault("the printer does not answer status queries")
            replies += data
        try:
            decoded = rt.decode(dict(zip(rt.QUERIES, replies[-4:], strict=True)))
        except rt.StatusReplyError as exc:
            raise PrinterError(f"garbled status reply: {exc}") from None
        self.last_status = decoded
        if decoded.paper_near_end:
            log.warning("receipt printer: paper near end")
        return decoded


def _raise_for(status: PrinterStatus, mid_job: bool) -> None:
    when = " in the middle of the receipt" if mid_job else ""
    if status.cover_open:
        raise CoverOpen(f"the printer's cover is open{when}")
    if status.paper_out:
        raise PaperOut(f"the printer is out of paper{when}")
    if status.error:
        raise PrinterError(f"the printer reports an error{when}")
    if not status.online:
        raise PrinterOffline(f"the printer is offline{when}")


def _chunks(pieces: Iterable[bytes], size: int) -> Iterator[bytes]:
    """Whole pieces grouped up to ``size`` bytes, so a status query never splits a command."""
    buffer = b""
    for piece in pieces:
        if buffer and len(buffer) + len(piece) > size:
            yield buffer
            buffer = b""
        buffer += piece
    if buffer:
        yield buffer
