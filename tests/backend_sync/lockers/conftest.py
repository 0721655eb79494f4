"""The stack the locker command-line and kill -9 tests run against: the ILS simulator, the
locker bank simulator (Modbus TCP) and an SMTP server (aiosmtpd) on loopback, and a kiosk
configuration file pointing at them with its data directory in tmp_path."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from simulators.ils.simulator import IlsSimulator
from simulators.lockers.bank import LockerBankSimulator


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        self.arrived.set()
        return "250 Message accepted"

    def wait_code(self, count: int = 1, timeout: float = 20.0) -> str:
        """The door code of the count-th message (waiting for it to arrive)."""
        deadline = threading.Event()
        for _ in range(int(timeout * 20)):
            if len(self.messages) >= count:
                break
            deadline.wait(0.05)
        assert len(self.messages) >= count, f"{len(self.messages)} messages, wanted {count}"
        text = self.messages[count - 1].get_body(("plain",)).get_content()
        return re.search(r"(?:Durelių kodas|Door code): (\d+)", text).group(1)


@dataclass
class Stack:
    ils: IlsSimulator
    bank: LockerBankSimulator
    inbox: Inbox
    config: Path
    data: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def dead_port() -> int:
    """A loopback port nobody listens on (a mail server that is down)."""
    return free_port()


@pytest.fixture(scope="module")
def bank_sim() -> Iterator[LockerBankSimulator]:
    with LockerBankSimulator() as simulator:
        yield simulator


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, int]]:
    port = free_port()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


CONFIG = """\
[kiosk]
library_name = "Apskrities viešoji biblioteka"
data_dir = "{data}"

[log]
level = "warning"

[ils]
host = "127.0.0.1"
port = {ils_port}
username = "knygomatas1"
password = "demo"
institution = "AVB"
location = "KNYGOMATAS-1"
encoding = "utf-8"
timeout_s = 5.0

[smtp]
host = "127.0.0.1"
port = {smtp_port}
security = "none"
from_address = "knygomatas@example.lt"

[lockers]
name = "Knygomatas prie centrinio įėjimo"
pickup_location = "KNYGOMATAS-1"
staff_card_pattern = "2100000007"
code_hash_iterations = 1000
board_probe_s = 0
poll_interval_s = 0.05
notify_by = ["email"]
compartments = [{compartments}]

[[lockers.boards]]
name = "b1"
port = {bank_port}
timeout_s = 0.5
pulse_s = 0.0
"""


@pytest.fixture
def stack(bank_sim: LockerBankSimulator, smtp, tmp_path: Path) -> Iterator[Stack]:
    bank_sim.model.reset()
    inbox, smtp_port = smtp
    inbox.messages.clear()
    comps = ", ".join(
        f'{{ id = {n}, board = "b1", lock = {n - 1}, door = {n - 1}, occupancy = {15 + n} }}'
        for n in range(1, 9)
    )
    data = tmp_path / "data"
    with IlsSimulator(encoding="utf-8") as ils:
        config = tmp_path / "kiosk.toml"
        config.write_text(
            CONFIG.format(
                data=data, ils_port=ils.port, smtp_port=smtp_port, bank_port=bank_sim.tcp.port,
                compartments=comps,
            ),
            encoding="utf-8",
        )  # fmt: skip
        yield Stack(ils, bank_sim, inbox, config, data)


class Gateway:
    """Answers each request with the next status from ``statuses`` (then 200)."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                gateway.requests.append({
                    "method": self.command, "path": self.path, "headers": dict(self.headers),
                    "body": self.rfile.read(length).decode("utf-8"),
                })  # fmt: skip
                status = gateway.statuses.pop(0) if gateway.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, *args) -> None:  # keep the test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    gw = Gateway()
    gw.thread.start()
    yield gw
    gw.server.shutdown()
    gw.server.server_close()
