"""Serial barcode scanners (USB-CDC or RS-232) through pyserial: the adapter around
``card_scan``. One worker thread reads bytes, hands results to ``on_result`` from that thread,
and reopens the port when it disappears. Owns no validation rule.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import serial

from device_drivers.scanners.card_scan import ScanAssembler, ScanResult

log = logging.getLogger(__name__)
READ_SLICE_S = 0.05


class SerialScanner:
    def __init__(
        self,
        url: str,
        assembler: ScanAssembler,
        on_result: Callable[[ScanResult], None],
        *,
        baudrate: int = 9600,
        reopen_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.assembler = assembler
        self.on_result = on_result
        self.baudrate = baudrate
        self.reopen_s = reopen_s
        self.clock = clock
        self.connected = threading.Event()
        self._running = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._running.set()
        self._thread = threading.Thread(target=self._loop, name="card-scanner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._running.clear()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _loop(self) -> None:
        while self._running.is_set():
            try:
                with serial.serial_for_url(
                    self.url, baudrate=self.baudrate, timeout=READ_SLICE_S
                ) as port:
                    self.connected.set()
                    self._read(port)
            except (serial.SerialException, OSError) as exc:
                log.warning("card scanner at %s unavailable: %s", self.url, exc)
            self.connected.clear()
            if self._running.is_set():
                time.sleep(self.reopen_s)

    def _read(self, port: serial.SerialBase) -> None:
        while self._running.is_set():
            data = port.read(64)
            now = self.clock()
            results = self.assembler.feed(data.decode("latin-1"), now) if data else []
            results += self.assembler.poll(now)
            for result in results:
                self.on_result(result)
