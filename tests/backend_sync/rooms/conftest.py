"""Fixtures for the rooms backend: the LibCal simulator on a free loopback port, a client."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from backend_sync.rooms.libcal_client import LibCalClient
from simulators.models.rooms import RoomsModel, SimClock
from simulators.models.rooms_dataset import library_dataset
from simulators.rooms.server import LibCalSimulator

TZ = ZoneInfo("Europe/Vilnius")
NOW = datetime(2026, 11, 25, 10, 10, tzinfo=TZ)


@pytest.fixture
def clock() -> SimClock:
    return SimClock(TZ, NOW)


@pytest.fixture
def sim(clock: SimClock):
    simulator = LibCalSimulator(RoomsModel(library_dataset(NOW.date(), TZ), clock)).start()
    yield simulator
    simulator.stop()


def rules_of(sim: LibCalSimulator):
    by_cid = {c.cid: c.rules for c in sim.model.data.categories}
    return lambda cid: by_cid[cid]


@pytest.fixture
def client(sim: LibCalSimulator):
    sleeps: list[float] = []
    made = LibCalClient(
        sim.url,
        "kiosk",
        "demo",
        tz=TZ,
        rules_for=rules_of(sim),
        timeout_s=5.0,
        retries=2,
        backoff_s=0.5,
        sleep=sleeps.append,
    )
    made.sleeps = sleeps  # type: ignore[attr-defined]
    yield made
    made.close()
