"""The receipt printer as the core sees it: ``print_blocks`` on the event loop, the blocking
work (rendering, python-escpos I/O) in a worker thread, and a health record for staff.

``build_printer`` is how the composition root and ``kiosk printer`` turn a [printer] table
into a printer. Never retries a failed job: the session offers e-mail or no receipt.
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
from kiosk.settings.printer import PrinterSection

log = logging.getLogger(__name__)


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


def build_printer(
    section: PrinterSection, connection: Connection | None = None
) -> ReceiptPrinterAdapter:
    """The printer the [printer] table describes; raises PrinterConfigError for bad settings."""
    profile = load_profile(
        section.profile, section.width_mm, section.code_page, section.code_page_number, section.qr
    )
    if connection is None:
        connection = EscposConnection(parse_address(section.url), section.timeout_s)
    printer = EscposPrinter(
        connection,
        status_timeout_s=section.status_timeout_s,
        chunk_bytes=section.chunk_bytes,
        check_status=section.check_status,
    )
    return ReceiptPrinterAdapter(printer, profile)
