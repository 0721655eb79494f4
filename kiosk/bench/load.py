"""`kiosk bench load`: the kiosk's steady-state interfaces under many requests, in one process
(the kiosk's side) against the simulators on loopback:

- scrapes: /metrics and /health in turn (2,000) from the telemetry endpoint
  (kiosk/telemetry/http.py) over a busy registry, a writer thread changing it meanwhile;
- sip2: round trips (10,000) of the real SIP2 client (built by the wiring from an [ils]
  table) against the ILS simulator: item information and patron status in turn;
- locker: release/close cycles (1,000) of the real lock-bank driver (built by the wiring
  from a [lockers] table) against the locker simulator over Modbus TCP: release, the door
  seen open, shut by the simulator, seen closed.

For each: the count, errors, p50/p99 latency (ms) and the resident memory growth (kB, from
/proc/self/statm) between the end of a warm-up (the first tenth) and the end. One JSON line;
exit 0 when there are no errors. Memory is the whole process's (the simulators run here
too), so the growth is an upper bound for the kiosk's side. See docs/reliability.md.
Never part of the test run's assertions on time; tests/kiosk/bench/test_load.py runs it tiny.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

from kiosk.bench.load_parts import lockers_settings, percentile, sip2_settings
from kiosk.telemetry.bench import TOKEN, busy_kiosk
from kiosk.telemetry.exposition import build_registry
from kiosk.telemetry.http import MetricsServer
from kiosk.wiring.library import library_from
from kiosk.wiring.locks import lock_bank_from
from simulators.ils.simulator import IlsSimulator
from simulators.lockers.bank import LockerBankSimulator

PAGE = os.sysconf("SC_PAGE_SIZE")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "load", help="scrapes, SIP2 round trips, locker cycles: errors, p99, memory (JSON)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--scrapes", type=int, default=2000, help="/metrics + /health (2000)")
    parser.add_argument("--sip2", type=int, default=10_000, help="SIP2 round trips (10000)")
    parser.add_argument("--locker-cycles", type=int, default=1000, help="release/close (1000)")
    parser.set_defaults(func=run)


def rss_kb() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * PAGE // 1024


class Phase:
    """Times ``count`` calls of ``one(n)``; an exception is an error, counted, not raised."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.times: list[float] = []
        self.errors: list[str] = []
        self.rss_start = self.rss_end = 0

    def mark(self, n: int) -> None:
        if n == max(1, self.count // 10):
            self.rss_start = rss_kb()

    def timed(self, n: int, one: Callable[[int], Any]) -> None:
        self.mark(n)
        start = time.perf_counter()
        try:
            one(n)
        except Exception as exc:  # a benchmark reports every failure, of whatever kind
            self.errors.append(f"{type(exc).__name__}: {exc}")
        self.times.append((time.perf_counter() - start) * 1000)

    def result(self) -> dict[str, Any]:
        self.rss_end = rss_kb()
        return {
            "count": self.count,
            "errors": len(self.errors),
            "first_error": self.errors[0] if self.errors else "",
            "p50_ms": percentile(self.times, 0.50),
            "p99_ms": percentile(self.times, 0.99),
            "rss_growth_kb": self.rss_end - (self.rss_start or self.rss_end),
        }


def scrapes(count: int) -> dict[str, Any]:
    telemetry = busy_kiosk(8, 20)
    server = MetricsServer(telemetry, build_registry(telemetry), token=TOKEN).start()
    stop = threading.Event()

    def writer() -> None:
        while not stop.wait(0.002):
            telemetry.transaction("checkout", "ok")

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()

    def one(n: int) -> None:
        path = "/metrics" if n % 2 == 0 else "/health"
        request = urllib.request.Request(
            server.url + path, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            if not (path == "/health" and exc.code == 503):  # "down" is an answer too
                raise

    phase = Phase(count)
    try:
        for n in range(count):
            phase.timed(n, one)
    finally:
        stop.set()
        thread.join(5)
        server.stop()
    return phase.result()


def sip2(count: int) -> dict[str, Any]:
    with IlsSimulator(encoding="utf-8") as sim:
        return asyncio.run(_sip2(sim, count))


async def _sip2(sim: IlsSimulator, count: int) -> dict[str, Any]:
    client = library_from(sip2_settings(sim.port))
    phase = Phase(count)
    try:
        for n in range(count):
            phase.mark(n)
            start = time.perf_counter()
            try:
                if n % 2 == 0:
                    await client.item("9786090100011")
                else:
                    await client.patron("2100000001")
            except Exception as exc:  # counted, the run goes on
                phase.errors.append(f"{type(exc).__name__}: {exc}")
            phase.times.append((time.perf_counter() - start) * 1000)
    finally:
        await client.close()
    return phase.result()


def locker(count: int) -> dict[str, Any]:
    sim = LockerBankSimulator().start()
    bank = lock_bank_from(lockers_settings(sim))
    compartments = (1, 2, 3, 4)

    def one(n: int) -> None:
        comp = compartments[n % len(compartments)]
        bank.release(comp)
        for _ in range(200):
            if not bank.read(comp).door_closed:
                break
        else:
            raise RuntimeError(f"compartment {comp}: the door was not seen open")
        sim.model.close_door(comp)
        if not bank.read(comp).door_closed:
            raise RuntimeError(f"compartment {comp}: the door was not seen closed")

    phase = Phase(count)
    try:
        for n in range(count):
            phase.timed(n, one)
    finally:
        bank.close()
        sim.stop()
    return phase.result()


def run(args: argparse.Namespace) -> int:
    start_kb = rss_kb()
    result: dict[str, Any] = {"benchmark": "load"}
    result["scrapes"] = scrapes(args.scrapes)
    result["sip2"] = sip2(args.sip2)
    result["locker"] = locker(args.locker_cycles)
    result["errors"] = sum(result[k]["errors"] for k in ("scrapes", "sip2", "locker"))
    result["rss_kb"] = {"start": start_kb, "end": rss_kb()}
    print(json.dumps(result))
    return 0 if result["errors"] == 0 else 1
