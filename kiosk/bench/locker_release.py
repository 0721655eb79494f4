"""`kiosk bench locker-release`: from a valid pickup code to the lock coil energised, over
Modbus TCP and over Modbus RTU at 9600 and 19200 baud (and the Kerong board at 19200).

Each sample loads a compartment through the locker logic against the simulator, then times
`pickup_by_code` from the call until the simulator's model sees the coil rise (one
process, one monotonic clock). The real drivers and pymodbus/pyserial run over loopback TCP
or a pty; the simulator makes the pty take as long as the bytes would on the line.

Computed bound, same run: the coil cannot rise before the code check (PBKDF2, measured
here on its own) plus the wire time of the release request: for RTU, an FC05 frame of
8 bytes plus the 3.5-character gap that ends it, 10 bits per character (8N1): 11.5 x 10 /
baud; for Kerong, the 5-byte unlock frame; for TCP on loopback, ~0. `overhead_ms` is what
our software adds above that bound (p50); `meets_budget` compares p95 with bound + budget.

Never part of the test run; tests do not assert on time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from kiosk.core.lockers.model import CompartmentSpec
from kiosk.core.lockers.policy import LockerPolicy
from kiosk.core.lockers.ports import Checkout, HoldCheckin, PickupNotice
from kiosk.core.lockers.service import LockerService, Opened
from kiosk.wiring.locks import lock_bank_from
from simulators.lockers.bank import LockerBankSimulator

RTU_RELEASE_CHARS = 8 + 3.5  # FC05 request + end-of-frame silence
KERONG_RELEASE_CHARS = 5
# (name, transport, wire baud, compartment to use, characters on the wire before the coil)
LINKS = (
    ("modbus_tcp", "tcp", 0, 1, 0.0),
    ("modbus_rtu_9600", "serial", 9600, 2, RTU_RELEASE_CHARS),
    ("modbus_rtu_19200", "serial", 19200, 3, RTU_RELEASE_CHARS),
    ("kerong_19200", "serial", 19200, 17, KERONG_RELEASE_CHARS),
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "locker-release",
        help="latency from a valid pickup code to the lock coil energised (JSON)",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument("--samples", type=int, default=20, help="releases per link (20)")
    parser.add_argument(
        "--iterations",
        type=int,
        default=100_000,
        help="PBKDF2 iterations of the code hash, as in [lockers] (100000)",
    )
    parser.add_argument(
        "--budget-ms",
        type=float,
        default=50.0,
        help="allowed software overhead above the bound at p95 (50)",
    )
    parser.set_defaults(func=run)


class _Ils:
    def checkin(self, item_id: str, now: datetime) -> HoldCheckin:
        return HoldCheckin(item_id, True, "P1", "", "Bench")

    def checkout(self, patron_id: str, item_id: str, now: datetime) -> Checkout:
        return Checkout(item_id, True)

    def authenticate_patron(self, card: str, pin: str, now: datetime) -> str | None:
        return None


class _Inbox:
    def __init__(self) -> None:
        self.codes: list[str] = []

    def send_pickup_code(self, notice: PickupNotice) -> None:
        self.codes.append(notice.code)


def _code_check_ms(iterations: int) -> float:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        hashlib.pbkdf2_hmac("sha256", b"123456", b"0123456789abcdef", iterations)
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def _one(sim: LockerBankSimulator, service: LockerService, inbox: _Inbox, comp: int, n: int):
    now = datetime.now(UTC)
    service.start_load("bench", f"item-{comp}-{n}", now)
    service.poll(now)
    sim.model.put_item(comp)
    sim.model.close_door(comp)
    service.poll(now + timedelta(seconds=1))
    seen = len(sim.model.energised_at)
    start = time.monotonic()
    opened = service.pickup_by_code(inbox.codes[-1], now + timedelta(seconds=2))
    rises = [t for c, t in list(sim.model.energised_at)[seen:] if c == comp]
    if not isinstance(opened, Opened) or not rises:
        raise RuntimeError(f"compartment {comp} was not released: {opened}")
    service.poll(now + timedelta(seconds=3))
    sim.model.take_items(comp)
    sim.model.close_door(comp)
    service.poll(now + timedelta(seconds=4))
    return (rises[0] - start) * 1000


def _measure(link: tuple, samples: int, iterations: int, check_ms: float, budget: float):
    name, transport, baud, comp, chars = link
    sim = LockerBankSimulator(wire_baud=baud, kerong_baud=baud).start()
    bank = lock_bank_from(sim.lockers_section(transport, pulse_s=0.0, baudrate=baud or 19200))
    try:
        policy = LockerPolicy(code_hash_iterations=iterations)
        inbox = _Inbox()
        service = LockerService(
            [CompartmentSpec(comp, "L")], policy, bank, _Ils(), inbox, random.SystemRandom()
        )
        latencies = sorted(_one(sim, service, inbox, comp, n) for n in range(samples))
    finally:
        bank.close()
        sim.stop()
    wire_ms = chars * 10 / baud * 1000 if baud else 0.0
    bound = check_ms + wire_ms
    p50 = statistics.median(latencies)
    p95 = latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))]
    return name, {
        "samples": samples,
        "wire_ms": round(wire_ms, 3),
        "bound_ms": round(bound, 3),
        "p50_ms": round(p50, 3),
        "p95_ms": round(p95, 3),
        "max_ms": round(latencies[-1], 3),
        "overhead_ms": round(p50 - bound, 3),
        "meets_budget": p95 <= bound + budget,
    }


def run(args: argparse.Namespace) -> int:
    check_ms = _code_check_ms(args.iterations)
    links: dict[str, Any] = dict(
        _measure(link, args.samples, args.iterations, check_ms, args.budget_ms) for link in LINKS
    )
    print(
        json.dumps(
            {
                "benchmark": "locker-release",
                "code_check_ms": round(check_ms, 3),
                "pbkdf2_iterations": args.iterations,
                "budget_ms": args.budget_ms,
                "links": links,
                "meets_budget": all(v["meets_budget"] for v in links.values()),
            }
        )
    )
    return 0
