"""The booking-system simulator: its model's rules, and the LibCal wire face with its control
API and command line."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from kiosk.cli import main
from kiosk.core.rooms.model import CANCELLED_BY_SYSTEM, Patron
from simulators.control import ControlClient, ControlServer
from simulators.models.rooms import ModelNotFound, ModelRefusal, RoomsModel, SimClock
from simulators.models.rooms_dataset import large_dataset, library_dataset
from simulators.rooms.server import LibCalSimulator

TZ = ZoneInfo("Europe/Vilnius")
NOW = datetime(2026, 11, 25, 10, 10, tzinfo=TZ)
ONA = Patron("LT1", "Ona", "Onaitė", "ona.m@example.lt")


def at(hour: int, minute: int = 0) -> datetime:
    return NOW.replace(hour=hour, minute=minute)


@pytest.fixture
def model() -> RoomsModel:
    return RoomsModel(library_dataset(NOW.date(), TZ), SimClock(TZ, NOW))


@pytest.fixture
def sim(model: RoomsModel):
    simulator = LibCalSimulator(model).start()
    yield simulator
    simulator.stop()


def test_free_slots_follow_hours_grid_bookings_and_now(model: RoomsModel) -> None:
    slots = model.free_slots(301, NOW.date())
    assert slots[0].start == at(10) and slots[-1].end == at(20)
    assert all((s.end - s.start) == timedelta(minutes=30) for s in slots)
    arts = model.free_slots(321, NOW.date())
    assert all((s.end - s.start) == timedelta(hours=1) for s in arts)
    sunday = NOW.date() + timedelta(days=4)
    assert model.hours(101, sunday).opens.hour == 10
    assert model.free_slots(301, NOW.date() + timedelta(days=30)) == ()


def test_the_model_enforces_the_rules(model: RoomsModel) -> None:
    model.reserve(ONA, 321, at(11), at(12))
    with pytest.raises(ModelRefusal, match="too_many_bookings"):
        model.reserve(ONA, 321, at(14), at(15))
    model.reserve(Patron("LT2", "Jonas", "J", "j.m@example.lt"), 302, at(10), at(11))
    with pytest.raises(ModelRefusal, match="not_free"):
        model.reserve(ONA, 302, at(10), at(11))
    with pytest.raises(ModelNotFound):
        model.cancel("cs_NOPE")


def test_no_shows_are_released_and_check_in_is_idempotent(model: RoomsModel) -> None:
    kept = model.reserve(ONA, 302, at(10), at(11))
    dropped = model.reserve(ONA, 303, at(10), at(11))
    model.check_in(kept.booking_id)
    assert model.check_in(kept.booking_id).checked_in
    model.clock.set(at(10, 15))
    states = {b.booking_id: b.status for b in model.bookings(NOW.date())}
    assert states[dropped.booking_id] == CANCELLED_BY_SYSTEM
    assert states[kept.booking_id] == "Confirmed"
    assert any(s.start == at(10) for s in model.free_slots(303, NOW.date()))


def test_large_dataset_has_what_was_asked() -> None:
    data = large_dataset(NOW.date(), TZ, spaces=50, bookings=2000)
    assert len(data.spaces) == 50 and len(data.bookings) == 2000
    with pytest.raises(ValueError):
        large_dataset(NOW.date(), TZ, spaces=1, bookings=100)


def _token(sim: LibCalSimulator) -> str:
    reply = requests.post(
        f"{sim.url}/1.1/oauth/token",
        data={"client_id": "kiosk", "client_secret": "demo", "grant_type": "client_credentials"},
        timeout=5,
    )
    assert reply.status_code == 200
    return reply.json()["access_token"]


def test_wire_needs_a_token_and_speaks_libcal_shapes(sim: LibCalSimulator) -> None:
    assert requests.get(f"{sim.url}/1.1/space/locations", timeout=5).status_code == 401
    bad = requests.post(f"{sim.url}/1.1/oauth/token", data={"client_id": "x"}, timeout=5)
    assert bad.status_code == 400
    auth = {"Authorization": f"Bearer {_token(sim)}"}
    item = requests.get(
        f"{sim.url}/1.1/space/item/301,321?availability=2026-11-25", headers=auth, timeout=5
    ).json()
    assert [i["id"] for i in item] == [301, 321] and item[0]["groupId"] == 201
    assert item[0]["availability"][0] == {
        "from": "2026-11-25T10:00:00+02:00",
        "to": "2026-11-25T10:30:00+02:00",
    }
    hours = requests.get(f"{sim.url}/1.1/hours/101", headers=auth, timeout=5).json()
    assert hours[0]["dates"]["2026-11-25"]["hours"] == [{"from": "8:00am", "to": "8:00pm"}]
    missing = requests.get(f"{sim.url}/1.1/space/nothing", headers=auth, timeout=5)
    assert missing.status_code == 404
    refused = requests.post(
        f"{sim.url}/1.1/space/reserve",
        headers=auth,
        timeout=5,
        json={
            "start": "2026-11-25T10:00:00+02:00",
            "fname": "O",
            "lname": "O",
            "email": "o@e.lt",
            "bookings": [{"id": 301, "to": "2026-11-25T17:00:00+02:00"}],
        },
    )
    assert refused.status_code == 400 and "too_long" in refused.json()["errors"][0]


def test_control_api_and_command_line(sim: LibCalSimulator, capsys) -> None:
    control = ControlServer(sim.actions()).start()
    try:
        client = ControlClient(control.url)
        assert client.call("status")["spaces"] == 8
        assert main(["sim", "rooms", "fail", "--control", control.url, "--count", "2"]) == 0
        assert json.loads(capsys.readouterr().out)["fail_next"] == 2
        assert (
            main(["sim", "rooms", "set-time", "--control", control.url, "--at", "2026-11-25T12:00"])
            == 0
        )
        assert sim.model.now() == at(12)
        assert main(["sim", "rooms", "reset-faults", "--control", control.url]) == 0
        assert sim.faults.fail_next == 0
        assert main(["sim", "rooms", "slow", "--control", control.url, "--delay-s", "500"]) == 2
        assert "delay_s" in capsys.readouterr().err
    finally:
        control.stop()
    assert main(["sim", "rooms", "status", "--control", control.url]) == 3
    assert "not reachable" in capsys.readouterr().err


def test_kiosk_sim_rooms_serves_until_stopped(tmp_path) -> None:
    import subprocess
    import sys

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "sim",
            "rooms",
            "--port",
            "0",
            "--at",
            "2026-11-25T10:10",
            "--client-secret",
            "s3",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        urls = json.loads(process.stdout.readline())
        assert ControlClient(urls["control"]).call("status")["now"] == "2026-11-25T10:10:00+02:00"
        token = requests.post(
            f"{urls['rooms']}/oauth/token",
            timeout=5,
            data={"client_id": "kiosk", "client_secret": "s3", "grant_type": "client_credentials"},
        )
        assert token.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
