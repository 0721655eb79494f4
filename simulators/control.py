"""The control API every simulator exposes on loopback: small JSON over HTTP.

A simulator registers actions (``place_tag``, ``close_door``, ``paper_out`` …) as callables
taking a dict of parameters and returning a JSON-able result. ``GET /`` lists the actions,
``GET /status`` calls the action named ``status``, ``POST /ACTION`` with a JSON object body
calls ACTION. The `kiosk sim … ` command lines and the tests use ControlClient.

Loopback by default. A simulator may be bound elsewhere (``host=``) for a lab where the
kiosk runs on another machine; the control API has no password, so it then says so loudly on
stderr: anyone who can reach the port can open doors and change the ILS.
"""

from __future__ import annotations

import ipaddress
import json
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

Action = Callable[[dict[str, Any]], Any]
LOOPBACK = "127.0.0.1"


def warn_if_exposed(host: str, name: str) -> bool:
    """Print a warning on stderr when ``host`` is not a loopback address; True if it did."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        print(
            f"WARNING: {name} listens on {host}, reachable from the network, with NO "
            "authentication: anyone who can reach it can drive the simulator. Use "
            f"{LOOPBACK} unless this is an isolated lab network.",
            file=sys.stderr,
        )
    return not loopback


class ControlError(Exception):
    """A control request failed: unknown action, bad parameters, or simulator not reachable."""


class LoopbackHttpServer:
    """An HTTP server on 127.0.0.1:port (port 0 picks a free one), serving on a daemon thread;
    the control API and the HTTP simulators (LibCal, the new-books feed) are all one of these.
    ``poll_interval`` is how soon ``stop`` is noticed; ``host`` other than loopback is warned
    about on stderr (warn_if_exposed)."""

    def __init__(
        self,
        handler: type[BaseHTTPRequestHandler],
        port: int = 0,
        *,
        name: str,
        poll_interval: float = 0.5,
        host: str = LOOPBACK,
    ) -> None:
        warn_if_exposed(host, name)
        self._host = host
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        self._name = name
        self._poll_interval = poll_interval
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}"

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": self._poll_interval},
            name=self._name,
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        # shutdown() waits for serve_forever to end, forever if it is not running: a server
        # that was never started, or whose thread is gone, is only closed.
        if self._thread is not None and self._thread.is_alive():
            self._httpd.shutdown()
        self._thread = None
        self._httpd.server_close()


class ControlServer(LoopbackHttpServer):
    """Serves ``actions`` on 127.0.0.1:port in a daemon thread (port 0 picks a free one); on
    another ``host`` only with a warning on stderr."""

    def __init__(
        self, actions: Mapping[str, Action], port: int = 0, *, host: str = LOOPBACK
    ) -> None:
        self.actions = dict(actions)
        super().__init__(_handler_for(self.actions), port, name="sim-control", host=host)


def _handler_for(actions: dict[str, Action]) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet: tests and terminals
            return

        def _reply(self, code: int, body: Any) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(code)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _call(self, name: str, params: dict[str, Any]) -> None:
            action = actions.get(name)
            if action is None:
                self._reply(404, {"error": f"unknown action {name!r}", "actions": sorted(actions)})
                return
            try:
                self._reply(200, {"ok": True, "result": action(params)})
            except (KeyError, ValueError, TypeError) as exc:
                self._reply(400, {"error": f"{name}: {exc}"})

        def do_GET(self) -> None:
            name = self.path.strip("/")
            if not name:
                self._reply(200, {"actions": sorted(actions)})
            else:
                self._call(name, {})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                params = json.loads(self.rfile.read(length) or b"{}")
                if not isinstance(params, dict):
                    raise ValueError("body must be a JSON object")
            except ValueError as exc:
                self._reply(400, {"error": f"bad request body: {exc}"})
                return
            self._call(self.path.strip("/"), params)

    return Handler


class ControlClient:
    """Calls a simulator's control API: ``ControlClient(url).call("place_tag", item="…")``."""

    def __init__(self, url: str, timeout_s: float = 5.0) -> None:
        self.url = url.rstrip("/")
        self.timeout_s = timeout_s

    def call(self, action: str, **params: Any) -> Any:
        data = json.dumps(params).encode("utf-8")
        request = urllib.request.Request(
            f"{self.url}/{action}",
            data=data,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                return json.loads(response.read())["result"]
        except urllib.error.HTTPError as exc:
            try:
                message = json.loads(exc.read()).get("error", str(exc))
            except ValueError:
                message = str(exc)
            raise ControlError(message) from None
        except (urllib.error.URLError, OSError) as exc:
            raise ControlError(
                f"simulator control API at {self.url} not reachable: {exc}"
            ) from None
