"""The help alerts (deploy/prometheus/help_alerts.yml) check and pass their promtool unit tests,
the example scrape configuration loads them, their runbook sections exist in docs/ui.md, and
kiosk_help_requests_total is exported by HelpMetrics with every result from the start."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.exposition import generate_latest

from kiosk.telemetry.help import HelpMetrics

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
    done = promtool("check", "rules", "help_alerts.yml")
    assert done.returncode == 0 and "SUCCESS: 2 rules found" in done.stdout, done.stdout
    done = promtool("test", "rules", "help_alerts_test.yml")
    assert done.returncode == 0, done.stdout + done.stderr


@needs_promtool
def test_the_example_scrape_configuration_loads_them(tmp_path: Path) -> None:
    token = tmp_path / "knygomatas.token"
    token.write_text("a-token-of-sixteen+chars\n")
    config = (DEPLOY / "prometheus.yml").read_text()
    config = config.replace("/etc/prometheus/knygomatas.token", str(token))
    (tmp_path / "prometheus.yml").write_text(config)
    for rules in ("alerts.yml", "runtime_alerts.yml", "help_alerts.yml"):
        shutil.copy(DEPLOY / rules, tmp_path / rules)
    done = promtool("check", "config", "prometheus.yml", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "help_alerts.yml" in done.stdout + done.stderr


def test_every_rule_has_a_runbook_section_in_the_ui_docs() -> None:
    text = (DEPLOY / "help_alerts.yml").read_text(encoding="utf-8")
    alerts = re.findall(r"- alert: (\w+)", text)
    runbooks = re.findall(r'runbook_url: "docs/ui\.md#([\w-]+)"', text)
    assert [a.lower() for a in alerts] == runbooks
    headings = re.findall(r"^#+ (.+)$", (ROOT / "docs" / "ui.md").read_text(), re.MULTILINE)
    anchors = {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in headings}
    assert set(runbooks) <= anchors


def test_the_counter_is_exported_with_every_result() -> None:
    registry = CollectorRegistry()
    metrics = HelpMetrics().add_to(registry)
    metrics.help_request("called")
    metrics.help_request("called")
    metrics.help_request("already_called")
    exported = generate_latest(registry).decode()
    assert 'kiosk_help_requests_total{result="called"} 2.0' in exported
    assert 'kiosk_help_requests_total{result="already_called"} 1.0' in exported
    assert 'kiosk_help_requests_total{result="failed"} 0.0' in exported
    with pytest.raises(ValueError, match="not a help call result"):
        metrics.help_request("patron 20001234567")
