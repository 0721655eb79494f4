"""kiosk/wiring/printer.py: the [printer] table becomes the driver's PrinterOptions, unchanged."""

from __future__ import annotations

from pathlib import Path

from device_drivers.printers.receipt_printer import PrinterOptions
from kiosk.settings import load_settings
from kiosk.settings.printer import PrinterSection
from kiosk.wiring.printer import printer_from, printer_options_from

CONFIG = Path(__file__).parents[3] / "config"


def test_the_demo_printer_table_becomes_printer_options() -> None:
    section = load_settings(CONFIG / "demo.toml").printer
    assert section is not None
    assert printer_options_from(section) == PrinterOptions(
        url="tcp://127.0.0.1:9100",
        profile="default",
        width_mm=80,
        code_page="cp1257",
        code_page_number=None,
        qr="native",
        timeout_s=5.0,
        status_timeout_s=2.0,
        check_status=True,
        chunk_bytes=1024,
    )


def test_every_key_reaches_the_options() -> None:
    section = PrinterSection(
        url="serial:///dev/ttyS1?baudrate=38400",
        profile="TM-T20II",
        width_mm=58,
        code_page="cp775",
        code_page_number=77,
        qr="image",
        timeout_s=7.5,
        status_timeout_s=1.5,
        check_status=False,
        chunk_bytes=256,
    )
    options = printer_options_from(section)
    assert {k: getattr(options, k) for k in PrinterSection.model_fields} == section.model_dump()


def test_printer_from_opens_nothing_and_sizes_the_receipt_for_the_paper() -> None:
    printer = printer_from(PrinterSection(url="tcp://127.0.0.1:9", width_mm=58))
    assert printer.columns == 32  # nothing listens on port 9: the printer connects per job
