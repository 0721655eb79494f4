"""The driver's job and status logic against the shared printer model (no sockets): every
printer fault the issue names ends in a typed error, and a good job leaves one receipt."""

from __future__ import annotations

import pytest

from device_drivers.printers.errors import (
    CoverOpen,
    PaperOut,
    PrinterError,
    PrinterOffline,
    PrinterStalled,
    PrinterUnreachable,
)
from device_drivers.printers.escpos_printer import EscposPrinter
from device_drivers.printers.escpos_render import render
from device_drivers.printers.profiles import code_page_table, load_profile
from device_drivers.printers.receipt_printer import ReceiptPrinterAdapter
from kiosk.core.receipts import Cut, Line, Rule
from simulators.models.printer import PrinterModel
from simulators.printer.fake import ModelConnection

PROFILE = load_profile("default", 58)
BLOCKS = (*tuple(Line(f"Eilutė {n}: ąčęėįšųūž") for n in range(12)), Rule(), Cut())


def make(**faults: object) -> tuple[PrinterModel, ReceiptPrinterAdapter]:
    model = PrinterModel(code_page_table("default"), PROFILE.columns)
    model.set_faults(**faults)
    printer = EscposPrinter(ModelConnection(model), status_timeout_s=0.05, chunk_bytes=64)
    return model, ReceiptPrinterAdapter(printer, PROFILE)


def test_good_job_prints_one_complete_receipt() -> None:
    model, printer = make()
    status = printer.print_now(BLOCKS)
    assert status is not None and status.ready
    assert [r.complete for r in model.receipts] == [True]
    assert model.receipts[0].lines()[0] == "Eilutė 0: ąčęėįšųūž"
    assert printer.health.jobs_printed == 1


def test_paper_near_end_still_prints_and_is_reported() -> None:
    model, printer = make(paper="near_end")
    status = printer.print_now(BLOCKS)
    assert status is not None and status.paper_near_end
    assert len(model.receipts) == 1


@pytest.mark.parametrize(
    ("faults", "error"),
    [
        ({"paper": "out"}, PaperOut),
        ({"cover_open": True}, CoverOpen),
        ({"offline": True}, PrinterOffline),
        ({"error": True}, PrinterError),
    ],
)
def test_fault_before_the_job_refuses_it(faults: dict[str, object], error: type) -> None:
    model, printer = make(**faults)
    with pytest.raises(error):
        printer.print_now(BLOCKS)
    assert model.receipts == [] and model.bytes_received < 20  # only the status query was sent
    assert printer.health.jobs_failed == 1 and printer.health.last_fault == error.reason


def test_paper_running_out_mid_job_is_reported() -> None:
    model, printer = make(paper_out_after_lines=3)
    with pytest.raises(PaperOut, match="middle"):
        printer.print_now(BLOCKS)
    assert model.lost_lines > 0


def test_printer_that_stops_answering_mid_job_is_stalled() -> None:
    model, printer = make()
    model.set_faults(stall_after_bytes=100)
    with pytest.raises(PrinterStalled):
        printer.print_now(BLOCKS)


def test_printer_that_never_answers_is_offline() -> None:
    _model, printer = make(stall_after_bytes=0)
    with pytest.raises(PrinterOffline, match="does not answer"):
        printer.print_now(BLOCKS)


def test_unplugged_printer_is_unreachable() -> None:
    model = PrinterModel(code_page_table("default"))
    printer = EscposPrinter(ModelConnection(model, reachable=False))
    with pytest.raises(PrinterUnreachable):
        printer.print_job(render(BLOCKS, PROFILE))
