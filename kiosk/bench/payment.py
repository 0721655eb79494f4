"""`kiosk bench payment`: the kiosk's own time in a card payment of fines, from the patron's
confirmation (`PaymentDesk.pay` called) to "paid" (its result), minus the time the terminal
spends on its own (the card dialogue, its answers, its waits between "ask me again"
repeats), against a budget of 150 ms. What is left is the kiosk's: reading the fees,
allocating, every journal write (fsync'ed SQLite), the SIP2 Fee Paid round trips, the saga.

The real desk (kiosk.core.payments.desk) drives the real ZVT adapter against the terminal
simulator over loopback TCP with no realism delays (and `--repeat-ms` between its repeats of
a held approval), the real SIP2 client against the ILS simulator over loopback with a
`--ils-rtt-ms` latency fault, and the SQLite payment journal in a temporary directory. Each
payment is one patron paying one fine. Prints one JSON line. Never part of the test run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from backend_sync.store.payments_journal import SqlitePaymentJournal
from kiosk.core.clock import SystemClock
from kiosk.core.payments.desk import PaymentDesk
from kiosk.core.payments.fees import FeeRules, PayAll
from kiosk.core.payments.results import Paid
from kiosk.core.payments.saga import PaymentHold
from kiosk.core.payments.terminal import EUR, Approved
from kiosk.demo.in_process import sip2_client
from kiosk.settings.payment import PaymentTerminalSection
from kiosk.wiring.payment import payment_terminal_from
from simulators.ils.dataset import DEMO_LIBRARY
from simulators.ils.simulator import IlsSimulator
from simulators.models.payment_terminal import PaymentTerminalModel, Timings
from simulators.payment.app import PaymentSimulator

BUDGET_MS = 150.0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "payment",
        help="kiosk overhead of a card payment (confirmation to paid, minus the terminal)",
        description=__doc__,
    )
    parser.add_argument("--payments", type=int, default=40, help="payments to time (5-500)")
    parser.add_argument("--mode", choices=[m.value for m in PaymentHold], default="reversal",
                        help="how the payment is held open (default reversal)")  # fmt: skip
    parser.add_argument("--ils-rtt-ms", type=float, default=0, help="ILS latency per answer")
    parser.add_argument("--repeat-ms", type=float, default=20,
                        help="terminal's wait before repeating a held approval")  # fmt: skip
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not 5 <= args.payments <= 500:
        raise SystemExit("--payments must be 5-500")
    print(json.dumps(asyncio.run(measure(args)), ensure_ascii=False))
    return 0


class TimedTerminal:
    """The terminal, with the time spent inside its calls added up, less the time it spent
    waiting for the kiosk's confirmation (that is the kiosk's work)."""

    def __init__(self, terminal: Any) -> None:
        self.terminal = terminal
        self.spent = 0.0

    async def authorise(self, request, on_status=None, confirm=None):
        kiosk_time = 0.0

        async def timed_confirm(approval: Approved) -> bool:
            nonlocal kiosk_time
            started = time.perf_counter()
            try:
                return await confirm(approval)
            finally:
                kiosk_time += time.perf_counter() - started

        started = time.perf_counter()
        outcome = await self.terminal.authorise(request, on_status,
                                                timed_confirm if confirm else None)  # fmt: skip
        self.spent += time.perf_counter() - started - kiosk_time
        return outcome

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.terminal, name)
        if name not in ("pre_authorise", "book", "release", "reverse"):
            return method

        async def timed(*args: Any, **kw: Any) -> Any:
            started = time.perf_counter()
            try:
                return await method(*args, **kw)
            finally:
                self.spent += time.perf_counter() - started

        return timed


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        library = _library(Path(tmp), args.payments)
        model = PaymentTerminalModel(password=123456)
        timings = Timings(0, 0, 0, args.repeat_ms / 1000)
        with IlsSimulator(library, encoding="utf-8", dialect="koha") as ils, \
                PaymentSimulator(model, timings=timings) as sim:  # fmt: skip
            ils.faults.set_latency(int(args.ils_rtt_ms))
            journal = SqlitePaymentJournal.open(Path(tmp) / "payments.sqlite")
            try:
                rows = await _pay_all(args, ils, sim, journal)
            finally:
                journal.close()
    overhead = [total - terminal for total, terminal in rows]
    return {
        "benchmark": "payment",
        "mode": args.mode,
        "payments": len(rows),
        "overhead_p50_ms": round(statistics.median(overhead), 1),
        "overhead_p95_ms": round(_p95(overhead), 1),
        "overhead_max_ms": round(max(overhead), 1),
        "total_p50_ms": round(statistics.median(t for t, _ in rows), 1),
        "terminal_p50_ms": round(statistics.median(t for _, t in rows), 1),
        "budget_ms": BUDGET_MS,
        "within_budget": _p95(overhead) <= BUDGET_MS,
        "ils": f"ILS simulator over loopback SIP2, latency {args.ils_rtt_ms:g} ms",
        "terminal": f"ZVT simulator over loopback TCP, repeat {args.repeat_ms:g} ms",
        "journal": "SQLite, WAL, synchronous=FULL, temporary directory",
    }


async def _pay_all(args, ils, sim, journal) -> list[tuple[float, float]]:
    clock = SystemClock()
    section = PaymentTerminalSection(url=sim.tcp_url, password=123456, hold_mode=args.mode,
                                     completion_timeout_s=30.0)  # fmt: skip
    terminal = TimedTerminal(payment_terminal_from(section))
    library = sip2_client(ils, clock)
    desk = PaymentDesk(library=library, terminal=terminal, journal=journal, rules=FeeRules(),  # type: ignore[arg-type]
                       hold_mode=PaymentHold(args.mode), currency=EUR, kiosk_id="bench",
                       clock=clock)  # fmt: skip
    rows = []
    try:
        for n in range(args.payments):
            terminal.spent = 0.0
            started = time.perf_counter()
            result = await desk.pay(f"23{n:08d}", "1234", PayAll())
            total = time.perf_counter() - started
            if not isinstance(result, Paid):
                raise SystemExit(f"payment {n} did not go through: {result}")
            rows.append((total * 1000, terminal.spent * 1000))
    finally:
        await terminal.terminal.close()
        await library.close()
    return rows


def _library(tmp: Path, patrons: int) -> Path:
    data = json.loads(DEMO_LIBRARY.read_text(encoding="utf-8"))
    data["patrons"] += [{"barcode": f"23{n:08d}", "name": f"Skaitytojas {n}", "pin": "1234"}
                        for n in range(patrons)]  # fmt: skip
    data["fines"] += [{"patron": f"23{n:08d}", "amount": "1.50", "description": "Delspinigiai",
                       "fee_type": "04"} for n in range(patrons)]  # fmt: skip
    path = tmp / "library.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
