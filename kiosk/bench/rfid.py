"""`kiosk bench rfid`: time to a complete inventory, and to unsecure then secure every tag
with read-back verification, for 1, 5, 10 and 20 tags on the pad.

The real FEIG driver runs against the simulator over loopback TCP (or a pty with
--transport pty). The simulator waits as its timing model says real hardware would, so the
model is the bound computed in the same run:

    inventory  = rounds x inventory_s + tags x per_tag_s, rounds = ceil(tags / max per round)
    read items = tags x (per_tag_s + 9 blocks x read_block_s)
    security   = tags x (AFI write: per_tag_s + write_block_s  +  read-back: per_tag_s)
                 (+ the EAS write and alarm query per tag with --eas)
    wire       = pty only: bytes both ways x 11 bits / 38400 baud (8E1), as the simulator
                 emulates the serial line; 0 over TCP

`overhead_ms_per_request` is what the driver, pyserial and the link add per exchange above
the model; `within_bound` says the measurement did not beat the model (it cannot) and the
overhead stayed under --budget-ms per request. Never part of the test run.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from device_drivers.rfid.feig_reader import FeigReader
from device_drivers.rfid.library_tags import LibraryTags, SecurityPair
from simulators.models.rfid_pad import PadTimings
from simulators.rfid.app import RfidSimulator
from simulators.rfid.links import BITS_PER_CHAR

SERIAL_BAUD = 38400  # the simulator's pty emulates a FEIG CPR line at 38400 8E1

LIBRARY_BLOCKS = 9  # LibraryTags reads blocks 0-8: the ISO 28560-3 basic block


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rfid",
        help="inventory and secure/unsecure 1-20 tags on the simulator",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--tags", default="1,5,10,20", help="comma-separated tag counts")
    parser.add_argument("--transport", choices=("tcp", "pty"), default="tcp", help="link")
    parser.add_argument("--eas", action="store_true", help="set/reset EAS with the AFI")
    parser.add_argument(
        "--budget-ms", type=float, default=20.0, help="allowed overhead per request above the model"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    counts = [int(n) for n in args.tags.split(",")]
    timings = PadTimings()
    results = [_measure(n, timings, args) for n in counts]
    print(
        json.dumps(
            {
                "benchmark": "rfid",
                "transport": args.transport,
                "timings": timings.__dict__,
                "results": results,
                "within_bound": all(r["within_bound"] for r in results),
            },
            indent=2,
        )
    )
    return 0


@dataclass(frozen=True)
class Sample:
    seconds: float
    requests: int
    wire_bytes: int


def _timed(sim: RfidSimulator, work: Callable[[], object]) -> Sample:
    requests = sim.responder.requests
    wire = sim.pty.wire_bytes if sim.pty else 0
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    wire_after = sim.pty.wire_bytes if sim.pty else 0
    return Sample(seconds, sim.responder.requests - requests, wire_after - wire)


def _measure(count: int, timings: PadTimings, args: argparse.Namespace) -> dict[str, Any]:
    sim = RfidSimulator(
        timings=timings, time_scale=1.0, pty=args.transport == "pty", control_port=None
    ).start()
    reader = FeigReader(sim.pty.path if sim.pty else sim.tcp.url, timeout_s=5.0)
    try:
        uids = {sim.place({"item": f"BENCH{i:04d}"})["uid"] for i in range(count)}
        library = LibraryTags(reader, SecurityPair(use_eas=args.eas))
        by_uid = {s.uid: s for s in reader.inventory()}  # also opens the link, untimed
        if set(by_uid) != uids:
            raise RuntimeError(f"inventory found {len(by_uid)} of {count} tags")
        samples = {
            "inventory": _timed(sim, reader.inventory),
            "read_items": _timed(sim, lambda: [library.read(by_uid[uid]) for uid in uids]),
            "unsecure": _timed(sim, lambda: [library.unsecure(uid) for uid in uids]),
            "secure": _timed(sim, lambda: [library.secure(uid) for uid in uids]),
        }
    finally:
        reader.close()
        sim.stop()
    return _report(count, timings, args, samples)


def _device_model(count: int, timings: PadTimings, eas: bool) -> dict[str, float]:
    """Seconds the simulated hardware spends, from its timing model alone."""
    rounds = max(1, math.ceil(count / timings.max_tags_per_round))
    per_tag_security = 2 * timings.per_tag_s + timings.write_block_s  # write AFI, read back
    if eas:
        per_tag_security *= 2  # set EAS, query the alarm
    return {
        "inventory": rounds * timings.inventory_s + count * timings.per_tag_s,
        "read_items": count * (timings.per_tag_s + LIBRARY_BLOCKS * timings.read_block_s),
        "unsecure": count * per_tag_security,
        "secure": count * per_tag_security,
    }


def _report(
    count: int, timings: PadTimings, args: argparse.Namespace, samples: dict[str, Sample]
) -> dict[str, Any]:
    char_s = BITS_PER_CHAR / SERIAL_BAUD if args.transport == "pty" else 0.0
    report: dict[str, Any] = {"tags": count}
    ok = True
    for name, device_s in _device_model(count, timings, args.eas).items():
        sample = samples[name]
        model = device_s + sample.wire_bytes * char_s
        overhead = (sample.seconds - model) / max(1, sample.requests) * 1000
        ok &= sample.seconds >= model * 0.99 and overhead <= args.budget_ms
        report[name] = {
            "measured_s": round(sample.seconds, 4),
            "model_s": round(model, 4),
            "wire_s": round(sample.wire_bytes * char_s, 4),
            "requests": sample.requests,
            "overhead_ms_per_request": round(overhead, 2),
        }
    report["within_bound"] = ok
    return report
