"""The file:// and usb:// transports through python-escpos (tcp:// and serial:// run against
the simulator in tests/simulators/printer/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from device_drivers.printers.errors import PrinterOffline, PrinterUnreachable
from device_drivers.printers.profiles import code_page_table
from device_drivers.printers.receipt_printer import PrinterOptions, make_printer
from kiosk.core.receipts import Cut, Line
from simulators.printer.escpos_decode import EscPosDecoder, PaperCut, TextLine


def test_file_printer_writes_the_job_without_status_checks(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    printer = make_printer(PrinterOptions(url=f"file://{device}", width_mm=58))
    assert printer.print_now((Line("Grąžinti iki: 2026-12-16"), Cut())) is None
    events = EscPosDecoder(code_page_table("default")).feed(device.read_bytes())
    assert TextLine("Grąžinti iki: 2026-12-16") in events and events[-1] == PaperCut()
    with pytest.raises(PrinterOffline, match="cannot report status"):
        printer.printer.status()


def test_missing_file_device_and_missing_usb_printer_are_unreachable(tmp_path: Path) -> None:
    for url in (f"file://{tmp_path}/no/such/dir/lp0", "usb://04b8:0202"):
        printer = make_printer(PrinterOptions(url=url))
        with pytest.raises(PrinterUnreachable):
            printer.print_now((Line("x"), Cut()))
        assert printer.health.last_fault == "unreachable"
