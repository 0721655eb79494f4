"""`kiosk bench checkout`: a stack of N items from "all tags on the pad" to "every item
checked out and its security verified", against the serial time and the pipelined bound.

The real SIP2 client talks to the ILS simulator over loopback with the simulator's latency
fault set to --ils-rtt-ms per response; the pad is the in-process FakePad with the same
timings the issue names (inventory, write, read-back), so the RFID wire is not in the
measurement (`kiosk bench rfid` measures that). The outbox is the in-memory fake. One ILS
connection. The model, computed in the same run:

    security = write + verify                   (one reader: one tag at a time)
    serial   = inventory + N x (rtt + security)
    bound    = inventory + N x max(rtt, security) + min(rtt, security)
               (the ILS round trips and the reader's writes overlapping)

`within_10pct` says elapsed <= 1.1 x bound; `serial_measured_ms` runs the same steps one
after another on the same stack (the simulator's data reset in between), as a check on the
model. Never part of the test run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

from backend_sync.sip2.client import Sip2Client, Sip2Config
from backend_sync.sip2.connection import Endpoint, Wire
from backend_sync.sip2.mapping import Terminal
from kiosk.core.circulation.pad import PadItem
from kiosk.core.circulation.service import CirculationRules, CirculationService, Ports
from kiosk.core.circulation.session import LineStatus, State
from kiosk.core.clock import SystemClock
from simulators.ils.simulator import IlsSimulator
from simulators.models.outbox_fake import FakeOutbox
from simulators.models.pad_fake import FakePad

PATRON, PIN = "2100000012", "2468"  # no loans: room for a stack of 10
# Demo items on the shelf, neither on loan nor on hold.
AVAILABLE = [
    "9786090100011",
    "9786090100042",
    "9786090100073",
    "9786090100080",
    "9786090100097",
    "9786090100134",
    "9786090100158",
    "9786090100165",
    "9786090100172",
    "9786090100196",
    "9786090100219",
    "9786090100226",
    "9786090100264",
    "9786090100295",
    "9786090100318",
    "9786090100325",
    "9786090100332",
    "9786090100349",
]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "checkout",
        help="borrow a stack pipelined against the simulators; JSON vs serial and bound",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--items", type=int, default=10, help="items in the stack (1-10)")
    parser.add_argument("--inventory-ms", type=float, default=100, help="pad sees the stack")
    parser.add_argument("--ils-rtt-ms", type=float, default=40, help="ILS latency per answer")
    parser.add_argument("--write-ms", type=float, default=20, help="security write per tag")
    parser.add_argument("--verify-ms", type=float, default=20, help="read-back per tag")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.items <= 10:
        raise SystemExit("--items must be 1-10 (the demo patron's loan limit)")
    print(json.dumps(asyncio.run(measure(args)), ensure_ascii=False))
    return 0


def model(n: int, inventory: float, rtt: float, write: float, verify: float) -> dict[str, float]:
    security = write + verify
    return {
        "serial_ms": inventory + n * (rtt + security),
        "bound_ms": inventory + n * max(rtt, security) + min(rtt, security),
    }


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    with IlsSimulator(encoding="utf-8") as sim:
        client = _client(sim)
        try:
            await client.connect()
            sim.faults.set_latency(int(args.ils_rtt_ms))
            elapsed, lines = await _pipelined(client, args, AVAILABLE[: args.items])
            sim.reset_data()
            serial = await _serial(client, args, AVAILABLE[: args.items])
        finally:
            await client.close()
    figures = model(args.items, args.inventory_ms, args.ils_rtt_ms, args.write_ms, args.verify_ms)
    return {
        "benchmark": "checkout",
        "items": args.items,
        "borrowed": lines,
        "elapsed_ms": round(elapsed, 1),
        "serial_ms": figures["serial_ms"],
        "bound_ms": figures["bound_ms"],
        "serial_measured_ms": round(serial, 1),
        "ratio_to_bound": round(elapsed / figures["bound_ms"], 3),
        "speedup_vs_serial": round(figures["serial_ms"] / elapsed, 2),
        "within_10pct": elapsed <= 1.1 * figures["bound_ms"],
        "pad": "in-process FakePad with the given timings",
        "ils": "ILS simulator over loopback, latency fault, 1 connection",
    }


def _pad(args: argparse.Namespace) -> FakePad:
    return FakePad(
        inventory_s=args.inventory_ms / 1000,
        write_s=args.write_ms / 1000,
        verify_s=args.verify_ms / 1000,
    )


async def _pipelined(
    client: Sip2Client, args: argparse.Namespace, items: list[str]
) -> tuple[float, int]:
    pad = _pad(args)
    ports = Ports(client, FakeOutbox(), SystemClock(), pad)
    service = CirculationService(ports, CirculationRules(pin_required=False))
    await service.present_card(PATRON)
    if service.state is not State.WORKING:
        raise SystemExit(f"the demo patron was not accepted: {service.view.notice}")
    stack = [PadItem(f"E0040000{n:08X}", item) for n, item in enumerate(items)]
    start = time.perf_counter()
    await pad.place_after_inventory(*stack)
    await service.settle()
    elapsed = (time.perf_counter() - start) * 1000
    borrowed = sum(line.status is LineStatus.BORROWED for line in service.view.lines)
    await service.cancel()
    return elapsed, borrowed


async def _serial(client: Sip2Client, args: argparse.Namespace, items: list[str]) -> float:
    """The same steps one after another: the model's serial time, measured."""
    pad = _pad(args)
    stack = [PadItem(f"E0050000{n:08X}", item) for n, item in enumerate(items)]
    start = time.perf_counter()
    await pad.place_after_inventory(*stack)
    for item in stack:
        await client.checkout(PATRON, item.item_id)
        await pad.set_security(item.uid, secured=False)
    return (time.perf_counter() - start) * 1000


def _client(sim: IlsSimulator) -> Sip2Client:
    return Sip2Client(
        Sip2Config(
            endpoint=Endpoint(sim.host, sim.port, connect_timeout_s=5),
            wire=Wire(encoding="utf-8", timeout_s=5.0, retries=1),
            terminal=Terminal(institution="AVB", location="KNYGOMATAS-1"),
            username="kiosk1",
            password="demo",
            keepalive_s=0,
        )
    )
