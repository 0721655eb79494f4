"""The runtime alert rules (deploy/prometheus/runtime_alerts.yml: booking system down, a crash
loop, /health down, memory growth) check and pass their promtool unit tests; every rule of both
rule files has a runbook_url naming a section of docs/operations.md that exists; the metrics
they use are exported (process_* by the kiosk's own registry); the example scrape configuration
loads them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy" / "prometheus"
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None,
    reason="promtool not installed: apt-get install prometheus (scripts/debian-packages.txt)",
)


def promtool(*args: str, cwd: Path = DEPLOY) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL is not None
    return subprocess.run(
        [PROMTOOL, *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


@needs_promtool
def test_rules_check_and_unit_tests() -> None:
    done = promtool("check", "rules", "runtime_alerts.yml")
    assert done.returncode == 0 and "SUCCESS: 4 rules found" in done.stdout, done.stdout
    done = promtool("test", "rules", "runtime_alerts_test.yml")
    assert done.returncode == 0, done.stdout + done.stderr


@needs_promtool
def test_the_example_scrape_configuration_loads_them(tmp_path: Path) -> None:
    token = tmp_path / "knygomatas.token"
    token.write_text("a-token-of-sixteen+chars\n")
    config = (
        (DEPLOY / "prometheus.yml")
        .read_text()
        .replace("/etc/prometheus/knygomatas.token", str(token))
    )
    (tmp_path / "prometheus.yml").write_text(config)
    for rules in ("alerts.yml", "runtime_alerts.yml"):
        shutil.copy(DEPLOY / rules, tmp_path / rules)
    done = promtool("check", "config", "prometheus.yml", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "runtime_alerts.yml" in done.stdout + done.stderr


def operations_anchors() -> set[str]:
    """GitHub's anchors for the headings of docs/operations.md."""
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    headings = re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in headings}


@pytest.mark.parametrize(("rules", "count"), [("runtime_alerts.yml", 4), ("alerts.yml", 14)])
def test_every_rule_has_a_runbook_section(rules: str, count: int) -> None:
    text = (DEPLOY / rules).read_text(encoding="utf-8")
    alerts = re.findall(r"- alert: (\w+)", text)
    runbooks = re.findall(r'runbook_url: "docs/operations\.md#([\w-]+)"', text)
    assert len(alerts) == len(runbooks) >= count
    assert [a.lower() for a in alerts] == runbooks
    assert set(runbooks) <= operations_anchors()


def test_the_metrics_they_use_are_exported() -> None:
    from kiosk.core.health import DeviceHealth, DeviceKind, DeviceState
    from kiosk.telemetry.exposition import build_registry, render
    from kiosk.telemetry.registry import Telemetry

    telemetry = Telemetry("k1", restarts=2)
    telemetry.report(DeviceHealth("booking", DeviceKind.BOOKING, DeviceState.DOWN, "no answer"))
    exported = render(build_registry(telemetry)).decode()
    for sample in ('kiosk_device_up{device="booking",kind="booking"} 0.0',
                   "kiosk_restarts_total 2.0", 'kiosk_health_status{status="degraded"} 1.0',
                   "process_resident_memory_bytes ", "process_cpu_seconds_total ",
                   "process_open_fds "):  # fmt: skip
        assert sample in exported, sample
