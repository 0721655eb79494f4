"""The Prometheus exposition: names, types and labels as documented, parsed back with
prometheus-client's own parser; a private registry per Telemetry; no patron data."""

from __future__ import annotations

from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from kiosk.core.health import DeviceHealth, DeviceKind, DeviceState, PaperState, SessionEnd
from kiosk.telemetry.exposition import build_registry, render
from kiosk.telemetry.registry import Telemetry


def samples(telemetry: Telemetry) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = render(build_registry(telemetry, "0.1.0")).decode()
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def busy_kiosk() -> Telemetry:
    t = Telemetry("centras-1", clock=lambda: 500.0, restarts=2)
    t.report(DeviceHealth("printer", DeviceKind.PRINTER, DeviceState.DEGRADED, "paper out"))
    t.report(DeviceHealth("board-b1", DeviceKind.LOCK_BOARD, DeviceState.DOWN, "timeout"))
    t.report(DeviceHealth("ils", DeviceKind.ILS, DeviceState.OK))
    t.printer_paper(PaperState.OUT)
    for _ in range(3):
        t.transaction("checkout", "ok")
    t.transaction("checkin", "refused")
    t.refused("patron_blocked")
    t.session_ended(SessionEnd.DONE)
    t.session_ended(SessionEnd.TIMEOUT)
    t.door_code_lockout()
    t.outbox(4, 3700.0)
    t.lockers(5, 16, {"door_forced": (1, 3), "door_left_open": (0, 1)})
    return t


def test_counts_and_states() -> None:
    got = samples(busy_kiosk())
    assert got[("kiosk_transactions_total", (("kind", "checkout"), ("result", "ok")))] == 3
    assert got[("kiosk_transactions_total", (("kind", "checkin"), ("result", "refused")))] == 1
    assert got[("kiosk_refusals_total", (("reason", "patron_blocked"),))] == 1
    assert got[("kiosk_sessions_total", (("reason", "timeout"),))] == 1
    assert got[("kiosk_door_code_lockouts_total", ())] == 1
    assert got[("kiosk_outbox_depth", ())] == 4
    assert got[("kiosk_outbox_oldest_age_seconds", ())] == 3700
    assert got[("kiosk_locker_compartments_occupied", ())] == 5
    assert got[("kiosk_locker_alarms_active", (("kind", "door_forced"),))] == 1
    assert got[("kiosk_locker_alarms_total", (("kind", "door_left_open"),))] == 1
    assert got[("kiosk_printer_paper", (("state", "out"),))] == 1
    assert got[("kiosk_printer_paper", (("state", "ok"),))] == 0
    assert got[("kiosk_device_up", (("device", "board-b1"), ("kind", "lock_board")))] == 0
    assert got[("kiosk_device_up", (("device", "printer"), ("kind", "printer")))] == 1
    key = (
        "kiosk_device_state",
        (("device", "printer"), ("kind", "printer"), ("state", "degraded")),
    )
    assert got[key] == 1
    assert got[("kiosk_health_status", (("status", "degraded"),))] == 1
    assert got[("kiosk_restarts_total", ())] == 2
    assert got[("kiosk_info", (("kiosk_id", "centras-1"), ("version", "0.1.0")))] == 1


def test_empty_outbox_has_age_zero() -> None:
    t = Telemetry("k1")
    t.outbox(0, 99.0)
    assert samples(t)[("kiosk_outbox_oldest_age_seconds", ())] == 0


def test_private_registry_not_the_global_one() -> None:
    t = Telemetry("k-private")
    build_registry(t)
    assert "kiosk-private" not in render(REGISTRY).decode()
    assert b"k-private" not in render(REGISTRY)


def test_names_follow_conventions() -> None:
    text = render(build_registry(busy_kiosk())).decode()
    for family in text_string_to_metric_families(text):
        assert family.name.startswith(("kiosk", "process_")), family.name
        assert family.name == family.name.lower()
        if family.type == "counter":
            assert all(s.name.endswith(("_total", "_created")) for s in family.samples)
        for s in family.samples:
            assert "instance" not in s.labels and "job" not in s.labels  # Prometheus adds them


def test_reasons_stay_out_of_labels() -> None:
    """Free text (a device's reason) goes to /health only; labels are closed vocabularies."""
    t = Telemetry("k1")
    t.report(DeviceHealth("printer", DeviceKind.PRINTER, DeviceState.DOWN, "card 12345678"))
    assert "12345678" not in render(build_registry(t)).decode()
