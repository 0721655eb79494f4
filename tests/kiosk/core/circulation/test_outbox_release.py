"""When the domain hands an outbox entry over (borrow.py rules 7-8, returns.py rules 6-7), the
fixes the kill -9 test through the domain (tests/integration/test_crash_visit.py) needed:

- an entry stays live (pending, no attempt noted, not offline: the replayer leaves it alone)
  until the kiosk's side is finished, i.e. the security write; only then is it marked done
  or kept for replay, so a process killed in between leaves an entry the replayer puts on
  the reconciliation list instead of one it replays or calls done;
- a return never overtakes an older loan of the same item still waiting for replay.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator

import pytest

from backend_sync.sip2.client import Sip2Client, Sip2Config
from backend_sync.sip2.connection import Endpoint, Wire
from backend_sync.sip2.mapping import Terminal
from kiosk.core.circulation.offline_policy import OfflineMode, OfflinePolicy
from kiosk.core.circulation.pad import PadItem
from kiosk.core.circulation.service import CirculationRules, CirculationService, Ports
from kiosk.core.circulation.session import LineStatus
from kiosk.core.clock import ManualClock
from kiosk.core.outbox import EntryKind, EntryState, OutboxEntry
from simulators.ils.simulator import IlsSimulator
from simulators.models.outbox_fake import FakeOutbox
from simulators.models.pad_fake import FakePad

ONA, ONA_PIN = "2100000001", "1234"
METAI = "9786090100011"
METAI_TAG = PadItem("E004000000000001", METAI)
POLICY = OfflinePolicy(OfflineMode.RETURNS_AND_CHECKOUTS)


class Gate:
    """The pad's sleep: the first security write waits here until the test opens it."""

    def __init__(self) -> None:
        self.reached = asyncio.Event()
        self.open = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.reached.set()
        await self.open.wait()


@pytest.fixture
def sim() -> Iterator[IlsSimulator]:
    with IlsSimulator(encoding="utf-8") as simulator:
        yield simulator


def run(
    sim: IlsSimulator,
    body: Callable[[CirculationService, FakePad, FakeOutbox, Gate], Awaitable[None]],
) -> None:
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
        gate, outbox = Gate(), FakeOutbox()
        pad = FakePad(sleep=gate)
        service = CirculationService(
            Ports(client, outbox, ManualClock(), pad), CirculationRules(), POLICY
        )
        try:
            await asyncio.wait_for(body(service, pad, outbox, gate), 30)
        finally:
            await service.cancel()
            await client.close()

    asyncio.run(main())


def only(outbox: FakeOutbox, kind: EntryKind) -> OutboxEntry:
    (entry,) = [e for e in outbox.entries.values() if e.kind is kind]
    return entry


async def borrow_metai(service: CirculationService, pad: FakePad, gate: Gate) -> None:
    await service.present_card(ONA)
    await service.enter_pin(ONA_PIN)
    pad.place(METAI_TAG)
    await gate.reached.wait()


def live(entry: OutboxEntry) -> bool:
    return entry.state is EntryState.PENDING and entry.attempts == 0 and not entry.offline


def test_an_online_loan_is_marked_done_only_after_its_security_write(sim) -> None:
    async def body(service, pad, outbox, gate) -> None:
        await borrow_metai(service, pad, gate)
        assert sim.library.count("checkout", METAI) == 1  # the ILS has it ...
        assert live(only(outbox, EntryKind.CHECKOUT))  # ... the kiosk's side is not done
        gate.open.set()
        await service.settle()
        assert only(outbox, EntryKind.CHECKOUT).state is EntryState.DONE
        assert not pad.secured[METAI_TAG.uid]

    run(sim, body)


def test_an_offline_loan_is_kept_for_replay_only_after_its_security_write(sim) -> None:
    sim.set_offline("refuse")

    async def body(service, pad, outbox, gate) -> None:
        await borrow_metai(service, pad, gate)
        assert live(only(outbox, EntryKind.CHECKOUT))  # killed now: never replayed
        gate.open.set()
        await service.settle()
        kept = only(outbox, EntryKind.CHECKOUT)
        assert kept.state is EntryState.PENDING and kept.offline  # now the replayer's

    run(sim, body)


def test_a_return_waits_behind_an_offline_loan_of_the_same_item(sim) -> None:
    sim.set_offline("refuse")

    async def body(service, pad, outbox, gate) -> None:
        gate.open.set()
        await borrow_metai(service, pad, gate)
        await service.settle()
        await service.done()
        sim.set_online()  # back before the replayer sent the loan
        await service.start_returns()
        pad.place(METAI_TAG)
        await service.settle()
        (line,) = service.view.lines
        assert line.status is LineStatus.RETURNED and line.offline
        assert pad.secured[METAI_TAG.uid]
        loan, ret = only(outbox, EntryKind.CHECKOUT), only(outbox, EntryKind.CHECKIN)
        assert loan.state is EntryState.PENDING and ret.state is EntryState.PENDING
        assert ret.offline  # kept for replay, after the loan: never sent past it
        assert sim.library.count("checkin", METAI) == 0

    run(sim, body)
