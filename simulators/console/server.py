"""Serves the console on 127.0.0.1 with werkzeug's threaded server in a daemon thread, so
`kiosk sim up` and the tests start and stop it like the simulators (port 0: any free)."""

from __future__ import annotations

import threading

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from simulators.control import LOOPBACK


class _QuietHandler(WSGIRequestHandler):
    """No line per request: the live panels ask every two seconds."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


class ConsoleServer:
    def __init__(self, app: Flask, port: int = 0) -> None:
        self._server = make_server(
            LOOPBACK, port, app, threaded=True, request_handler=_QuietHandler
        )
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self._server.server_port}"

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
