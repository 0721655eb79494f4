"""`kiosk bench …`: benchmarks that print one JSON object (not part of the test run)."""

from __future__ import annotations

import argparse
import importlib

BENCHMARKS: tuple[str, ...] = (
    "kiosk.bench.receipt_print",
    "kiosk.bench.rooms_refresh",
    "kiosk.bench.sip2_codec",
    "kiosk.bench.locker_release",
    "kiosk.bench.rfid",
    "kiosk.bench.checkout",
    "kiosk.bench.payment",
    "kiosk.bench.replay",
    "kiosk.bench.ils_sim",
    "kiosk.telemetry.bench",
    "kiosk.bench.ui",
    "kiosk.bench.chaos",
    "kiosk.bench.load",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "bench", help="run a benchmark and print its figures as JSON", description=__doc__
    )
    sub = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)
    for name in BENCHMARKS:
        importlib.import_module(name).register(sub)
