"""printer_from(section): the [printer] table made into the receipt printer the core prints on.

``printer_options_from`` is the whole conversion (settings -> PrinterOptions, plain values);
the driver (device_drivers/printers/receipt_printer.py) never sees the settings. Opens nothing:
the printer connects for each job.
"""

from __future__ import annotations

from device_drivers.printers.escpos_printer import Connection
from device_drivers.printers.receipt_printer import (
    PrinterOptions,
    ReceiptPrinterAdapter,
    make_printer,
)
from kiosk.settings.printer import PrinterSection


def printer_options_from(section: PrinterSection) -> PrinterOptions:
    return PrinterOptions(
        url=section.url,
        profile=section.profile,
        width_mm=section.width_mm,
        code_page=section.code_page,
        code_page_number=section.code_page_number,
        qr=section.qr,
        timeout_s=section.timeout_s,
        status_timeout_s=section.status_timeout_s,
        check_status=section.check_status,
        chunk_bytes=section.chunk_bytes,
    )


def printer_from(
    section: PrinterSection, connection: Connection | None = None
) -> ReceiptPrinterAdapter:
    """The printer the [printer] table describes; raises PrinterConfigError for a profile or
    url that cannot work. ``connection`` replaces the one the url names (tests)."""
    return make_printer(printer_options_from(section), connection)
