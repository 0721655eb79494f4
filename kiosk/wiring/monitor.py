"""A monitor that runs without the kiosk app: it opens the devices and backends the config
names with the real drivers, probes them, and feeds one Telemetry registry.

For `kiosk monitor` (a technician checking a kiosk's devices, the simulator demo before
the app is running, or CI). It must never run beside the kiosk app on the same machine's
serial devices: the app owns those; inside the app, the composition root passes its own
adapters to the probes instead. It never releases a lock, prints or writes a tag: it only
asks for status, reads sensors, runs one inventory round, and asks SC status / LibCal
locations.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from backend_sync.sip2.client import Sip2Client
from kiosk.core.lockers.ports import DeviceUnavailable
from kiosk.settings import Settings
from kiosk.telemetry.probes import (
    Probe,
    booking_probe,
    ils_probe,
    lock_bank_probe,
    printer_probe,
    reader_probe,
    smtp_probe,
)
from kiosk.telemetry.registry import Telemetry
from kiosk.wiring.library import library_from
from kiosk.wiring.locks import lock_bank_from
from kiosk.wiring.loop_bridge import LoopBridge
from kiosk.wiring.notify import smtp_sender_from
from kiosk.wiring.printer import printer_from
from kiosk.wiring.rfid import reader_from
from kiosk.wiring.rooms import libcal_client_from

ILS_STATUS_TIMEOUT_S = 30.0


class StandaloneProbes:
    """The probes for every table the settings have, and what they opened (``close()``)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.probes: list[Probe] = []
        self._closers: list[Callable[[], None]] = []
        builders = (
            self._printer, self._lockers, self._reader, self._ils, self._booking, self._smtp,
        )  # fmt: skip
        for build in builders:
            build()

    def _printer(self) -> None:
        if self.settings.printer is not None:
            self.probes.append(printer_probe(printer_from(self.settings.printer).printer))

    def _lockers(self) -> None:
        if self.settings.lockers is None:
            return
        bank = lock_bank_from(self.settings.lockers)
        self._closers.append(bank.close)
        board_probe = lock_bank_probe(bank)

        def probe(telemetry: Telemetry) -> None:
            with contextlib.suppress(DeviceUnavailable):
                bank.read_all()  # the bank keeps each board's health from its requests
            board_probe(telemetry)

        self.probes.append(probe)

    def _reader(self) -> None:
        section = self.settings.rfid
        if section is None:
            return
        reader = reader_from(self.settings)
        self._closers.append(reader.close)
        self.probes.append(reader_probe(reader))

    def _ils(self) -> None:
        if self.settings.ils is None:
            return
        client: Sip2Client = library_from(self.settings)
        loop = LoopBridge.own_loop("monitor-ils", timeout_s=ILS_STATUS_TIMEOUT_S)

        def close() -> None:
            with contextlib.suppress(Exception):
                loop.run(client.close(), 5)
            loop.close()

        self._closers.append(close)
        self.probes.append(ils_probe(lambda: loop.run(client.status())))

    def _booking(self) -> None:
        rooms = self.settings.rooms
        if rooms is None:
            return
        client = libcal_client_from(self.settings, retries=0)
        self._closers.append(client.close)
        self.probes.append(booking_probe(client))

    def _smtp(self) -> None:
        if self.settings.smtp is not None:
            self.probes.append(smtp_probe(smtp_sender_from(self.settings.smtp)))

    def close(self) -> None:
        for close in reversed(self._closers):
            with contextlib.suppress(Exception):
                close()
        self._closers.clear()
