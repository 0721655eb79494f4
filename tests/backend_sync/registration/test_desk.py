"""The desk backend: a structured e-mail with CSV and vCard to a real aiosmtpd server."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import socket
from datetime import date
from pathlib import Path

import pytest

from backend_sync.notify.smtp_sender import SmtpOptions, SmtpSender
from backend_sync.registration.desk import DeskMailRefused, DeskRegistration
from backend_sync.registration.desk_ledger import DeskLedger
from backend_sync.registration.desk_message import vcard_bytes
from kiosk.core.registration import BackendUnavailable, submit_once
from simulators.models.registration import SAMPLE_APPLICATION as APP
from simulators.models.registration import SAMPLE_PERSONAL_DATA as PERSONAL

TODAY = date(2026, 11, 25)


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def desk(port: int, ledger_path: Path) -> DeskRegistration:
    sender = SmtpSender(SmtpOptions("127.0.0.1", port, security="none", timeout_s=2))
    return DeskRegistration(
        sender,
        DeskLedger(ledger_path),
        desk_email="abonementas@biblioteka.lt",
        from_address="kiosk@biblioteka.lt",
        today=lambda: TODAY,
    )


def test_the_application_reaches_the_desk_once_with_csv_and_vcard(smtp, tmp_path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    backend = desk(smtp.port, tmp_path / "desk.sqlite")
    done = asyncio.run(submit_once(backend, APP, "key-1"))
    assert done.application_number == "K-20261125-0001"
    [message] = smtp.messages
    assert message["To"] == "abonementas@biblioteka.lt"
    assert "K-20261125-0001" in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Vardas / First name: Žemaitė-Šimkutė" in text and "LT-01103" in text
    parts = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    table = parts["K-20261125-0001.csv"]
    table = table if isinstance(table, str) else table.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(table.removeprefix("\ufeff"))))
    assert rows[0]["surname"] == "O'Brien" and rows[0]["phone"] == "+37061234567"
    vcard = parts["K-20261125-0001.vcf"]
    vcard = vcard if isinstance(vcard, str) else vcard.decode("utf-8")
    assert "N:O'Brien;Žemaitė-Šimkutė;;;" in vcard and "BDAY:19900517" in vcard
    again = asyncio.run(submit_once(backend, APP, "key-1"))  # a replay: looked first, not sent
    assert again.recovered and len(smtp.messages) == 1
    second = asyncio.run(submit_once(backend, APP, "key-2"))
    assert second.application_number == "K-20261125-0002"
    kiosk_lines = "\n".join(
        r.getMessage()
        for r in caplog.records
        if r.name != "mail.log"  # the test's SMTP server
    )
    assert "sent to the desk" in kiosk_lines
    for secret in PERSONAL:
        assert secret not in kiosk_lines


def test_the_ledger_keeps_no_personal_data(smtp, tmp_path) -> None:
    path = tmp_path / "desk.sqlite"
    asyncio.run(submit_once(desk(smtp.port, path), APP, "key-1"))
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    for secret in (*PERSONAL, "key-1"):
        assert secret.encode("utf-8") not in stored


def test_a_down_mail_server_is_unavailable_and_the_resend_keeps_the_number(smtp, tmp_path) -> None:
    path = tmp_path / "desk.sqlite"
    with pytest.raises(BackendUnavailable):
        asyncio.run(submit_once(desk(free_port(), path), APP, "key-1"))
    done = asyncio.run(submit_once(desk(smtp.port, path), APP, "key-1"))  # restarted kiosk
    assert done.application_number == "K-20261125-0001" and len(smtp.messages) == 1


def test_a_refused_desk_address_is_said_as_a_configuration_problem(smtp, tmp_path) -> None:
    smtp.refuse_rcpt = "550 5.1.1 no such mailbox"
    with pytest.raises(DeskMailRefused):
        asyncio.run(desk(smtp.port, tmp_path / "d.sqlite").submit(APP, "key-1"))


def test_vcard_lines_are_folded_within_75_octets() -> None:
    from dataclasses import replace

    long = replace(APP, address=replace(APP.address, street="Žąsų gatvė " * 8))
    for line in vcard_bytes(long, "K-1").split(b"\r\n"):
        assert len(line) <= 75
