"""The /health summary rules (kiosk.core.health) and the registry's health document."""

from __future__ import annotations

import pytest

from kiosk.core.health import DeviceHealth, DeviceKind, DeviceState, SessionEnd, summarise
from kiosk.telemetry.registry import Telemetry

OK, DEGRADED, DOWN = DeviceState.OK, DeviceState.DEGRADED, DeviceState.DOWN


def dev(name: str, state: DeviceState, reason: str = "", kind=DeviceKind.PRINTER) -> DeviceHealth:
    return DeviceHealth(name, kind, state, reason)


def test_no_devices_is_ok() -> None:
    assert summarise([]).status is OK
    assert summarise([]).reasons == ()


@pytest.mark.parametrize(
    ("states", "essential", "expected"),
    [
        ({"printer": OK, "reader": OK}, {"reader"}, OK),
        ({"printer": DEGRADED, "reader": OK}, {"reader"}, DEGRADED),
        ({"printer": DOWN, "reader": OK}, {"reader"}, DEGRADED),  # not essential: serving
        ({"printer": OK, "reader": DOWN}, {"reader"}, DOWN),
        ({"printer": OK, "reader": DEGRADED}, {"reader"}, DEGRADED),
        ({"printer": DOWN, "reader": DOWN}, set(), DEGRADED),
    ],
)
def test_summary_rules(states, essential, expected) -> None:
    devices = [dev(name, state) for name, state in states.items()]
    assert summarise(devices, essential).status is expected


def test_reasons_name_device_state_and_detail_in_stable_order() -> None:
    summary = summarise([dev("reader", DOWN, "no answer"), dev("printer", DEGRADED, "paper out")])
    assert summary.reasons == ("printer: degraded (paper out)", "reader: down (no answer)")


def test_registry_keeps_the_latest_report_per_device() -> None:
    telemetry = Telemetry("k1", essential={"reader"}, clock=lambda: 100.0)
    telemetry.report(dev("printer", DEGRADED, "paper out"))
    telemetry.report(dev("printer", OK))
    telemetry.report(dev("reader", DOWN, "unplugged", DeviceKind.READER))
    document = telemetry.health_document()
    assert document["status"] == "down"
    assert document["reasons"] == ["reader: down (unplugged)"]
    assert document["devices"]["printer"] == {"kind": "printer", "state": "ok", "reason": ""}
    telemetry.forget("reader")
    assert telemetry.health_document()["status"] == "ok"


def test_uptime_from_the_injected_clock() -> None:
    now = [1000.0]
    telemetry = Telemetry("k1", clock=lambda: now[0])
    now[0] = 1042.5
    assert telemetry.health_document()["uptime_s"] == 42.5


def test_session_end_reason_must_be_known() -> None:
    telemetry = Telemetry("k1")
    telemetry.session_ended(SessionEnd.TIMEOUT)
    with pytest.raises(ValueError):
        telemetry.session_ended("pin-1234")  # type: ignore[arg-type]
    assert telemetry.snapshot().sessions == {"timeout": 1}


def test_negative_outbox_depth_is_refused() -> None:
    with pytest.raises(ValueError):
        Telemetry("k1").outbox(-1, None)
