"""`kiosk bench receipt-print`: render + print time of a receipt with 20 items.

Renders the receipt (layout + ESC/POS) and prints it through the real driver to the printer
simulator over loopback TCP, `--runs` times, and compares the time against a model computed
in the same run: the time a real thermal printer needs to move that much paper at
`--speed-mm-s` (203 dpi, 24-dot lines), and the time the bytes take on a 19200-baud serial
line. The simulator keeps the decoded text but paints no PNGs here (painting is the
simulator's cost, not the kiosk's). The kiosk's share must stay well below the printer's
own; `within_bound` says so.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from device_drivers.printers.escpos_render import render
from device_drivers.printers.receipt_printer import PrinterOptions, make_printer
from kiosk.core.receipts import ItemKind, Line, Receipt, ReceiptItem, Rule, layout
from kiosk.i18n import Catalogs
from simulators.printer.server import PrinterSimulator, SimulatorOptions

DOTS_PER_MM = 8  # 203 dpi
LINE_DOTS = 24


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "receipt-print", help="render + print time of a 20-item receipt", description=__doc__
    )
    parser.add_argument("--runs", type=int, default=20, help="receipts to print (default 20)")
    parser.add_argument("--width-mm", type=int, choices=(58, 80), default=80, help="paper width")
    parser.add_argument(
        "--speed-mm-s", type=float, default=200.0, help="printer paper speed for the model"
    )
    parser.set_defaults(func=run)


def sample_receipt() -> Receipt:
    items = tuple(
        ReceiptItem(
            ItemKind.BORROWED,
            f"Šventųjų ąžuolų giesmės, {n} tomas",
            f"LT{n:05d}",
            due=date(2026, 12, 16),
        )
        for n in range(1, 21)
    )
    return Receipt.for_card(
        "20001234567",
        library_name="Apskrities viešoji biblioteka",
        kiosk_id="bench-1",
        issued_at=datetime(2026, 11, 25, 14, 30),
        items=items,
        opening_hours=("I–V 10:00–19:00",),
        message="Ačiū, kad skaitote!",
    )


def run(args: argparse.Namespace) -> int:
    texts = Catalogs().translator("lt")
    receipt = sample_receipt()
    with tempfile.TemporaryDirectory() as folder:
        sim = PrinterSimulator(
            SimulatorOptions(
                out_dir=Path(folder), port=0, pty=False, width_mm=args.width_mm, png=False
            )
        ).start()
        try:
            printer = make_printer(
                PrinterOptions(url=f"tcp://127.0.0.1:{sim.port}", width_mm=args.width_mm)
            )
            render_s, print_s, size, lines = [], [], 0, 0
            for _ in range(max(1, args.runs)):
                start = time.perf_counter()
                blocks = layout(receipt, texts, printer.columns)
                pieces = render(blocks, printer.profile)
                render_s.append(time.perf_counter() - start)
                start = time.perf_counter()
                printer.printer.print_job(pieces)
                print_s.append(time.perf_counter() - start)
                size = sum(len(p) for p in pieces)
                lines = sum(isinstance(b, Line | Rule) for b in blocks)
            printed = len(sim.model.receipts)
        finally:
            sim.stop()
    print(json.dumps(_figures(args, render_s, print_s, size, lines, printed)))
    return 0


def _figures(
    args: argparse.Namespace,
    render_s: list[float],
    print_s: list[float],
    size: int,
    lines: int,
    printed: int,
) -> dict[str, object]:
    paper_mm = lines * LINE_DOTS / DOTS_PER_MM
    physical_ms = paper_mm / args.speed_mm_s * 1000
    kiosk_ms = (_p95(render_s) + _p95(print_s)) * 1000
    return {
        "benchmark": "receipt-print",
        "runs": len(render_s),
        "receipts_printed": printed,
        "items": 20,
        "printed_lines": lines,
        "bytes": size,
        "render_ms": {"median": _ms(statistics.median(render_s)), "p95": _ms(_p95(render_s))},
        "print_ms": {"median": _ms(statistics.median(print_s)), "p95": _ms(_p95(print_s))},
        "model": {
            "paper_mm": round(paper_mm, 1),
            "printer_ms_at_speed": round(physical_ms, 1),
            "speed_mm_s": args.speed_mm_s,
            "serial_19200_transfer_ms": round(size * 10 / 19200 * 1000, 1),
        },
        "kiosk_p95_ms": round(kiosk_ms, 2),
        "within_bound": kiosk_ms < physical_ms and printed == len(render_s),
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)
