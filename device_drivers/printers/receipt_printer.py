"""The receipt printer as the core sees it: ``print_blocks`` on the event loop, the blocking
work (rendering, python-escpos I/O) in a worker thread, and a health record for staff.

``make_printer`` turns PrinterOptions (plain values; kiosk/wiring/printer.py makes them from
the [printer] table) into a printer; never reads kiosk.settings. Never retries a failed job:
the session offers e-mail or no receipt.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace

from device_drivers.printers.address import parse_address
from device_drivers.printers.escpos_printer import Connection, EscposConnection, EscposPrinter
from device_drivers.printers.escpos_render import render
from device_drivers.printers.profiles import PrinterProfile, load_profile
from device_drivers.printers.status import PrinterStatus
from kiosk.core.receipt_delivery import PrinterFault
from kiosk.core.receipts import Block

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrinterOptions:
    """How to reach the printer and how to print on it. ``url``: tcp://, serial://, usb:// or
    file:// (address.py); ``profile``: a python-escpos printer profile (profiles.py)."""

    url: str
    profile: str = "default"
    width_mm: int = 80
    code_page: str = "cp1257"
    code_page_number: int | None = None
    qr: str = "native"
    timeout_s: float = 5.0
    status_timeout_s: float = 2.0
    check_status: bool = True
    chunk_bytes: int = 1024


@dataclass(frozen=True)
class PrinterHealth:
    """What the health endpoint, the metrics and the staff screen show about the printer."""

    jobs_printed: int = 0
    jobs_failed: int = 0
    last_fault: str = ""
    last_status: PrinterStatus | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "jobs_printed": self.jobs_printed,
            "jobs_failed": self.jobs_failed,
            "last_fault": self.last_fault,
            "last_status": self.last_status.as_dict() if self.last_status else None,
        }


class ReceiptPrinterAdapter:
    """Implements kiosk.core.receipt_delivery.ReceiptPrinter over an EscposPrinter."""

    def __init__(self, printer: EscposPrinter, profile: PrinterProfile) -> None:
        self.printer = printer
        self.profile = profile
        self.columns = profile.columns
        self.health = PrinterHealth()

    def print_now(self, blocks: tuple[Block, ...]) -> PrinterStatus | None:
        """Blocking: render and print one receipt (the `kiosk printer test` command uses it)."""
        try:
            status = self.printer.print_job(render(blocks, self.profile))
        except PrinterFault as fault:
            self.health = replace(
                self.health,
                jobs_failed=self.health.jobs_failed + 1,
                last_fault=fault.reason,
                last_status=self.printer.last_status,
            )
            log.warning("receipt not printed: %s", fault, extra={"fault": fault.reason})
            raise
        self.health = replace(
            self.health, jobs_printed=self.health.jobs_printed + 1, last_status=status
        )
        return status

    async def print_blocks(self, blocks: tuple[Block, ...]) -> None:
        await asyncio.to_thread(self.print_now, blocks)

    async def status(self) -> PrinterStatus:
        return await asyncio.to_thread(self.printer.status)


def make_printer(
    options: PrinterOptions, connection: Connection | None = None
) -> ReceiptPrinterAdapter:
    """The printer the options describe; raises PrinterConfigError for a bad profile or url.
    Opens nothing yet: the connection is made for each job."""
    profile = load_profile(
        options.profile, options.width_mm, options.code_page, options.code_page_number, options.qr
    )
    if connection is None:
        connection = EscposConnection(parse_address(options.url), options.timeout_s)
    printer = EscposPrinter(
        connection,
        status_timeout_s=options.status_timeout_s,
        chunk_bytes=options.chunk_bytes,
        check_status=options.check_status,
    )
    return ReceiptPrinterAdapter(printer, profile)
