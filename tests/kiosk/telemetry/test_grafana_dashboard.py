"""The Grafana dashboard (deploy/grafana/knygomatas-fleet.json) against the real Prometheus
(Debian package `prometheus`): two kiosks' real metrics endpoints (the MetricsServer and
registry the app serves, filled as a busy kiosk's with payments) are scraped every second with
the target labels of the example scrape configuration; then every panel's query and every
template variable is evaluated through Prometheus' HTTP API, and each must return data."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.core.health import SessionEnd
from kiosk.telemetry.bench import busy_kiosk
from kiosk.telemetry.exposition import build_registry
from kiosk.telemetry.http import MetricsServer
from kiosk.telemetry.payments import PaymentMetrics

ROOT = Path(__file__).resolve().parents[3]
DASHBOARD = ROOT / "deploy" / "grafana" / "knygomatas-fleet.json"
PROMETHEUS = shutil.which("prometheus")
pytestmark = pytest.mark.timeout(90)
VARIABLES = {"$__rate_interval": "20s", "$__range": "5m", "$kiosk": ".*", "$branch": ".*"}


def panels(dashboard: dict) -> list[dict]:
    found = []
    for panel in dashboard["panels"]:
        found += [panel, *panel.get("panels", [])]
    return [p for p in found if p["type"] != "row"]


def test_the_dashboard_is_well_formed() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert dashboard["uid"] == "knygomatas-fleet" and dashboard["schemaVersion"] >= 36
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    titles = " ".join(p["title"] for p in panels(dashboard)).lower()
    for topic in ("sessions", "loans", "refusals", "outbox", "device", "paper", "locker occupancy",
                  "alarms", "payments", "memory"):  # fmt: skip
        assert topic in titles, topic
    for panel in panels(dashboard):
        assert panel["datasource"]["uid"] == "${datasource}" and panel["targets"], panel["title"]
        assert panel["description"], panel["title"]
        for target in panel["targets"]:
            assert 'kiosk_id=~"$kiosk"' in target["expr"], target["expr"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kiosk_endpoint(name: str) -> MetricsServer:
    telemetry = busy_kiosk(boards=2, refusals=5)
    for reason in SessionEnd:
        telemetry.session_ended(reason)
    registry = build_registry(telemetry, "0.1.0")
    payments = PaymentMetrics().add_to(registry)
    for outcome in ("paid", "paid", "declined"):
        payments.payment(outcome)
    payments.reversal("reversed")
    payments.unsettled(1)
    payments.terminal(True)
    return MetricsServer(telemetry, registry).start()


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if PROMETHEUS is None:
        pytest.skip("prometheus not installed: apt-get install prometheus (debian-packages.txt)")
    work = tmp_path_factory.mktemp("prometheus")
    kiosks = [kiosk_endpoint("k1"), kiosk_endpoint("k2")]
    targets = "\n".join(
        f'      - targets: ["{k.url.split("//")[1]}"]\n'
        f'        labels: {{ kiosk_id: "k{i}", branch: "Filialas {i}" }}'
        for i, k in enumerate(kiosks, 1)
    )
    (work / "prometheus.yml").write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: knygomatas\n    static_configs:\n" + targets + "\n"
    )
    port = free_port()
    process = subprocess.Popen(
        [PROMETHEUS, f"--config.file={work / 'prometheus.yml'}",
         f"--storage.tsdb.path={work / 'data'}", f"--web.listen-address=127.0.0.1:{port}",
         "--log.level=warn"],
        stdout=subprocess.DEVNULL, stderr=(work / "prometheus.log").open("w"),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: query(url, 'count_over_time(kiosk_info{kiosk_id="k2"}[1m]) >= 4'))
        yield url
    finally:
        process.terminate()
        process.wait(20)
        for kiosk in kiosks:
            kiosk.stop()


def wait_for(ready, timeout_s: float = 40.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except OSError:
            pass  # not listening yet
        time.sleep(0.5)
    raise AssertionError("Prometheus did not scrape the kiosks in time")


def query(url: str, expr: str) -> list[dict]:
    address = f"{url}/api/v1/query?{urllib.parse.urlencode({'query': expr})}"
    with urllib.request.urlopen(address, timeout=10) as answer:
        body = json.loads(answer.read())
    assert body["status"] == "success", (expr, body)
    return body["data"]["result"]


def substituted(expr: str) -> str:
    for name, value in VARIABLES.items():
        expr = expr.replace(name, value)
    assert "$" not in expr, expr
    return expr


def test_every_panel_query_returns_data(prometheus: str) -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    empty = []
    for panel in panels(dashboard):
        for target in panel["targets"]:
            if not query(prometheus, substituted(target["expr"])):
                empty.append(f"{panel['title']}: {target['expr']}")
    assert empty == []
    # per-kiosk panels see both kiosks, through the target labels
    loans = next(p for p in panels(dashboard) if p["title"].startswith("Loans per kiosk"))
    result = query(prometheus, substituted(loans["targets"][0]["expr"]))
    assert {r["metric"]["kiosk_id"] for r in result} == {"k1", "k2"}


def test_the_template_variables_find_the_branches_and_kiosks(prometheus: str) -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    for name, label, expected in (("branch", "branch", {"Filialas 1", "Filialas 2"}),
                                  ("kiosk", "kiosk_id", {"k1", "k2"})):  # fmt: skip
        definition = variables[name]["definition"]
        match = re.fullmatch(r"label_values\((.+), (\w+)\)", definition)
        assert match is not None and match.group(2) == label, definition
        series = substituted(match.group(1))
        address = f"{prometheus}/api/v1/series?{urllib.parse.urlencode({'match[]': series})}"
        with urllib.request.urlopen(address, timeout=10) as answer:
            found = {s[label] for s in json.loads(answer.read())["data"]}
        assert found == expected
