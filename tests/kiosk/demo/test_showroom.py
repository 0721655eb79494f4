"""`kiosk run --demo-session`'s showroom: the real kiosk (kiosk.wiring.assembly.build_kiosk) on the
ILS
simulator started in this process, with no devices and nothing kept. A patron signs in through
the UI's own port and the real core answers over SIP2; the room screens sit on the booking
system's fake."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.core.clock import ManualClock
from kiosk.demo.showroom import DEVICE_TABLES, showroom_rooms, showroom_settings
from kiosk.settings.loader import load_settings
from kiosk.ui.presenters.intents import CardPresented, PinEntered, StartTapped
from kiosk.ui.presenters.views import Screen
from kiosk.wiring.assembly import build_kiosk
from kiosk.wiring.library import library_from
from kiosk.wiring.loop_bridge import LoopBridge
from kiosk.wiring.room_desk import IlsPatrons

ROOT = Path(__file__).resolve().parents[3]
ONA, ONA_PIN = "2100000001", "1234"  # simulators/ils/data/demo_library.json


async def until(ready, what: str, timeout_s: float = 15.0) -> None:
    for _ in range(int(timeout_s / 0.02)):
        if ready():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.timeout(60)
def test_the_showroom_signs_a_patron_in_on_the_real_core() -> None:
    configured = load_settings(ROOT / "config" / "demo.toml")

    async def visit() -> None:
        with showroom_settings(configured) as settings:
            assert all(getattr(settings, table) is None for table in DEVICE_TABLES)
            assert settings.ils is not None and settings.ils.host == "127.0.0.1"
            assert not Path(settings.kiosk.data_dir).is_relative_to(ROOT)
            clock = ManualClock(datetime(2026, 11, 25, 12, 0))
            async with build_kiosk(settings, clock=clock) as kiosk:
                port = kiosk.port
                port.send(StartTapped())
                port.send(CardPresented(ONA))
                await until(lambda: port.state().view.card_seen, "the PIN step")
                port.send(PinEntered(ONA_PIN))
                await until(lambda: port.state().screen is Screen.CIRCULATION, "borrowing")
                assert kiosk.service.view.state.name == "WORKING"  # signed in, borrowing

    asyncio.run(visit())


def test_the_showrooms_rooms_are_the_booking_systems_fake() -> None:
    configured = load_settings(ROOT / "config" / "demo.toml")
    with showroom_settings(configured) as settings:
        bridge = LoopBridge.own_loop("showroom-test")
        library = library_from(settings)
        try:
            rooms = showroom_rooms(settings, IlsPatrons(library, bridge))
            now = datetime.now(rooms.bookings.system.model.clock.tz)
            snapshot = rooms.bookings.snapshot(now)
            assert snapshot.spaces and rooms.refresh(now, True)
            # the room desk's patron lookup reaches the ILS through the loop bridge
            assert rooms.patrons.patron_by_card(ONA) is not None
        finally:
            bridge.run(library.close())
            bridge.close()
