"""The headphone jack's health on /health: the real HeadphoneJack on a FIFO (os.mkfifo, as
`kiosk sim jack` uses) reports through kiosk/wiring/jack_health.py into the telemetry registry
that serves /health and /metrics: listening is ok, a node that does not exist is degraded with
the driver's reason (never down: the kiosk still serves everyone), detection off says nothing."""

from __future__ import annotations

import os
import time
from pathlib import Path

from device_drivers.speech.jack import HeadphoneJack, JackHealth
from kiosk.core.health import DeviceKind, DeviceState
from kiosk.telemetry.registry import Telemetry
from kiosk.wiring.jack_health import DEVICE, jack_device_health, jack_health_reporter


def wait_for(condition, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


def devices(telemetry: Telemetry) -> dict:
    return telemetry.health_document()["devices"]


def test_a_listening_jack_is_ok_on_health(tmp_path: Path) -> None:
    fifo = tmp_path / "jack"
    os.mkfifo(fifo)
    telemetry = Telemetry("k1")
    jack = HeadphoneJack(
        str(fifo), on_change=lambda plugged: None, on_health=jack_health_reporter(telemetry)
    ).start()
    try:
        wait_for(lambda: DEVICE in devices(telemetry))
        entry = devices(telemetry)[DEVICE]
        assert entry["state"] == "ok" and entry["kind"] == "audio"
        assert telemetry.health_document()["status"] == "ok"
    finally:
        jack.close()


def test_a_missing_jack_is_degraded_with_the_reason(tmp_path: Path) -> None:
    telemetry = Telemetry("k1")
    jack = HeadphoneJack(
        str(tmp_path / "event99"),
        on_change=lambda plugged: None,
        on_health=jack_health_reporter(telemetry),
        retry_s=60,
    ).start()
    try:
        wait_for(lambda: DEVICE in devices(telemetry))
        entry = devices(telemetry)[DEVICE]
        assert entry["state"] == "degraded" and "does not exist" in entry["reason"]
        assert telemetry.health_document()["status"] == "degraded"
    finally:
        jack.close()


def test_each_jack_state_maps_to_a_device_state() -> None:
    assert jack_device_health(JackHealth("off")) is None
    listening = jack_device_health(JackHealth("listening", "/dev/input/event5"))
    assert listening is not None and listening.state is DeviceState.OK
    assert listening.kind is DeviceKind.AUDIO
    none = jack_device_health(JackHealth("no-jack"))
    assert none is not None and (none.state, none.reason) == (DeviceState.DEGRADED, "no jack found")
