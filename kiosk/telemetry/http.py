"""The kiosk's monitoring endpoint: ``GET /metrics`` (Prometheus text format) and
``GET /health`` (JSON summary for load balancers and scripts), on ``[metrics] listen``.

/health answers 200 while the kiosk is ok or degraded and 503 when it is down, so a plain
HTTP check tells "serving" from "not serving". With a ``token`` every request must carry
``Authorization: Bearer TOKEN`` (compared in constant time) or gets 401. Runs in a daemon
thread; never blocks the app's event loop and never serves anything but these two paths.
"""

from __future__ import annotations

import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CollectorRegistry

from kiosk.telemetry.exposition import CONTENT_TYPE_LATEST, render
from kiosk.telemetry.registry import Telemetry


class MetricsServer:
    def __init__(
        self,
        telemetry: Telemetry,
        registry: CollectorRegistry,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str = "",
    ) -> None:
        handler = _handler(telemetry, registry, token)
        server_class = _server_class(host)
        self._httpd = server_class((host, port), handler)
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{f'[{host}]' if ':' in str(host) else host}:{port}"

    def start(self) -> MetricsServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="kiosk-metrics", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(5)


def _server_class(host: str) -> type[ThreadingHTTPServer]:
    if ":" not in host:
        return ThreadingHTTPServer

    class V6Server(ThreadingHTTPServer):
        address_family = socket.AF_INET6

    return V6Server


def _handler(
    telemetry: Telemetry, registry: CollectorRegistry, token: str
) -> type[BaseHTTPRequestHandler]:
    expected = f"Bearer {token}".encode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # scrapes every 15 s: quiet
            return

        def _send(self, code: int, body: bytes, content_type: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            if code == 401:
                self.send_header("WWW-Authenticate", 'Bearer realm="kiosk"')
            self.end_headers()
            self.wfile.write(body)

        def _authorised(self) -> bool:
            if not token:
                return True
            given = (self.headers.get("Authorization") or "").encode()
            return hmac.compare_digest(given, expected)

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if not self._authorised():
                self._send(401, b'{"error": "bearer token required"}\n', "application/json")
            elif path == "/metrics":
                self._send(200, render(registry), CONTENT_TYPE_LATEST)
            elif path == "/health":
                document = telemetry.health_document()
                code = 503 if document["status"] == "down" else 200
                body = json.dumps(document, ensure_ascii=False).encode() + b"\n"
                self._send(code, body, "application/json; charset=utf-8")
            else:
                self._send(404, b'{"error": "only /metrics and /health"}\n', "application/json")

    return Handler
