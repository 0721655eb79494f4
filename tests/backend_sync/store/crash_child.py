"""The process the kill -9 tests kill: a writer adding a planned stream of transactions to the
outbox and the replayer sending them to the ILS simulator, both at once, as the kiosk runs.

    python crash_child.py DB HOST PORT SEED COUNT [--wait-go]

Prints "ready", then "ack KEY" after each add returned (the domain's acknowledgement), and
exits 0 once every planned entry is in the store and none is pending. With --wait-go it adds
everything, connects, prints "connected" and waits for a line on stdin before replaying.
Run by test_crash.py only; not a test module itself.
"""

from __future__ import annotations

import asyncio
import random
import sys
from datetime import datetime, timedelta

from backend_sync.sip2.client import Sip2Client, Sip2Config
from backend_sync.sip2.connection import Endpoint, Wire
from backend_sync.sip2.mapping import Terminal
from backend_sync.store.database import open_store
from backend_sync.store.outbox import OutboxStore, SqliteOutbox
from backend_sync.store.replayer import Replayer, ReplayPolicy
from kiosk.core.outbox import EntryKind, OutboxEntry

CARDS = ("2100000002", "2100000001", "2100000012")
ITEMS = (  # books of the demo library on the shelf with no holds (library.free_items)
    "9786090100011", "9786090100042", "9786090100073", "9786090100080", "9786090100097",
    "9786090100134", "9786090100158", "9786090100165",
)  # fmt: skip
START = datetime(2026, 11, 20, 10, 0)


def plan(seed: int, count: int) -> list[OutboxEntry]:
    """Rounds of: lend every item (in a shuffled order), then take every one back."""
    rng = random.Random(seed)
    entries: list[OutboxEntry] = []
    while len(entries) < count:
        for kind in (EntryKind.CHECKOUT, EntryKind.CHECKIN):
            for item in rng.sample(ITEMS, len(ITEMS)):
                payload = {"item_id": item}
                if kind is EntryKind.CHECKOUT:
                    payload["card"] = rng.choice(CARDS)
                at = START + timedelta(minutes=len(entries))
                key = f"kiosk-1/{len(entries):05d}/{kind}/{item}"
                entries.append(OutboxEntry(key, kind, payload, at, offline=True))
    return entries[:count]


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def write(outbox: SqliteOutbox, entries: list[OutboxEntry]) -> None:
    for entry in entries:
        await outbox.add(entry)  # False after a restart: it was already there
        say(f"ack {entry.key}")


async def main(db: str, host: str, port: int, seed: int, count: int, wait_go: bool) -> int:
    store = OutboxStore(open_store(db))
    entries = plan(seed, count)
    say("ready")
    config = Sip2Config(
        endpoint=Endpoint(host, port, connect_timeout_s=2),
        wire=Wire(encoding="utf-8", timeout_s=1.0, retries=0),
        terminal=Terminal(institution="AVB", location="ABONEMENTAS"),
        username="kiosk1",
        password="demo",
        keepalive_s=0,
    )
    client = Sip2Client(config)
    replayer = Replayer(store, client, ReplayPolicy(window=8))
    writer = asyncio.create_task(write(SqliteOutbox(store), entries))
    if wait_go:
        await writer
        await client.connect()
        say("connected")
        await asyncio.to_thread(sys.stdin.readline)
    while True:
        report = await replayer.run_pass()
        say(f"pass {report}")
        if writer.done() and store.summary().pending == 0:
            await client.close()
            return 0
        await asyncio.sleep(0.05 if report.unreachable else 0.005)


if __name__ == "__main__":
    db, host, port, seed, count = sys.argv[1:6]
    sys.exit(asyncio.run(main(db, host, int(port), int(seed), int(count), "--wait-go" in sys.argv)))
