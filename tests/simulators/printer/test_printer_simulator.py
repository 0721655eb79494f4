"""The real driver against the simulator over loopback TCP and a pseudo-terminal: Lithuanian
receipts decode back to the same Unicode text, the PNG is written, and every fault the issue
names (set through the control API) ends the job with a typed error."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from device_drivers.printers.errors import (
    CoverOpen,
    PaperOut,
    PrinterOffline,
    PrinterStalled,
    PrinterUnreachable,
)
from device_drivers.printers.receipt_printer import (
    PrinterOptions,
    ReceiptPrinterAdapter,
    make_printer,
)
from kiosk.core.receipts import Line, Rule, as_text, layout
from kiosk.i18n import Catalogs
from simulators.control import ControlClient
from simulators.printer.server import PrinterSimulator, SimulatorOptions

_spec = importlib.util.spec_from_file_location(
    "printer_samples", Path(__file__).parents[2] / "device_drivers/printers/samples.py"
)
samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(samples)
LT = Catalogs().translator("lt")


@pytest.fixture
def simulator(tmp_path: Path) -> Iterator[PrinterSimulator]:
    sim = PrinterSimulator(SimulatorOptions(out_dir=tmp_path, port=0, width_mm=58)).start()
    yield sim
    sim.stop()


def tcp_printer(sim: PrinterSimulator, **options: object) -> ReceiptPrinterAdapter:
    options = PrinterOptions(
        url=f"tcp://127.0.0.1:{sim.port}",
        width_mm=58,
        status_timeout_s=0.5,
        timeout_s=2.0,
        **options,
    )
    return make_printer(options)


def printed_text_lines(blocks: tuple[object, ...], columns: int) -> list[str]:
    return [
        b.text if isinstance(b, Line) else b.char * columns
        for b in blocks
        if isinstance(b, Line | Rule)
    ]


def test_lithuanian_receipt_over_tcp_decodes_to_the_same_text(simulator: PrinterSimulator) -> None:
    printer = tcp_printer(simulator)
    blocks = layout(samples.SAMPLES["checkout"], LT, printer.columns)
    printer.print_now(blocks)
    receipt = simulator.model.last_receipt()
    assert receipt is not None and receipt.complete
    decoded = [item.text for item in receipt.items if hasattr(item, "text")]
    assert decoded == printed_text_lines(blocks, printer.columns)
    assert "1. Žalgirio mūšis: „Kryžiuočių“" in receipt.text
    assert receipt.text == as_text(blocks, printer.columns)


def test_the_png_shows_the_receipt(simulator: PrinterSimulator) -> None:
    tcp_printer(simulator).print_now(layout(samples.SAMPLES["locker"], LT, 32))
    png = simulator.out_dir / "receipt-0001.png"
    text = (simulator.out_dir / "receipt-0001.txt").read_text(encoding="utf-8")
    assert "Atsiėmimo kodas:" in text and "[QR: KNYGOMATAS:A:12:4821]" in text
    image = Image.open(png)
    assert image.width == 384 and image.height > 600
    black = image.convert("1").histogram()[0] / (image.width * image.height)
    assert 0.03 < black < 0.5


def test_serial_printer_over_a_pty(simulator: PrinterSimulator) -> None:
    assert simulator.pty is not None
    options = PrinterOptions(
        url=f"serial://{simulator.pty.slave_path}?baudrate=115200",
        width_mm=58,
        status_timeout_s=1.0,
    )
    printer = make_printer(options)
    status = printer.print_now(layout(samples.SAMPLES["renewal"], LT, printer.columns))
    assert status is not None and status.ready
    assert "Pratęsta" in simulator.model.last_receipt().text


@pytest.mark.parametrize(
    ("action", "params", "error"),
    [
        ("paper", {"level": "out"}, PaperOut),
        ("cover", {"open": True}, CoverOpen),
        ("offline", {}, PrinterOffline),
    ],
)
def test_faults_through_the_control_api(
    simulator: PrinterSimulator, action: str, params: dict[str, object], error: type
) -> None:
    ControlClient(simulator.control.url).call(action, **params)
    with pytest.raises(error):
        tcp_printer(simulator).print_now(layout(samples.SAMPLES["return"], LT, 32))
    ControlClient(simulator.control.url).call("clear")
    tcp_printer(simulator).print_now(layout(samples.SAMPLES["return"], LT, 32))
    assert len(simulator.model.receipts) == 1


def test_stall_mid_job_and_paper_out_mid_job(simulator: PrinterSimulator) -> None:
    control = ControlClient(simulator.control.url)
    control.call("stall", after_bytes=600)
    with pytest.raises(PrinterStalled):
        tcp_printer(simulator, chunk_bytes=256).print_now(
            layout(samples.SAMPLES["checkout"], LT, 32)
        )
    control.call("clear")
    control.call("paper_out_after", lines=5)
    with pytest.raises(PaperOut, match="middle"):
        tcp_printer(simulator, chunk_bytes=256).print_now(
            layout(samples.SAMPLES["checkout"], LT, 32)
        )
    assert control.call("status")["paper"] == "out"


def test_paper_near_end_prints_and_reports(simulator: PrinterSimulator) -> None:
    ControlClient(simulator.control.url).call("paper", level="near_end")
    status = tcp_printer(simulator).print_now(layout(samples.SAMPLES["payment"], LT, 32))
    assert status is not None and status.paper_near_end and status.ready


def test_nothing_listening_is_unreachable(simulator: PrinterSimulator) -> None:
    port = simulator.port
    simulator.stop()
    options = PrinterOptions(url=f"tcp://127.0.0.1:{port}", timeout_s=1.0)
    with pytest.raises(PrinterUnreachable):
        make_printer(options).print_now(layout(samples.SAMPLES["return"], LT, 48))
