"""The session's receipt decision with the real printer adapter and the simulator: a double
tap prints one receipt, and a printer fault leaves the session able to finish."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from device_drivers.printers.receipt_printer import PrinterOptions, make_printer
from kiosk.core.receipt_delivery import Choice, ReceiptDesk, ReceiptPrintFailed, State
from kiosk.core.receipts import ItemKind, Receipt, ReceiptItem
from kiosk.i18n import Catalogs
from simulators.control import ControlClient
from simulators.printer.server import PrinterSimulator, SimulatorOptions

RECEIPT = Receipt.for_card(
    "20001234567",
    library_name="Biblioteka",
    kiosk_id="k-1",
    issued_at=datetime(2026, 11, 25, 14, 30),
    items=(ReceiptItem(ItemKind.BORROWED, "Ūkininko užrašai"),),
)


def run_session(tmp_path: Path, fault: str | None) -> tuple[PrinterSimulator, ReceiptDesk, list]:
    sim = PrinterSimulator(SimulatorOptions(out_dir=tmp_path, port=0, pty=False)).start()
    if fault:
        ControlClient(sim.control.url).call(fault, **({"level": "out"} if fault == "paper" else {}))
    printer = make_printer(PrinterOptions(url=f"tcp://127.0.0.1:{sim.port}", status_timeout_s=0.5))
    events: list[object] = []
    desk = ReceiptDesk("s-9", RECEIPT, Catalogs().translator("lt"), printer, None, events.append)

    async def double_tap() -> None:
        await asyncio.gather(desk.print(), desk.print())

    asyncio.run(double_tap())
    return sim, desk, events


def test_double_tap_prints_one_receipt(tmp_path: Path) -> None:
    sim, desk, _ = run_session(tmp_path, None)
    try:
        assert desk.state is State.PRINTED
        assert len(sim.model.receipts) == 1
        assert "1. Ūkininko užrašai" in sim.model.receipts[0].text
    finally:
        sim.stop()


def test_paper_out_offers_no_receipt_and_the_session_finishes(tmp_path: Path) -> None:
    sim, desk, events = run_session(tmp_path, "paper")
    try:
        assert desk.state is State.PRINT_FAILED
        assert desk.choices() == (Choice.NONE,)
        assert events == [ReceiptPrintFailed("s-9", "paper_out")]
        assert desk.decline().state is State.DECLINED
        assert sim.model.receipts == []
    finally:
        sim.stop()
