"""The library system and the booking system in /health and the metrics: the real SIP2
client (SC status on its own event loop, as the app's loop would run it) against the ILS
simulator going offline both ways, and the real LibCal client against its simulator."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from backend_sync.rooms.libcal_client import LibCalClient
from backend_sync.sip2.client import Sip2Client, Sip2Config
from backend_sync.sip2.connection import Endpoint, Wire
from backend_sync.sip2.mapping import Terminal
from kiosk.telemetry.exposition import build_registry, render
from kiosk.telemetry.probes import booking_probe, ils_probe
from kiosk.telemetry.registry import Telemetry
from simulators.ils.simulator import IlsSimulator
from simulators.models.rooms import RoomsModel, SimClock
from simulators.models.rooms_dataset import library_dataset
from simulators.rooms.server import LibCalSimulator

pytestmark = pytest.mark.timeout(60)
TZ = ZoneInfo("Europe/Vilnius")


@pytest.fixture
def ils() -> Iterator[tuple[IlsSimulator, Sip2Client, asyncio.AbstractEventLoop]]:
    sim = IlsSimulator(encoding="utf-8").start()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    client = Sip2Client(
        Sip2Config(
            endpoint=Endpoint(sim.host, sim.port, connect_timeout_s=2),
            wire=Wire(encoding="utf-8", timeout_s=1.0, retries=0),
            terminal=Terminal(institution="AVB", location="ABONEMENTAS"),
            username="kiosk1",
            password="demo",
            keepalive_s=0,
        )
    )
    yield sim, client, loop
    asyncio.run_coroutine_threadsafe(client.close(), loop).result(5)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()
    sim.stop()


def test_ils_online_offline_and_unreachable(ils) -> None:
    sim, client, loop = ils
    probe = ils_probe(lambda: asyncio.run_coroutine_threadsafe(client.status(), loop).result(10))
    telemetry = Telemetry("k1")
    probe(telemetry)
    assert telemetry.device("ils").state == "ok"
    sim.set_offline("status")  # the ACS answers, saying it is offline
    probe(telemetry)
    assert telemetry.device("ils").state == "down"
    assert telemetry.device("ils").reason == "the ACS reports offline"
    assert b'kiosk_device_up{device="ils",kind="ils"} 0.0' in render(build_registry(telemetry))
    sim.set_offline("refuse")  # no connection at all
    probe(telemetry)
    assert telemetry.device("ils").state == "down"
    sim.set_online()
    probe(telemetry)
    assert telemetry.device("ils").state == "ok"


def test_booking_system_unreachable_is_down() -> None:
    sim = LibCalSimulator(RoomsModel(library_dataset(SimClock(TZ)().date(), TZ), SimClock(TZ)))
    sim.start()
    client = LibCalClient(sim.url, "kiosk", "demo", tz=TZ, timeout_s=2.0, retries=0)
    try:
        telemetry = Telemetry("k1")
        probe = booking_probe(client)
        probe(telemetry)
        assert telemetry.device("booking").state == "ok"
        sim.actions()["unreachable"]({"on": True})
        probe(telemetry)
        assert telemetry.device("booking").state == "down"
        assert telemetry.health_document()["status"] == "degraded"
    finally:
        client.close()
        sim.stop()


def test_outbox_depth_and_age_from_the_sqlite_store(tmp_path) -> None:
    from datetime import datetime

    from backend_sync.store.database import open_store
    from backend_sync.store.outbox import OutboxStore
    from kiosk.core.outbox import EntryKind, OutboxEntry
    from kiosk.telemetry.probes import outbox_probe

    store = OutboxStore(open_store(tmp_path / "store.sqlite"))
    telemetry = Telemetry("k1")
    now = datetime(2026, 11, 25, 12, 0)
    probe = outbox_probe(store.summary, lambda: now)
    probe(telemetry)
    assert (telemetry.snapshot().outbox_depth, telemetry.snapshot().outbox_oldest_age_s) == (
        0,
        None,
    )
    for minute, item in ((0, "111"), (30, "222")):
        entry = OutboxEntry(
            f"k1-{item}", EntryKind.CHECKIN, {"item_id": item}, datetime(2026, 11, 25, 10, minute)
        )
        assert store.add(entry)
    probe(telemetry)
    text = render(build_registry(telemetry))
    assert b"kiosk_outbox_depth 2.0" in text
    assert b"kiosk_outbox_oldest_age_seconds 7200.0" in text  # past the one-hour alert


def test_smtp_server_up_then_gone() -> None:
    import socket

    from aiosmtpd.controller import Controller

    from backend_sync.notify.smtp_sender import SmtpOptions, SmtpSender
    from kiosk.telemetry.probes import smtp_probe

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            return "250 OK"

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    server = Controller(Sink(), hostname="127.0.0.1", port=port)
    server.start()
    telemetry = Telemetry("k1")
    probe = smtp_probe(SmtpSender(SmtpOptions("127.0.0.1", port, security="none", timeout_s=2)))
    try:
        probe(telemetry)
        health = telemetry.device("smtp")
        assert health is not None and health.state == "ok"
    finally:
        server.stop()
    probe(telemetry)
    health = telemetry.device("smtp")
    assert health is not None and health.state == "down" and "not reachable" in health.reason
    assert "kiosk_device_up" in render(build_registry(telemetry)).decode()
