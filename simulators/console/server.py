"""Serves the console with werkzeug's threaded server in a daemon thread, so `kiosk sim up`
and the tests start and stop it like the simulators (port 0: any free).

Loopback (127.0.0.1) unless told otherwise; bound to any other address it refuses to start
unless the app was made with a password (create_app's ``password_hash``), and it says on
stderr that it is reachable from the network.
"""

from __future__ import annotations

import sys
import threading

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from simulators.console.guard import is_loopback
from simulators.control import LOOPBACK


class ConsoleExposedError(Exception):
    """The console was asked to listen beyond loopback without a password."""


class _QuietHandler(WSGIRequestHandler):
    """No line per request: the live panels ask every two seconds."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


class ConsoleServer:
    def __init__(self, app: Flask, port: int = 0, host: str = LOOPBACK) -> None:
        if not is_loopback(host):
            if not app.config.get("CONSOLE_PASSWORD_HASH"):
                raise ConsoleExposedError(
                    f"the console would listen on {host} without a password: set "
                    "[console] password_hash (kiosk console hash-password) or bind to "
                    "127.0.0.1"
                )
            print(
                f"WARNING: the simulator console listens on {host}:{port}, reachable from "
                "the network (password required; plain HTTP: use it on a trusted network "
                "or behind TLS)",
                file=sys.stderr,
            )
        self._host = host
        self._server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = self._host if ":" not in self._host else f"[{self._host}]"
        return f"http://{host}:{self._server.server_port}"

    def start(self) -> ConsoleServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="sim-console", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
