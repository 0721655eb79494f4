"""`kiosk bench replay`: replaying an outbox of offline transactions to the ILS simulator.

Fills a fresh store (a temporary SQLite file, WAL, synchronous=FULL) with `--transactions`
offline checkouts and checkins (rounds over the demo library's free books: lend them all,
take them all back), starts the ILS simulator with `--ils-rtt-ms` of latency per answer,
and times one replay pass over SIP2. Then counts at the simulator that every transaction was
applied exactly once.

References computed in the same run, from measurements on this machine:
- `bound_ms`: the ILS round trips alone, one after another, as they took during this replay
  (each checkout/checkin call timed where the replayer makes it). The replay must keep order,
  so over one connection nothing can beat it. `rtt_ms` is their mean; `rtt_before_ms` one
  measured beforehand on a book kept out of the outbox (the simulator slows down a little as
  its history grows, which is why the bound is taken from the replay itself);
- `commit_ms`: one durable commit of the store (synchronous=FULL), measured;
- `serial_ms` = bound_ms + transactions x 2 x commit_ms: a replayer that commits "sending"
  before and the result after every transaction.
`elapsed_vs_bound` says what the store and the replayer add to the round trips.

Never part of the test run; tests do not assert on time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from backend_sync.sip2.client import Sip2Client, Sip2Config
from backend_sync.sip2.connection import Endpoint, Wire
from backend_sync.sip2.mapping import Terminal
from backend_sync.store.database import open_store
from backend_sync.store.outbox import OutboxStore
from backend_sync.store.replayer import Replayer, ReplayPolicy
from kiosk.core.outbox import EntryKind, OutboxEntry
from simulators.ils.simulator import IlsSimulator

CARD = "2100000002"
START = datetime(2026, 11, 20, 9, 0)
SAMPLES = 200


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "replay",
        help="outbox replay to the ILS simulator against the round-trip bound",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument(
        "--transactions", type=_positive, default=10000, metavar="N",
        help="offline transactions in the outbox (default 10000)",
    )  # fmt: skip
    parser.add_argument(
        "--ils-rtt-ms", type=int, default=1, metavar="MS",
        help="latency the simulator adds to every answer (default 1)",
    )  # fmt: skip
    parser.add_argument(
        "--window", type=_positive, default=32, help="replay window (as [store] replay_window)"
    )
    parser.set_defaults(func=run)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def free_books(sim: IlsSimulator) -> list[str]:
    lib = sim.library
    return [
        i.barcode
        for i in lib.items()
        if i.item_type == "book" and i.parts == 1 and lib.loan(i.barcode) is None
        and not lib.holds_on(i.barcode)
    ]  # fmt: skip


def planned(items: list[str], count: int) -> list[OutboxEntry]:
    entries: list[OutboxEntry] = []
    while len(entries) < count:
        for kind in (EntryKind.CHECKOUT, EntryKind.CHECKIN):
            for item in items:
                payload = {"item_id": item, **({"card": CARD} if kind == "checkout" else {})}
                at = START + timedelta(seconds=len(entries))
                entries.append(OutboxEntry(f"bench/{len(entries)}", kind, payload, at, True))
    return entries[:count]


def _client(sim: IlsSimulator) -> Sip2Client:
    return Sip2Client(
        Sip2Config(
            endpoint=Endpoint(sim.host, sim.port, connect_timeout_s=5),
            wire=Wire(encoding="utf-8", timeout_s=10.0, retries=1),
            terminal=Terminal(institution="AVB", location="ABONEMENTAS"),
            username="kiosk1",
            password="demo",
            keepalive_s=0,
        )
    )


class TimedLibrary:
    """The SIP2 client with the time spent in its transaction calls added up."""

    def __init__(self, client: Sip2Client) -> None:
        self.client = client
        self.spent_s = 0.0
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    async def _timed(self, call: Any) -> Any:
        started = time.perf_counter()
        try:
            return await call
        finally:
            self.spent_s += time.perf_counter() - started
            self.calls += 1

    async def checkout(self, *args: Any, **kw: Any) -> Any:
        return await self._timed(self.client.checkout(*args, **kw))

    async def checkin(self, *args: Any, **kw: Any) -> Any:
        return await self._timed(self.client.checkin(*args, **kw))


async def _measure(sim: IlsSimulator, store: OutboxStore, window: int) -> dict[str, Any]:
    client = _client(sim)
    try:
        await client.connect()
        item = free_books(sim)[-1]  # planned() never uses it
        started = time.perf_counter()
        for _ in range(SAMPLES // 2):
            await client.checkout(CARD, item, no_block_at=START)
            await client.checkin(item, no_block_at=START)
        rtt_before_ms = (time.perf_counter() - started) * 1000 / (SAMPLES // 2 * 2)
        timed = TimedLibrary(client)
        replayer = Replayer(store, timed, ReplayPolicy(window=window))  # type: ignore[arg-type]
        started = time.perf_counter()
        await replayer.run_pass()
        elapsed_ms = (time.perf_counter() - started) * 1000
    finally:
        await client.close()
    return {
        "rtt_before_ms": rtt_before_ms,
        "elapsed_ms": elapsed_ms,
        "bound_ms": timed.spent_s * 1000,
        "calls": timed.calls,
    }


def _commit_ms(store: OutboxStore) -> float:
    started = time.perf_counter()
    for _ in range(SAMPLES):
        store.note_attempt("bench/0", "timing a commit")
    return (time.perf_counter() - started) * 1000 / SAMPLES


def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp, IlsSimulator(encoding="utf-8") as sim:
        store = OutboxStore(open_store(Path(tmp) / "bench.sqlite"))
        entries = planned(free_books(sim)[:-1], args.transactions)
        for entry in entries:
            store.add(entry)
        commit_ms = _commit_ms(store)
        sim.faults.set_latency(args.ils_rtt_ms)
        measured = asyncio.run(_measure(sim, store, args.window))
        wanted = Counter((str(e.kind), e.payload["item_id"]) for e in entries)
        applied_once = all(sim.library.count(*key) == n for key, n in wanted.items())
        summary = store.summary()
    n, bound_ms = args.transactions, measured["bound_ms"]
    print(
        json.dumps(
            {
                "benchmark": "replay",
                "transactions": n,
                "ils_rtt_ms": args.ils_rtt_ms,
                "window": args.window,
                "rtt_ms": round(bound_ms / max(1, measured["calls"]), 3),
                "rtt_before_ms": round(measured["rtt_before_ms"], 3),
                "commit_ms": round(commit_ms, 3),
                "elapsed_ms": round(measured["elapsed_ms"], 1),
                "serial_ms": round(bound_ms + n * 2 * commit_ms, 1),
                "bound_ms": round(bound_ms, 1),
                "elapsed_vs_bound": round(measured["elapsed_ms"] / bound_ms, 3),
                "per_transaction_ms": round(measured["elapsed_ms"] / n, 3),
                "done": summary.done,
                "pending": summary.pending,
                "rejected": summary.rejected,
                "applied_exactly_once": applied_once,
            }
        )
    )
    return 0 if applied_once and summary.done == n else 1
