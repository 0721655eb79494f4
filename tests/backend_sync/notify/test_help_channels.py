"""Call a librarian over real loopback servers, built by kiosk/wiring/help.py from a config:
e-mail through the mail outbox to the mail catcher (simulators/mail), the SMS gateway and a
webhook (small HTTP servers). The bytes that arrive hold where and when, nothing of a patron;
a mail server that is down still takes the call (queued) and gets it when it is back; a
failing webhook is retried, then reported, and the other channels still carry the call."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.clock import ManualClock
from kiosk.core.help import CallResult
from kiosk.settings import load_settings
from kiosk.wiring.help import help_desk_from
from kiosk.wiring.notify import mailer_from
from simulators.mail.sink import MailSink

AT = datetime(2026, 11, 25, 18, 5, tzinfo=ZoneInfo("Europe/Vilnius"))
# A patron who might be signed in at the kiosk: none of this may reach staff channels.
PATRON = ("20001234567", "Ona", "Onaitė", "ona.k@example.lt")


class Endpoint:
    """An HTTP server on loopback keeping each request; answers the next of ``statuses``."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                endpoint.requests.append(
                    {"headers": dict(self.headers), "body": self.rfile.read(length)}
                )
                self.send_response(endpoint.statuses.pop(0) if endpoint.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[Endpoint]:
    endpoint = Endpoint()
    yield endpoint
    endpoint.close()


@pytest.fixture
def gateway() -> Iterator[Endpoint]:
    endpoint = Endpoint()
    yield endpoint
    endpoint.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def config(tmp_path: Path, smtp_port: int, gateway: Endpoint, hook: Endpoint) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(f"""
[kiosk]
id = "k7"
library_name = "Pasakų biblioteka"
data_dir = "{tmp_path / 'var'}"

[smtp]
host = "127.0.0.1"
port = {smtp_port}
security = "none"
from_address = "kiosk@example.lt"
retry_first_s = 0.3
retry_max_s = 0.6

[sms]
url = "{gateway.url}"

[help]
channels = ["email", "sms", "webhook"]
location = "2nd floor"
email_to = ["desk@example.lt"]
sms_to = ["+37060000009"]
webhook_url = "{hook.url}"
webhook_token = "hook-secret"
""", encoding="utf-8")  # fmt: skip
    return path


def wait_for(predicate, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "nothing arrived"
        time.sleep(0.05)


def no_patron_in(data: bytes) -> None:
    for word in PATRON:
        assert word.encode() not in data, word


def test_every_channel_carries_the_call_and_nothing_of_the_patron(
    tmp_path: Path, gateway: Endpoint, hook: Endpoint
) -> None:
    sink = MailSink(tmp_path / "mail").start()
    settings = load_settings(config(tmp_path, sink.port, gateway, hook))
    mailer = mailer_from(settings)
    try:
        desk = help_desk_from(settings, mailer=mailer, clock=ManualClock(AT), sleep=lambda s: None)
        assert desk is not None
        call = asyncio.run(desk.call())
        assert call.result is CallResult.CALLED
        assert call.delivered == ("email", "sms", "webhook")
        wait_for(lambda: list((tmp_path / "mail").glob("*.eml")))
    finally:
        mailer.worker.stop()
        sink.stop()
    [mail] = [path.read_bytes() for path in (tmp_path / "mail").glob("*.eml")]
    assert b"Help needed at kiosk k7" in mail and b"desk@example.lt" in mail
    [sms] = gateway.requests
    assert json.loads(sms["body"])["to"] == "+37060000009"
    assert "k7 (2nd floor)" in json.loads(sms["body"])["text"]
    [posted] = hook.requests
    assert posted["headers"]["Authorization"] == "Bearer hook-secret"
    document = json.loads(posted["body"])
    assert document["event"] == "help_requested" and document["kiosk_id"] == "k7"
    assert document["called_at"] == "2026-11-25T18:05:00+02:00"
    for data in (mail, sms["body"], posted["body"]):
        no_patron_in(data)


def test_the_call_waits_in_the_outbox_while_the_mail_server_is_down(
    tmp_path: Path, gateway: Endpoint, hook: Endpoint
) -> None:
    port = free_port()  # nothing listens yet
    settings = load_settings(config(tmp_path, port, gateway, hook))
    mailer = mailer_from(settings)
    sink = MailSink(tmp_path / "mail", port=port)
    try:
        desk = help_desk_from(settings, mailer=mailer, clock=ManualClock(AT), sleep=lambda s: None)
        assert desk is not None
        call = asyncio.run(desk.call())
        assert "email" in call.delivered  # queued durably: the patron is told staff know
        wait_for(lambda: mailer.outbox.counts().get("pending", 0) == 1)
        sink.start()
        mailer.worker.wake()
        wait_for(lambda: list((tmp_path / "mail").glob("*.eml")))
    finally:
        mailer.worker.stop()
        sink.stop()


def test_a_failing_webhook_is_retried_then_reported(
    tmp_path: Path, gateway: Endpoint, hook: Endpoint
) -> None:
    hook.statuses = [503, 503, 503]
    settings = load_settings(config(tmp_path, free_port(), gateway, hook))
    mailer = mailer_from(settings)
    try:
        desk = help_desk_from(settings, mailer=mailer, clock=ManualClock(AT), sleep=lambda s: None)
        assert desk is not None
        call = asyncio.run(desk.call())
    finally:
        mailer.worker.stop()
    assert len(hook.requests) == 3  # the first try and two retries
    assert call.result is CallResult.CALLED
    assert call.failed == ("webhook",) and call.delivered == ("email", "sms")


def test_a_refusing_webhook_alone_fails_the_call(tmp_path: Path, hook: Endpoint) -> None:
    hook.statuses = [404]
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[help]\nchannels = ["webhook"]\nwebhook_url = "{hook.url}"\n')
    desk = help_desk_from(load_settings(path), clock=ManualClock(AT), sleep=lambda s: None)
    assert desk is not None
    call = asyncio.run(desk.call())
    assert call.result is CallResult.FAILED and len(hook.requests) == 1  # 404: not retried


def test_email_without_smtp_is_a_config_error(tmp_path: Path) -> None:
    from kiosk.settings import ConfigError

    path = tmp_path / "kiosk.toml"
    path.write_text('[help]\nchannels = ["email"]\nemail_to = ["desk@example.lt"]\n')
    with pytest.raises(ConfigError, match=r"needs the \[smtp\] table"):
        help_desk_from(load_settings(path))
    assert help_desk_from(load_settings(tmp_path / "kiosk.toml").model_copy(
        update={"help": None})) is None  # fmt: skip
