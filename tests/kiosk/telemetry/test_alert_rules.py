"""The example Prometheus rules and scrape configuration validate with promtool, and the
rules' unit tests (deploy/prometheus/alerts_test.yml) pass: paper out, ILS offline for 10
minutes, outbox older than an hour, door forced or left open, a board not answering."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[3] / "deploy" / "prometheus"
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None,
    reason="promtool not installed: apt-get install prometheus (scripts/debian-packages.txt)",
)


def _promtool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL is not None
    return subprocess.run(
        [PROMTOOL, *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


@needs_promtool
def test_rules_check() -> None:
    done = _promtool("check", "rules", "alerts.yml", cwd=DEPLOY)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 14 rules found" in done.stdout


@needs_promtool
def test_rules_unit_tests() -> None:
    done = _promtool("test", "rules", "alerts_test.yml", cwd=DEPLOY)
    assert done.returncode == 0, done.stdout + done.stderr


@needs_promtool
def test_scrape_config_checks(tmp_path: Path) -> None:
    token = tmp_path / "knygomatas.token"
    token.write_text("a-token-of-sixteen+chars\n")
    config = (DEPLOY / "prometheus.yml").read_text()
    assert "/etc/prometheus/knygomatas.token" in config
    (tmp_path / "prometheus.yml").write_text(
        config.replace("/etc/prometheus/knygomatas.token", str(token))
    )
    shutil.copy(DEPLOY / "alerts.yml", tmp_path / "alerts.yml")
    done = _promtool("check", "config", "prometheus.yml", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_alerted_metric_is_exported() -> None:
    """A rule on a metric name the kiosk does not export would never fire."""
    from kiosk.core.health import DeviceHealth, DeviceKind, DeviceState, PaperState
    from kiosk.telemetry.exposition import build_registry, render
    from kiosk.telemetry.registry import Telemetry

    telemetry = Telemetry("k1")
    telemetry.report(DeviceHealth("ils", DeviceKind.ILS, DeviceState.OK))
    telemetry.printer_paper(PaperState.OK)
    telemetry.outbox(0, None)
    telemetry.lockers(0, 1, {"door_forced": (0, 0)})
    telemetry.registrations_pending(0, None)
    exported = render(build_registry(telemetry)).decode()
    rules = (DEPLOY / "alerts.yml").read_text()
    for name in ("kiosk_printer_paper", "kiosk_device_up", "kiosk_outbox_oldest_age_seconds",
                 "kiosk_locker_alarms_active", "kiosk_outbox_depth",
                 "kiosk_registrations_pending_oldest_age_seconds",
                 "kiosk_registrations_pending"):  # fmt: skip
        assert name in rules
        assert f"\n{name}" in exported or f"{name}{{" in exported, name
