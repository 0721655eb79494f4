"""An ACS that refuses the kiosk (issue 16) shows in /health and the metrics as "ils-login"
down (the KioskIlsRefusesKiosk alert's series), next to "ils" down; the probe asks every
round but the refused client sends nothing until its back-off passes (counted at the ILS
simulator), and "ils-login" comes back ok once the ACS serves again."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest

from backend_sync.sip2.client import Sip2Client, Sip2Config
from backend_sync.sip2.connection import Endpoint, Wire
from backend_sync.sip2.mapping import Terminal
from kiosk.telemetry.exposition import build_registry, render
from kiosk.telemetry.probes import ils_probe
from kiosk.telemetry.registry import Telemetry
from simulators.ils.simulator import IlsSimulator

pytestmark = pytest.mark.timeout(60)


class Clock:
    now = 50.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()


def test_refused_login_puts_ils_login_down_and_back(loop: asyncio.AbstractEventLoop) -> None:
    clock = Clock()
    with IlsSimulator(encoding="utf-8", dialect="koha") as sim:
        config = Sip2Config(
            endpoint=Endpoint(sim.host, sim.port, connect_timeout_s=2),
            wire=Wire(encoding="utf-8", timeout_s=2.0, retries=0),
            terminal=Terminal(institution="AVB", location="ABONEMENTAS"),
            username="kiosk1",
            password="not-the-password",
            keepalive_s=0,
        )
        client = Sip2Client(config, monotonic=clock)
        status = lambda: asyncio.run_coroutine_threadsafe(client.status(), loop).result(10)  # noqa: E731
        probe = ils_probe(status)
        telemetry = Telemetry("k1")
        try:
            for _ in range(10):  # ten probe rounds
                probe(telemetry)
            assert telemetry.device("ils").state == "down"
            login = telemetry.device("ils-login")
            assert login.state == "down" and "refuses this kiosk" in login.reason
            metrics = render(build_registry(telemetry))
            assert b'kiosk_device_up{device="ils-login",kind="ils"} 0.0' in metrics
            assert sim.events["login_failed"] == 1  # one try; nine rounds failed fast

            client.config = replace(config, password="demo")  # the account is fixed at the ACS
            clock.now += config.refusal_backoff_s + 1
            probe(telemetry)
            assert telemetry.device("ils").state == "ok"
            assert telemetry.device("ils-login").state == "ok"
            assert sim.events["login_ok"] == 1
        finally:
            asyncio.run_coroutine_threadsafe(client.close(), loop).result(5)


def test_ils_login_is_not_reported_before_any_refusal() -> None:
    telemetry = Telemetry("k1")

    def unreachable() -> None:
        raise TimeoutError

    ils_probe(unreachable)(telemetry)  # type: ignore[arg-type]
    assert telemetry.device("ils").state == "down"
    assert telemetry.device("ils-login") is None
