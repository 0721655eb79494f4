"""Closed rooms on the touch screen (issue 18), end to end against the LibCal simulator over
loopback HTTP: on Sunday evening, after the library closed at 16:00, every room says "closed
today" and when it opens (Monday 08:00, in the screen's language) and no "Book" button stands
beside it; the same rooms at
10:10 on a weekday are free and bookable."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from backend_sync.rooms.cache import RoomsCache
from backend_sync.rooms.libcal_client import LibCalClient
from backend_sync.rooms.sync import CachedRooms
from kiosk.core.rooms.patrons import KnownPatrons
from kiosk.ui.presenters.views import AttractView, Screen
from kiosk.ui.rooms_session import RoomsFlow
from simulators.models.rooms import RoomsModel, SimClock
from simulators.models.rooms_dataset import library_dataset
from simulators.rooms.server import LibCalSimulator
from tests.kiosk.ui.scripted_port import ScriptedPort
from tests.kiosk.ui.test_rooms_flows import RUTA, Backend, start_app

TZ = ZoneInfo("Europe/Vilnius")
SUNDAY_EVENING = datetime(2026, 11, 29, 18, 0, tzinfo=TZ)
WEDNESDAY_MORNING = datetime(2026, 11, 25, 10, 10, tzinfo=TZ)


def _rooms(harness, tmp_path, now: datetime):
    clock = SimClock(TZ, now)
    sim = LibCalSimulator(RoomsModel(library_dataset(now.date(), TZ), clock)).start()
    rules = {c.cid: c.rules for c in sim.model.data.categories}
    client = LibCalClient(
        sim.url, "kiosk", "demo", tz=TZ, rules_for=rules.__getitem__, timeout_s=5.0, retries=0
    )
    cached = CachedRooms(
        client,
        RoomsCache(tmp_path / "rooms.sqlite"),
        refresh_every=timedelta(seconds=60),
        stale_after=timedelta(seconds=300),
    )
    inner = ScriptedPort(AttractView("B"), now.date())
    flow = RoomsFlow(inner, Backend(cached, KnownPatrons(RUTA)), clock, lambda *a: True)
    harness.app.close()
    harness.window.remove_widget(harness.root)
    harness.flow = flow
    return client, sim


@pytest.mark.parametrize(
    ("language", "closed", "opens"),
    [
        ("lt", "Šiandien uždaryta", "Atsidaro pirmadienį 08:00"),
        ("en", "Closed today", "Opens Monday 08:00"),
    ],
)
def test_a_closed_evening_shows_closed_rooms_without_a_book_button(
    harness, tmp_path, language: str, closed: str, opens: str
) -> None:
    client, sim = _rooms(harness, tmp_path, SUNDAY_EVENING)
    try:
        start_app(harness, language)
        harness.tap("rooms")
        assert harness.screen is Screen.ROOMS
        board = harness.app.screens[Screen.ROOMS]
        shown = [row for row in board.rows.rows if row.parent is not None and row.status.text]
        assert shown and all(row.status.text == closed for row in shown)
        assert all(row.detail.text.startswith(opens) for row in shown)  # the simulator's Monday
        assert all(row.action.disabled and row.action.opacity == 0 for row in shown)
        assert not any(row.bookable for row in harness.app.state.view.rows)
    finally:
        client.close()
        sim.stop()


def test_an_open_morning_still_offers_booking(harness, tmp_path) -> None:
    client, sim = _rooms(harness, tmp_path, WEDNESDAY_MORNING)
    try:
        start_app(harness, "lt")
        harness.tap("rooms")
        board = harness.app.screens[Screen.ROOMS]
        shown = [row for row in board.rows.rows if row.parent is not None and row.status.text]
        assert any(not row.action.disabled for row in shown)
        assert not any(row.status.text == "Šiandien uždaryta" for row in shown)
    finally:
        client.close()
        sim.stop()
