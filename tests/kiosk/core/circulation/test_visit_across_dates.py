"""A visit that spans midnight, New Year or a clock change in the library's zone: each loan is
dated by the moment it was made (the ILS lends from that day), and the idle timer, which runs
on monotonic time, neither ends the visit when the wall clock jumps an hour forward nor
stretches it when it falls back. The kiosk, the core and the ILS simulator share one clock."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import pytest

from backend_sync.sip2.client import Sip2Client, Sip2Config
from backend_sync.sip2.connection import Endpoint, Wire
from backend_sync.sip2.mapping import Terminal
from kiosk.core.circulation.pad import PadItem
from kiosk.core.circulation.service import CirculationRules, CirculationService, Ports
from kiosk.core.circulation.session import IdleTimer, State
from kiosk.core.clock import ManualClock
from simulators.ils.simulator import IlsSimulator
from simulators.models.outbox_fake import FakeOutbox
from simulators.models.pad_fake import FakePad

ONA, ONA_PIN = "2100000001", "1234"
METAI, KURMELIS = "9786090100011", "9786090100042"


def visit(
    start: datetime, body: Callable[[CirculationService, FakePad, ManualClock], Awaitable[None]]
) -> None:
    clock = ManualClock(start)
    with IlsSimulator(encoding="utf-8", clock=clock.now) as sim:

        async def main() -> None:
            client = Sip2Client(
                Sip2Config(
                    endpoint=Endpoint(sim.host, sim.port, connect_timeout_s=5),
                    wire=Wire(encoding="utf-8", timeout_s=2.0, retries=1),
                    terminal=Terminal(institution="AVB", location="KNYGOMATAS-1"),
                    username="kiosk1",
                    password="demo",
                    keepalive_s=0,
                ),
                clock=clock.now,
            )
            pad = FakePad()
            service = CirculationService(
                Ports(client, FakeOutbox(), clock, pad),
                CirculationRules(idle=IdleTimer(warn_s=60, end_s=90)),
            )
            try:
                await service.present_card(ONA)
                await service.enter_pin(ONA_PIN)
                await asyncio.wait_for(body(service, pad, clock), 30)
            finally:
                await client.close()

        asyncio.run(main())


def tag(item_id: str, n: int) -> PadItem:
    return PadItem(f"E0040150{n:08X}", item_id, 1, 1)


def due_of(service: CirculationService, item_id: str) -> datetime:
    (line,) = [line for line in service.view.lines if line.item_id == item_id]
    assert line.due is not None, line
    return line.due


@pytest.mark.parametrize(
    "start",
    [datetime(2027, 12, 31, 23, 59, 50), datetime(2028, 2, 28, 23, 59, 50)],
    ids=["new-year", "into-leap-day"],
)
def test_loans_either_side_of_midnight_are_dated_by_their_own_day(start: datetime) -> None:
    async def body(service: CirculationService, pad: FakePad, clock: ManualClock) -> None:
        pad.place(tag(METAI, 1))
        await service.settle()
        clock.advance(20)  # past midnight: a new day, maybe a new year
        pad.place(tag(METAI, 1), tag(KURMELIS, 2))
        await service.settle()
        before, after = due_of(service, METAI), due_of(service, KURMELIS)
        assert before.date() > start.date()
        assert after.date() - before.date() == timedelta(days=1)
        assert service.view.state is not State.IDLE

    visit(start, body)


@pytest.mark.parametrize(
    ("start", "jump"),
    [
        (datetime(2027, 3, 28, 2, 59, 50), timedelta(hours=1)),  # 03:00 -> 04:00 in Vilnius
        (datetime(2027, 10, 31, 3, 59, 50), timedelta(hours=-1)),  # 04:00 -> 03:00
    ],
    ids=["spring-forward", "fall-back"],
)
def test_a_clock_change_neither_ends_nor_stretches_the_visit(
    start: datetime, jump: timedelta
) -> None:
    async def body(service: CirculationService, pad: FakePad, clock: ManualClock) -> None:
        pad.place(tag(METAI, 1))
        await service.settle()
        clock.advance(20)
        clock.set_wall(clock.now() + jump)  # the clocks change; 20 s of monotonic time passed
        await service.tick()
        assert service.view.state is not State.IDLE  # an hour forward is not an hour idle
        pad.place(tag(METAI, 1), tag(KURMELIS, 2))
        await service.settle()
        assert due_of(service, KURMELIS).date() == due_of(service, METAI).date()
        clock.advance(95)  # now truly idle longer than end_s, whatever the wall clock says
        await service.tick()
        assert service.view.state is State.IDLE

    visit(start, body)
