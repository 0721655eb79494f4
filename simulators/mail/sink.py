"""MailSink: an SMTP server on loopback that keeps every message it receives.

For the demo and for technicians: the kiosk's e-mail receipts and locker door codes arrive
here instead of in a patron's mailbox. Each message is saved as an .eml file in a folder, and
the control API answers ``status`` (how many, the folder), ``last`` (the newest message's
headers and text) and ``refuse`` (answer 451 to every message until ``refuse`` with
``on: false``), so the kiosk's retry of a failing mail server can be tried by hand.
Loopback only; no authentication, no TLS (the kiosk's `[smtp] security = "none"`).
"""

from __future__ import annotations

import threading
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from simulators.control import LOOPBACK, ControlServer


class _Handler:
    def __init__(self, sink: MailSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.sink.refusing.is_set():
            return "451 4.3.0 the mail catcher refuses mail for now"
        self.sink.keep(bytes(envelope.content))
        return "250 OK"


class MailSink:
    def __init__(self, out_dir: Path, port: int = 0, control_port: int = 0) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.refusing = threading.Event()
        self._lock = threading.Lock()
        self._count = len(list(self.out_dir.glob("*.eml")))
        self._controller = Controller(_Handler(self), hostname=LOOPBACK, port=port)
        self.control = ControlServer(
            {"status": self._status, "last": self._last, "refuse": self._refuse}, control_port
        )

    @property
    def port(self) -> int:
        return int(self._controller.port)

    def start(self) -> MailSink:
        if self._controller.port == 0:  # aiosmtpd needs a real port: ask the OS for one
            import socket

            with socket.socket() as probe:
                probe.bind((LOOPBACK, 0))
                self._controller.port = probe.getsockname()[1]
        self._controller.start()
        self.control.start()
        return self

    def stop(self) -> None:
        self.control.stop()
        self._controller.stop()

    def keep(self, content: bytes) -> Path:
        with self._lock:
            self._count += 1
            path = self.out_dir / f"{self._count:05d}.eml"
        path.write_bytes(content)
        return path

    def _status(self, _: dict[str, Any]) -> dict[str, Any]:
        return {
            "smtp": f"{LOOPBACK}:{self.port}",
            "messages": self._count,
            "folder": str(self.out_dir.resolve()),
            "refusing": self.refusing.is_set(),
        }

    def _last(self, _: dict[str, Any]) -> dict[str, Any] | None:
        files = sorted(self.out_dir.glob("*.eml"))
        if not files:
            return None
        mail = message_from_bytes(files[-1].read_bytes(), policy=policy.default)
        body = mail.get_body(preferencelist=("plain",))
        return {"to": mail["To"], "subject": mail["Subject"],
                "text": body.get_content() if body is not None else ""}  # fmt: skip

    def _refuse(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("on", True):
            self.refusing.set()
        else:
            self.refusing.clear()
        return self._status({})
