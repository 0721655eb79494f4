"""`kiosk printer …`: print a test receipt and read the receipt printer's status.

    kiosk printer test [--lang CODE]   every Lithuanian letter, „quotes“, €, a QR code
    kiosk printer status               the real-time status as JSON

Exit codes: 0 printed / status read, 1 the printer refused (paper out, cover open, offline,
stalled), 2 configuration error, 3 the printer cannot be reached.
"""

from __future__ import annotations

import argparse
import json

from device_drivers.printers.errors import PrinterConfigError, PrinterUnreachable
from device_drivers.printers.receipt_printer import ReceiptPrinterAdapter
from kiosk.commands.common import (
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CommandError,
    settings_from,
)
from kiosk.core.clock import wall_time
from kiosk.core.receipt_delivery import PrinterFault
from kiosk.core.receipts import layout, printer_test_receipt
from kiosk.i18n import Catalogs
from kiosk.settings import Settings
from kiosk.wiring.printer import printer_from


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "printer",
        help="test the receipt printer or read its status",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="printer_command", metavar="ACTION", required=True)
    test = sub.add_parser(
        "test", help="print a test receipt (Lithuanian letters, quotes, €, QR) and show status"
    )
    test.add_argument("--lang", metavar="CODE", help="receipt language (default: [kiosk] language)")
    test.set_defaults(func=run_test)
    status = sub.add_parser("status", help="print the printer's real-time status as JSON")
    status.set_defaults(func=run_status)


def _printer(settings: Settings) -> ReceiptPrinterAdapter:
    if settings.printer is None:
        raise CommandError("no [printer] table in the configuration", EXIT_USAGE)
    try:
        return printer_from(settings.printer)
    except PrinterConfigError as exc:
        raise CommandError(f"printer configuration: {exc}", EXIT_USAGE) from None


def _fail(fault: PrinterFault) -> CommandError:
    code = EXIT_UNREACHABLE if isinstance(fault, PrinterUnreachable) else EXIT_REFUSED
    return CommandError(f"printer: {fault} ({fault.reason})", code)


def run_test(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    printer = _printer(settings)
    texts = Catalogs().translator(args.lang or settings.kiosk.language)
    receipt = printer_test_receipt(
        settings.kiosk.library_name, settings.kiosk.id, wall_time(settings.kiosk.timezone)(), texts
    )
    try:
        status = printer.print_now(layout(receipt, texts, printer.columns))
    except PrinterFault as fault:
        raise _fail(fault) from None
    shown = status.as_dict() if status else "unknown (no status back channel)"
    print(json.dumps({"printed": True, "status": shown}, ensure_ascii=False))
    return EXIT_OK


def run_status(args: argparse.Namespace) -> int:
    printer = _printer(settings_from(args))
    try:
        status = printer.printer.status()
    except PrinterFault as fault:
        raise _fail(fault) from None
    print(json.dumps(status.as_dict()))
    return EXIT_OK
