"""`kiosk bench ils-sim`: how fast the ILS simulator answers SIP2 over loopback, and whether its
latency fault holds responses back as long as it says.

A raw blocking SIP2 client (the codec, one socket, no client library) against IlsSimulator:

    status     N x 99 SC Status            round trips: p50/p95/max, requests per second
    circulate  N x (11 Checkout + 09 Checkin) of one item; the model's counters must show
               exactly N checkouts and N checkins (nothing lost, nothing applied twice)
    latency    M x 99 with the latency fault at L ms; the model is the bound: no round trip
               can be shorter than L, and the overhead above L should stay under --budget-ms

`within_bound` is true when the counters match, no delayed round trip beat the latency
and the mean overhead stayed within the budget. Never part of the test run.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import time
from collections.abc import Callable
from typing import Any

from backend_sync.sip2.codec import Message, decode, encode, make, with_sequence
from simulators.ils.simulator import IlsSimulator

ITEM = "9786090100011"  # on the shelf in the demo library
PATRON = "2100000001"
ENCODING = "utf-8"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ils-sim",
        help="SIP2 round trips against the ILS simulator, and its latency fault",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--requests", type=int, default=500, help="round trips per phase")
    parser.add_argument("--latency-ms", type=int, default=20, help="latency fault to check")
    parser.add_argument("--latency-requests", type=int, default=25, help="delayed round trips")
    parser.add_argument(
        "--budget-ms", type=float, default=15.0, help="allowed mean overhead above the latency"
    )
    parser.set_defaults(func=run)


class _RawSc:
    def __init__(self, host: str, port: int) -> None:
        self.sock = socket.create_connection((host, port), timeout=10)
        self.sequence = 0
        self._buffer = b""

    def ask(self, message: Message) -> Message:
        self.sequence = (self.sequence + 1) % 10
        self.sock.sendall(encode(with_sequence(message, self.sequence, True), ENCODING))
        while b"\r" not in self._buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the simulator closed the connection")
            self._buffer += chunk
        frame, _, self._buffer = self._buffer.partition(b"\r")
        return decode(frame, ENCODING).message


def _timed(count: int, exchange: Callable[[], None]) -> list[float]:
    rtts = []
    for _ in range(count):
        start = time.perf_counter()
        exchange()
        rtts.append((time.perf_counter() - start) * 1000)
    return rtts


def _summary(rtts: list[float]) -> dict[str, float]:
    ordered = sorted(rtts)
    return {
        "p50_ms": round(statistics.median(ordered), 3),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
        "max_ms": round(ordered[-1], 3),
        "per_s": round(1000 * len(rtts) / sum(rtts), 1),
    }


def run(args: argparse.Namespace) -> int:
    with IlsSimulator(encoding=ENCODING) as sim:
        sc = _RawSc(sim.host, sim.port)
        sc.ask(make("93", {"uid_algorithm": "0", "pwd_algorithm": "0"},
                    [("CN", "kiosk1"), ("CO", "demo")]))  # fmt: skip
        status = _timed(args.requests, lambda: _status(sc))
        circulation = _timed(args.requests, lambda: _circulate(sc))
        applied = {kind: sim.library.count(kind, ITEM) for kind in ("checkout", "checkin")}
        sim.faults.set_latency(args.latency_ms)
        delayed = _timed(args.latency_requests, lambda: _status(sc))
        sim.faults.set_latency(0)
    overhead = statistics.fmean(delayed) - args.latency_ms
    counters_ok = applied == {"checkout": args.requests, "checkin": args.requests}
    never_faster = min(delayed) >= args.latency_ms
    result: dict[str, Any] = {
        "benchmark": "ils-sim",
        "status_99": _summary(status),
        "checkout_checkin_pairs": _summary(circulation),
        "applied": applied,
        "latency_fault": {
            "set_ms": args.latency_ms,
            "min_rtt_ms": round(min(delayed), 3),
            "mean_overhead_ms": round(overhead, 3),
            "budget_ms": args.budget_ms,
        },
        "within_bound": counters_ok and never_faster and overhead <= args.budget_ms,
    }
    print(json.dumps(result))
    return 0 if result["within_bound"] else 1


def _status(sc: _RawSc) -> None:
    sc.ask(make("99", {"status_code": "0", "max_print_width": "040",
                       "protocol_version": "2.00"}, []))  # fmt: skip


def _circulate(sc: _RawSc) -> None:
    date = time.strftime("%Y%m%d    %H%M%S")
    out = sc.ask(make(
        "11", {"sc_renewal_policy": "N", "no_block": "N", "transaction_date": date,
               "nb_due_date": " " * 18},
        [("AO", "AVB"), ("AA", PATRON), ("AB", ITEM), ("AC", "")],
    ))  # fmt: skip
    back = sc.ask(make(
        "09", {"no_block": "N", "transaction_date": date, "return_date": date},
        [("AP", "ABONEMENTAS"), ("AO", "AVB"), ("AB", ITEM), ("AC", "")],
    ))  # fmt: skip
    if out.fixed_value("ok") != "1" or back.fixed_value("ok") != "1":
        raise RuntimeError(f"circulation refused: {out.get('AF')} / {back.get('AF')}")
