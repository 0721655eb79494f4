"""The mail catcher: keeps what the kiosk's SMTP sender sends, and can refuse on demand."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from backend_sync.notify.smtp_sender import SmtpOptions, SmtpSender, TransientMailError
from simulators.control import ControlClient
from simulators.mail.sink import MailSink


def message(text: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "kiosk@demo.invalid", "ona@example.lt", "Kodas"
    mail.set_content(text)
    return mail


def test_keeps_each_message_and_refuses_on_demand(tmp_path: Path) -> None:
    sink = MailSink(tmp_path / "mail").start()
    try:
        sender = SmtpSender(SmtpOptions("127.0.0.1", sink.port, security="none", timeout_s=5))
        sender.check()
        sender.send(message("Jūsų durelių kodas: 482913"))
        control = ControlClient(sink.control.url)
        assert control.call("last")["text"].strip() == "Jūsų durelių kodas: 482913"
        assert control.call("status")["messages"] == 1
        control.call("refuse", on=True)
        with pytest.raises(TransientMailError):
            sender.send(message("antras"))
        control.call("refuse", on=False)
        sender.send(message("trečias"))
        assert len(list((tmp_path / "mail").glob("*.eml"))) == 2
    finally:
        sink.stop()
