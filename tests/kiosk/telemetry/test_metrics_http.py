"""The /metrics and /health endpoint over real loopback HTTP: content types, the bearer
token (401 without it), 503 when the kiosk is down, 404 elsewhere; built from [metrics]."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.core.health import DeviceHealth, DeviceKind, DeviceState
from kiosk.settings import Settings
from kiosk.telemetry.endpoint import MonitoringEndpoint, count_start
from kiosk.telemetry.exposition import build_registry
from kiosk.telemetry.http import MetricsServer
from kiosk.telemetry.registry import Telemetry

TOKEN = "s3cret-token-for-tests"


def get(url: str, token: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture
def served() -> Iterator[tuple[Telemetry, MetricsServer]]:
    telemetry = Telemetry("k1", essential={"reader"})
    server = MetricsServer(telemetry, build_registry(telemetry), "127.0.0.1", 0).start()
    yield telemetry, server
    server.stop()


def test_metrics_and_health(served) -> None:
    telemetry, server = served
    telemetry.report(DeviceHealth("printer", DeviceKind.PRINTER, DeviceState.DEGRADED, "paper out"))
    status, headers, body = get(server.url + "/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=")
    assert b'kiosk_device_up{device="printer",kind="printer"} 1.0' in body
    status, headers, body = get(server.url + "/health")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    document = json.loads(body)
    assert document["status"] == "degraded"
    assert document["reasons"] == ["printer: degraded (paper out)"]


def test_down_answers_503(served) -> None:
    telemetry, server = served
    telemetry.report(DeviceHealth("reader", DeviceKind.READER, DeviceState.DOWN, "unplugged"))
    status, _, body = get(server.url + "/health")
    assert status == 503
    assert json.loads(body)["status"] == "down"


def test_unknown_path_is_404(served) -> None:
    _, server = served
    assert get(server.url + "/admin")[0] == 404


def test_token_required_when_set() -> None:
    telemetry = Telemetry("k1")
    server = MetricsServer(telemetry, build_registry(telemetry), "127.0.0.1", 0, TOKEN).start()
    try:
        status, headers, _ = get(server.url + "/metrics")
        assert status == 401
        assert headers["WWW-Authenticate"].startswith("Bearer")
        assert get(server.url + "/health", "wrong-token-of-some-length")[0] == 401
        assert get(server.url + "/metrics", TOKEN)[0] == 200
        assert get(server.url + "/health", TOKEN)[0] == 200
    finally:
        server.stop()


def test_off_by_default_and_on_with_listen(tmp_path: Path) -> None:
    off = MonitoringEndpoint.from_settings(Settings(), data_dir=tmp_path).start()
    try:
        assert off.url is None
    finally:
        off.stop()
    settings = Settings.model_validate(
        {"kiosk": {"id": "centras-1"}, "metrics": {"listen": "127.0.0.1:0", "token": TOKEN}}
    )
    on = MonitoringEndpoint.from_settings(settings, data_dir=tmp_path).start()
    try:
        assert on.url is not None
        status, _, body = get(on.url + "/metrics", TOKEN)
        assert status == 200
        assert b'kiosk_info{kiosk_id="centras-1"' in body
        assert b"kiosk_restarts_total 1.0" in body  # the second start on this data dir
    finally:
        on.stop()


def test_restarts_counted_across_starts(tmp_path: Path) -> None:
    assert [count_start(tmp_path) for _ in range(3)] == [0, 1, 2]
    (tmp_path / "telemetry-starts").write_text("garbage")
    assert count_start(tmp_path) == 0


def test_ipv6_listen() -> None:
    import socket

    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    telemetry = Telemetry("k1")
    try:
        server = MetricsServer(telemetry, build_registry(telemetry), "::1", 0).start()
    except OSError as exc:
        pytest.skip(f"no IPv6 loopback here: {exc}")
    try:
        assert server.url.startswith("http://[::1]:")
        assert get(server.url + "/health")[0] == 200
    finally:
        server.stop()
