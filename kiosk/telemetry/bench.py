"""`kiosk bench metrics-scrape`: what a Prometheus scrape of a busy kiosk costs.

Fills a Telemetry registry as a large kiosk would (every device, several lock boards, every
transaction kind and result, refusal reasons, every locker alarm kind), serves it with the
real MetricsServer on loopback (with a bearer token), and scrapes /metrics and /health
`--scrapes` times while a writer thread keeps reporting device states and counting
transactions, as the probes and the domain do. Prints one JSON object with:

  samples       exported samples, and the number the exposition design calls for:
                  fixed 12 (info, start, uptime, restarts, 3 health status, lockouts,
                  outbox depth and age, compartments, occupied) + 6 process_* samples
                + 4 paper states + 4 per device (up + 3 states)
                + one per session reason, transaction (kind, result), refusal reason
                + 2 per locker alarm kind (active + total)
  latency_ms    p50 / p95 / max of one scrape and of one /health
  budget_ms     1 % of the scrape interval (--interval-s): a scrape must cost less, so
                monitoring never competes with a patron's session
  writes        reports made by the writer during the run (the registry stayed writable)
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
import urllib.request

from kiosk.core.health import DeviceHealth, DeviceKind, DeviceState, PaperState, SessionEnd
from kiosk.telemetry.exposition import build_registry
from kiosk.telemetry.http import MetricsServer
from kiosk.telemetry.registry import Telemetry

TOKEN = "bench-token-0123456789"
KINDS = ("checkout", "checkin", "renew", "fee_paid", "hold", "locker_event", "room_checkin")
RESULTS = ("ok", "refused", "offline", "error")
ALARMS = ("door_forced", "door_left_open", "door_jammed", "occupancy_mismatch",
          "keypad_locked", "board_unavailable", "notification_failed")  # fmt: skip
FIXED_SAMPLES = 12 + 6  # + the six process_* samples (memory, CPU, files, start time)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "metrics-scrape",
        help="the cost of a Prometheus scrape and a /health call on a busy kiosk",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--boards", type=int, default=8, help="lock boards (default 8)")
    parser.add_argument("--refusals", type=int, default=20, help="refusal reasons (20)")
    parser.add_argument("--scrapes", type=int, default=200, help="scrapes to time (200)")
    parser.add_argument("--interval-s", type=float, default=15.0, help="scrape interval (15)")
    parser.set_defaults(func=run)


def busy_kiosk(boards: int, refusals: int) -> Telemetry:
    telemetry = Telemetry("bench-1", essential={"reader"})
    for name, kind in (("reader", DeviceKind.READER), ("printer", DeviceKind.PRINTER),
                       ("ils", DeviceKind.ILS), ("booking", DeviceKind.BOOKING),
                       ("smtp", DeviceKind.SMTP)):  # fmt: skip
        telemetry.report(DeviceHealth(name, kind, DeviceState.OK))
    for index in range(boards):
        telemetry.report(DeviceHealth(f"board-b{index}", DeviceKind.LOCK_BOARD, DeviceState.OK))
    telemetry.printer_paper(PaperState.NEAR_END)
    for reason in SessionEnd:
        telemetry.session_ended(reason)
    for kind in KINDS:
        for result in RESULTS:
            telemetry.transaction(kind, result)
    for index in range(refusals):
        telemetry.refused(f"reason_{index}")
    telemetry.outbox(12, 340.0)
    telemetry.lockers(20, 16 * boards, {kind: (0, 1) for kind in ALARMS})
    return telemetry


def expected_samples(devices: int, refusals: int) -> int:
    return (FIXED_SAMPLES + len(PaperState) + 4 * devices + len(SessionEnd)
            + len(KINDS) * len(RESULTS) + refusals + 2 * len(ALARMS))  # fmt: skip


def _timed_get(url: str) -> tuple[float, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return (time.perf_counter() - start) * 1000, body


def _writer(telemetry: Telemetry, stop: threading.Event, count: list[int]) -> None:
    states = (DeviceState.OK, DeviceState.DEGRADED)
    while not stop.is_set():
        state = states[count[0] % 2]
        telemetry.report(DeviceHealth("printer", DeviceKind.PRINTER, state, "bench"))
        telemetry.transaction("checkout", "ok")
        count[0] += 1
        time.sleep(0.001)


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered), 3),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
        "max": round(ordered[-1], 3),
    }


def run(args: argparse.Namespace) -> int:
    telemetry = busy_kiosk(args.boards, args.refusals)
    server = MetricsServer(telemetry, build_registry(telemetry), token=TOKEN).start()
    stop, writes = threading.Event(), [0]
    writer = threading.Thread(target=_writer, args=(telemetry, stop, writes), daemon=True)
    writer.start()
    try:
        scrapes = [_timed_get(server.url + "/metrics") for _ in range(args.scrapes)]
        health = [_timed_get(server.url + "/health")[0] for _ in range(args.scrapes)]
    finally:
        stop.set()
        writer.join(5)
        server.stop()
    body = scrapes[-1][1].decode()
    samples = sum(1 for line in body.splitlines() if line and not line.startswith("#"))
    budget_ms = args.interval_s * 1000 * 0.01
    scrape = _summary([ms for ms, _ in scrapes])
    result = {
        "benchmark": "metrics-scrape",
        "samples": {"exported": samples, "expected": expected_samples(5 + args.boards,
                                                                      args.refusals)},
        "bytes": len(scrapes[-1][1]),
        "scrapes": args.scrapes,
        "latency_ms": {"metrics": scrape, "health": _summary(health)},
        "budget_ms": budget_ms,
        "within_budget": scrape["p95"] < budget_ms,
        "writes": writes[0],
    }  # fmt: skip
    print(json.dumps(result))
    return 0
