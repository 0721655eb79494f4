"""E-mail receipts through a real SMTP server (aiosmtpd on loopback): delivered as text + HTML,
kept through an outage and sent after it, kept (not retried) when refused for good, over
STARTTLS with a login, and never lost across a restart."""

from __future__ import annotations

import asyncio
import email
import socket
import ssl
import subprocess
import threading
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from backend_sync.notify.message import OutgoingMail, build_message
from backend_sync.notify.outbox import MailOutbox, MailWorker, PassReport, masked_address
from backend_sync.notify.receipt_mailer import ReceiptMailerAdapter
from backend_sync.notify.smtp_sender import SmtpOptions, SmtpSender, TransientMailError

MAIL = OutgoingMail(
    "jonas@example.lt", "Biblioteka: jūsų kvitas", "Paimta\n1. Šventųjų ąžuolų giesmės\n"
)


class Inbox:
    def __init__(self, refuse: bool = False) -> None:
        self.messages: list[email.message.Message] = []
        self.refuse = refuse
        self.arrived = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        self.arrived.set()
        return "250 Message accepted"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def port() -> int:
    return free_port()


def server(inbox: Inbox, port: int, **options: object) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    return controller


def outbox(tmp_path: Path, port: int, clock: Clock, **options: object) -> MailOutbox:
    sender = SmtpSender(SmtpOptions("127.0.0.1", port, security="none", timeout_s=5, **options))
    return MailOutbox(tmp_path / "outbox.sqlite", sender, "kiosk@example.lt", clock, "Biblioteka")


def test_message_has_text_and_html_alternatives() -> None:
    message = build_message(MAIL, "kiosk@example.lt", "Biblioteka")
    assert message.get_content_type() == "multipart/alternative"
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert "Šventųjų ąžuolų giesmės" in text.get_content()
    assert "<pre" in html.get_content() and "Šventųjų" in html.get_content()
    assert str(message["From"]) == "Biblioteka <kiosk@example.lt>"
    assert masked_address("jonas@example.lt") == "j***@example.lt"


def test_outage_then_delivery(tmp_path: Path, port: int) -> None:
    clock, inbox = Clock(), Inbox()
    box = outbox(tmp_path, port, clock)
    box.enqueue(MAIL)
    assert box.deliver_due().retry_later == 1  # nothing listens on the port yet
    assert box.counts() == {"pending": 1, "sent": 0, "failed": 0}
    assert box.next_due() == clock.now + 30
    controller = server(inbox, port)
    try:
        assert box.deliver_due().sent == 0  # not due yet: backoff is respected
        clock.now += 31
        assert box.deliver_due().sent == 1
    finally:
        controller.stop()
    assert box.counts() == {"pending": 0, "sent": 1, "failed": 0}
    received = inbox.messages[0]
    assert received["Subject"] == "Biblioteka: jūsų kvitas"
    assert "Šventųjų ąžuolų giesmės" in received.get_body(("plain",)).get_content()


def test_backoff_doubles_up_to_the_maximum(tmp_path: Path, port: int) -> None:
    clock = Clock()
    sender = SmtpSender(SmtpOptions("127.0.0.1", port, security="none", timeout_s=2))
    box = MailOutbox(
        tmp_path / "o.sqlite", sender, "k@example.lt", clock, retry_first_s=10, retry_max_s=25
    )
    box.enqueue(MAIL)
    delays = []
    for _ in range(4):
        box.deliver_due()
        delays.append(box.next_due() - clock.now)
        clock.now = box.next_due()
    assert delays == [10, 20, 25, 25]


def test_permanent_refusal_is_kept_not_retried(tmp_path: Path, port: int) -> None:
    clock = Clock()
    controller = server(Inbox(refuse=True), port)
    try:
        box = outbox(tmp_path, port, clock)
        box.enqueue(MAIL)
        assert box.deliver_due().failed == 1
        clock.now += 10_000
        assert box.deliver_due() == PassReport()  # nothing pending to try
    finally:
        controller.stop()
    assert box.counts() == {"pending": 0, "sent": 0, "failed": 1}


def test_pending_mail_survives_a_restart(tmp_path: Path, port: int) -> None:
    clock = Clock()
    outbox(tmp_path, port, clock).enqueue(MAIL)
    reopened = outbox(tmp_path, port, clock)
    assert reopened.counts()["pending"] == 1


def test_worker_and_async_adapter_send_in_the_background(tmp_path: Path, port: int) -> None:
    inbox = Inbox()
    controller = server(inbox, port)
    box = outbox(tmp_path, port, Clock())
    worker = MailWorker(box, idle_s=0.2).start()
    try:
        asyncio.run(ReceiptMailerAdapter(box, worker).queue(MAIL.to, MAIL.subject, MAIL.text))
        assert inbox.arrived.wait(10)
    finally:
        worker.stop()
        controller.stop()
    assert box.counts()["sent"] == 1


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def test_starttls_and_login(tmp_path: Path, port: int, certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins: list[str] = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        logins.append(auth_data.login.decode())
        ok = auth_data.login == b"kiosk1" and auth_data.password == b"s3cret"
        return AuthResult(success=ok)

    inbox = Inbox()
    controller = server(
        inbox,
        port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_require_tls=True,
    )
    try:
        good = SmtpOptions(
            "127.0.0.1",
            port,
            "starttls",
            tls_ca_file=str(cert),
            username="kiosk1",
            password="s3cret",
            timeout_s=2,
        )
        SmtpSender(good).send(build_message(MAIL, "kiosk@example.lt"))
        box = MailOutbox(
            tmp_path / "o.sqlite",
            SmtpSender(SmtpOptions(**{**good.__dict__, "password": "wrong"})),
            "kiosk@example.lt",
            Clock(),
        )
        box.enqueue(MAIL)
        assert box.deliver_due().retry_later == 1  # a wrong password keeps the mail pending
    finally:
        controller.stop()
    assert len(inbox.messages) == 1 and logins == ["kiosk1", "kiosk1"]


def test_unverified_certificate_is_refused_by_default(
    port: int, certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    controller = server(Inbox(), port, tls_context=context, require_starttls=True)
    try:
        with pytest.raises(TransientMailError):
            SmtpSender(SmtpOptions("127.0.0.1", port, "starttls", timeout_s=5)).send(
                build_message(MAIL, "kiosk@example.lt")
            )
    finally:
        controller.stop()
