"""The circulation service with the ILS down (the simulator refusing connections): the
offline policy applied to identification, loans, returns and renewals; everything written
to the outbox first; refusals withdrawn (never replayed); the receipt says offline; and the
ILS going down in the middle of a stack."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from backend_sync.sip2.client import Sip2Client, Sip2Config
from backend_sync.sip2.connection import Endpoint, Wire
from backend_sync.sip2.mapping import Terminal
from kiosk.core.circulation.offline_policy import OfflineMode, OfflinePolicy
from kiosk.core.circulation.pad import PadItem
from kiosk.core.circulation.service import CirculationRules, CirculationService, Ports
from kiosk.core.circulation.session import Activity, LineStatus, State
from kiosk.core.clock import ManualClock
from kiosk.core.outbox import EntryKind, EntryState
from kiosk.core.receipt_delivery import ReceiptDesk
from kiosk.core.receipts import Receipt
from kiosk.core.stats import MemoryStatistics
from kiosk.i18n import Catalogs
from simulators.ils.simulator import IlsSimulator
from simulators.models.outbox_fake import FakeOutbox
from simulators.models.pad_fake import FakePad

ONA, ONA_PIN = "2100000001", "1234"
METAI, KURMELIS, PAVASARIO = "9786090100011", "9786090100042", "9786090100073"
MARTI = "9786090100035"


@dataclass
class Kiosk:
    service: CirculationService
    pad: FakePad
    outbox: FakeOutbox
    clock: ManualClock
    receipts: list[Receipt] = field(default_factory=list)
    stats: MemoryStatistics = field(default_factory=MemoryStatistics)

    def statuses(self) -> list[tuple[str, LineStatus]]:
        return [(line.item_id, line.status) for line in self.service.view.lines]


def run(sim: IlsSimulator, body: Callable[[Kiosk], Awaitable[None]], policy: OfflinePolicy) -> None:
    async def main() -> None:
        client = Sip2Client(
            Sip2Config(
                endpoint=Endpoint(sim.host, sim.port, connect_timeout_s=2),
                wire=Wire(encoding="utf-8", timeout_s=1.0, retries=0),
                terminal=Terminal(institution="AVB", location="KNYGOMATAS-1"),
                username="kiosk1",
                password="demo",
                keepalive_s=0,
            )
        )
        k = Kiosk(None, FakePad(), FakeOutbox(), ManualClock())  # type: ignore[arg-type]

        def desk(session_id: str, receipt: Receipt) -> ReceiptDesk:
            k.receipts.append(receipt)
            texts = Catalogs().translator("lt")
            return ReceiptDesk(session_id, receipt, texts, None, None, lambda e: None)

        ports = Ports(client, k.outbox, k.clock, k.pad, desk, stats=k.stats)
        k.service = CirculationService(ports, CirculationRules(), policy)
        try:
            await asyncio.wait_for(body(k), 30)
        finally:
            await client.close()

    asyncio.run(main())


@pytest.fixture
def sim() -> Iterator[IlsSimulator]:
    with IlsSimulator(encoding="utf-8") as simulator:
        yield simulator


def tag(item_id: str, n: int) -> PadItem:
    return PadItem(f"E00400000000{n:04X}", item_id)


async def login(k: Kiosk) -> None:
    await k.service.present_card(ONA)
    await k.service.enter_pin(ONA_PIN)


def test_policy_none_puts_the_kiosk_out_of_service(sim: IlsSimulator) -> None:
    sim.set_offline("refuse")

    async def body(k: Kiosk) -> None:
        await login(k)
        view = k.service.view
        assert view.state is State.REFUSED and view.notice
        assert view.notice.key == "offline.out_of_service"
        await k.service.cancel()
        assert k.service.state is State.IDLE

    run(sim, body, OfflinePolicy(OfflineMode.NONE))


def test_returns_only_takes_returns_and_withdraws_loans(sim: IlsSimulator) -> None:
    sim.set_offline("refuse")

    async def body(k: Kiosk) -> None:
        await login(k)
        assert k.service.view.offline and k.service.state is State.WORKING
        k.pad.place(tag(METAI, 1))
        await k.service.settle()
        assert k.statuses() == [(METAI, LineStatus.REFUSED)]
        assert k.service.view.lines[0].notice.key == "offline.no_checkouts"  # type: ignore[union-attr]
        assert k.pad.secured[tag(METAI, 1).uid]  # security stays on
        withdrawn = k.outbox.in_state(EntryState.REJECTED)
        assert len(withdrawn) == 1 and withdrawn[0].result["withdrawn"] is True
        await k.service.choose(Activity.RETURN)
        k.pad.place(tag(MARTI, 2))
        await k.service.settle()
        assert k.statuses()[1] == (MARTI, LineStatus.RETURNED)
        (pending,) = k.outbox.in_state(EntryState.PENDING)
        assert pending.kind is EntryKind.CHECKIN and pending.offline
        assert pending.payload["item_id"] == MARTI and "pin" not in pending.payload

    run(sim, body, OfflinePolicy(OfflineMode.RETURNS))


def test_offline_loans_are_capped_due_by_policy_and_said_on_the_receipt(
    sim: IlsSimulator,
) -> None:
    sim.set_offline("refuse")

    async def body(k: Kiosk) -> None:
        await login(k)
        k.pad.place(tag(METAI, 1), tag(KURMELIS, 2), tag(PAVASARIO, 3))
        await k.service.settle()
        assert [s for _, s in k.statuses()] == [
            LineStatus.BORROWED,
            LineStatus.BORROWED,
            LineStatus.REFUSED,
        ]
        lines = k.service.view.lines
        assert lines[2].notice.key == "offline.checkout_cap"  # type: ignore[union-attr]
        assert lines[0].offline and lines[0].due is not None
        assert lines[0].due.date().isoformat() == "2026-12-09"
        pending = k.outbox.in_state(EntryState.PENDING)
        assert [e.payload["item_id"] for e in pending] == [METAI, KURMELIS]
        assert pending[0].payload["due"].startswith("2026-12-09")
        assert not k.pad.secured[tag(METAI, 1).uid]
        await k.service.done()
        assert k.service.state is State.RECEIPT
        (receipt,) = k.receipts
        assert len(receipt.items) == 2 and any("offline" in n for n in receipt.notes)
        assert ONA not in repr(receipt)

    run(sim, body, OfflinePolicy(OfflineMode.RETURNS_AND_CHECKOUTS, max_checkouts=2))


def test_the_ils_going_down_mid_stack_switches_to_the_offline_policy(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await login(k)
        assert not k.service.view.offline
        k.pad.place(tag(METAI, 1))
        await k.service.settle()
        sim.set_offline("refuse")
        k.pad.place(tag(KURMELIS, 2), tag(PAVASARIO, 3))
        await k.service.settle()
        assert [s for _, s in k.statuses()] == [LineStatus.BORROWED] * 3
        assert [line.offline for line in k.service.view.lines] == [False, True, True]
        assert k.service.view.offline
        done = k.outbox.in_state(EntryState.DONE)
        pending = k.outbox.in_state(EntryState.PENDING)
        assert [e.payload["item_id"] for e in done] == [METAI]
        assert [e.payload["item_id"] for e in pending] == [KURMELIS, PAVASARIO]
        assert sim.library.count("checkout") == 1

    run(sim, body, OfflinePolicy(OfflineMode.RETURNS_AND_CHECKOUTS))


def test_nothing_is_renewed_offline(sim: IlsSimulator) -> None:
    sim.set_offline("refuse")

    async def body(k: Kiosk) -> None:
        await login(k)
        await k.service.renew(MARTI)
        assert k.statuses() == [(MARTI, LineStatus.REFUSED)]
        assert k.outbox.entries == {}

    run(sim, body, OfflinePolicy(OfflineMode.RETURNS_AND_CHECKOUTS))


def test_statistics_count_offline_loans_refusals_sessions_and_the_outage(
    sim: IlsSimulator,
) -> None:
    sim.set_offline("refuse")

    async def body(k: Kiosk) -> None:
        await login(k)
        k.clock.advance(5)
        k.pad.place(tag(METAI, 1), tag(KURMELIS, 2), tag(PAVASARIO, 3))
        await k.service.settle()
        k.clock.advance(60)
        await k.service.cancel()
        sim.set_online()
        await login(k)  # the ILS answers again: the outage is over
        await k.service.done()
        records = [(t.kind, t.ok, t.reason, t.offline) for t in k.stats.transactions]
        assert records == [
            ("checkout", True, "", True),
            ("checkout", True, "", True),
            ("checkout", False, "checkout_cap", False),
        ]
        assert [s.end_reason for s in k.stats.sessions] == ["cancelled", "done"]
        (outage,) = k.stats.offline_periods
        assert outage.ended_at - outage.started_at == timedelta(seconds=65)
        assert ONA not in repr(k.stats.__dict__)

    run(sim, body, OfflinePolicy(OfflineMode.RETURNS_AND_CHECKOUTS, max_checkouts=2))
