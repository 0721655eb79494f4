"""What the store's tests share: a SIP2 client on the simulator, entries, free items."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from backend_sync.sip2.client import Sip2Client, Sip2Config
from backend_sync.sip2.connection import Endpoint, Wire
from backend_sync.sip2.mapping import Terminal
from kiosk.core.outbox import EntryKind, OutboxEntry
from simulators.ils.simulator import IlsSimulator

T = TypeVar("T")
JONAS, ONA, BLOCKED = "2100000002", "2100000001", "2100000003"
AT = datetime(2026, 11, 20, 14, 30)


def sip2_config(host: str, port: int, timeout_s: float = 2.0) -> Sip2Config:
    return Sip2Config(
        endpoint=Endpoint(host, port, connect_timeout_s=timeout_s),
        wire=Wire(encoding="utf-8", timeout_s=timeout_s, retries=1),
        terminal=Terminal(institution="AVB", location="ABONEMENTAS"),
        username="kiosk1",
        password="demo",
        keepalive_s=0,
    )


async def with_client(sim: IlsSimulator, body: Callable[[Sip2Client], Awaitable[T]]) -> T:
    client = Sip2Client(sip2_config(sim.host, sim.port))
    try:
        return await body(client)
    finally:
        await client.close()


def free_items(sim: IlsSimulator, count: int) -> list[str]:
    """Books on the shelf with nobody waiting for them."""
    lib = sim.library
    free = [
        i.barcode
        for i in lib.items()
        if i.item_type == "book" and i.parts == 1 and lib.loan(i.barcode) is None
        and not lib.holds_on(i.barcode)
    ]  # fmt: skip
    assert len(free) >= count, f"the demo library has only {len(free)} free books"
    return free[:count]


def entry(
    key: str, kind: EntryKind, offline: bool = True, at: datetime = AT, **payload: Any
) -> OutboxEntry:
    return OutboxEntry(key=key, kind=kind, payload=payload, happened_at=at, offline=offline)


def checkout(key: str, card: str, item: str, **kw: Any) -> OutboxEntry:
    return entry(key, EntryKind.CHECKOUT, card=card, item_id=item, **kw)


def checkin(key: str, item: str, **kw: Any) -> OutboxEntry:
    return entry(key, EntryKind.CHECKIN, item_id=item, **kw)
