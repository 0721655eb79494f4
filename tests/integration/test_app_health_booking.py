"""The running kiosk's /health probes the booking system (LibCal), as `kiosk monitor` does and
docs/operations.md says: build_kiosk against the whole fleet, /health read over HTTP."""

from __future__ import annotations

import asyncio
import json
import urllib.request

from kiosk.wiring.assembly import Kiosk
from simulators.fleet import Fleet

from . import test_kiosk_wiring as wiring
from .test_kiosk_wiring import control, until, visit

fleet = wiring.fleet  # the wiring tests' fixture: the whole fleet on free ports


def health(kiosk: Kiosk) -> dict:
    with urllib.request.urlopen(f"{kiosk.monitoring.url}/health", timeout=10) as answer:
        return json.loads(answer.read())


def test_the_apps_health_asks_the_booking_system(fleet: Fleet) -> None:
    async def body(kiosk: Kiosk) -> None:
        telemetry = kiosk.monitoring.telemetry
        await until(lambda: "booking" in telemetry.health_document()["devices"], "booking")
        document = await asyncio.to_thread(health, kiosk)
        assert document["devices"]["booking"]["state"] == "ok", document
        rooms = control(fleet, "rooms")
        await asyncio.to_thread(rooms.call, "unreachable", on=True)
        try:
            await asyncio.to_thread(kiosk.monitoring.poller.run_once)
            document = await asyncio.to_thread(health, kiosk)
        finally:
            await asyncio.to_thread(rooms.call, "reset_faults")
        assert document["devices"]["booking"]["state"] == "down"
        assert any(reason.startswith("booking: down") for reason in document["reasons"])

    visit(fleet.kiosk_settings(), body)
