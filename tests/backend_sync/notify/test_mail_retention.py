"""Retention in the mail outbox, against a real SMTP server (aiosmtpd) and real SQLite files:
a sent message keeps a masked address and no text, gone from the file and its WAL; a refused
one keeps its content for staff for keep_failed_s, then a pass blanks it; a file from before
retention gains its column and is blanked by the first pass."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import select

from backend_sync.notify.outbox import (
    DAY_S,
    MailOutbox,
    blank_expired,
    kept_failed,
    mail_outbox,
    masked_address,
)
from backend_sync.notify.smtp_sender import SmtpOptions, SmtpSender

from . import test_outbox as outbox_tests
from .test_outbox import MAIL, Clock, Inbox, server

port = outbox_tests.port  # the outbox tests' fixture: a free loopback port

ADDRESS = MAIL.to.encode()
LOANS = "Šventųjų ąžuolų giesmės".encode()


def on_disk(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.iterdir() if p.is_file())


def outbox(folder: Path, port: int, clock: Clock, keep_failed_s: float = 14 * DAY_S) -> MailOutbox:
    sender = SmtpSender(SmtpOptions("127.0.0.1", port, security="none", timeout_s=5))
    return MailOutbox(
        folder / "mail.sqlite", sender, "kiosk@example.lt", clock, keep_failed_s=keep_failed_s
    )


def rows(box: MailOutbox) -> list[dict]:
    with box.engine.connect() as db:
        return [dict(r) for r in db.execute(select(mail_outbox)).mappings()]


def test_masked_address_keeps_the_first_letter_and_the_domain() -> None:
    assert masked_address("ona@pastas.lt") == "o***@pastas.lt"
    assert masked_address("o***@pastas.lt") == "o***@pastas.lt"
    assert masked_address("nobody") == "n***"


def test_a_sent_message_leaves_no_address_or_text_on_disk(tmp_path: Path, port: int) -> None:
    inbox = Inbox()
    controller = server(inbox, port)
    clock = Clock()
    try:
        box = outbox(tmp_path, port, clock)
        box.enqueue(MAIL)
        assert ADDRESS in on_disk(tmp_path)  # pending: it must survive a power cut
        assert box.deliver_due().sent == 1
    finally:
        controller.stop()
    assert LOANS.decode() in inbox.messages[0].get_body(("plain",)).get_content()
    (row,) = rows(box)
    assert row["recipient"] == "j***@example.lt" and row["body"] == ""
    assert (row["status"], row["attempts"], row["finished_at"]) == ("sent", 1, clock.now)
    assert row["subject"] == MAIL.subject and row["created_at"] == clock.now
    raw = on_disk(tmp_path)
    assert ADDRESS not in raw and LOANS not in raw
    assert box.counts() == {"pending": 0, "sent": 1, "failed": 0}


def test_a_refused_message_is_kept_for_staff_then_blanked(tmp_path: Path, port: int) -> None:
    controller = server(Inbox(refuse=True), port)
    clock = Clock()
    try:
        box = outbox(tmp_path, port, clock, keep_failed_s=2 * DAY_S)
        box.enqueue(MAIL)
        assert box.deliver_due().failed == 1
    finally:
        controller.stop()
    (row,) = rows(box)
    assert row["recipient"] == MAIL.to and row["body"] == MAIL.text  # staff can see it
    assert "550" in row["last_error"] and kept_failed(box.engine) == 1
    clock.now += 2 * DAY_S - 1
    box.deliver_due()
    assert rows(box)[0]["body"] == MAIL.text  # not yet
    clock.now += 1
    box.deliver_due()  # the worker's pass blanks it
    (row,) = rows(box)
    assert (row["recipient"], row["body"], row["status"]) == ("j***@example.lt", "", "failed")
    assert kept_failed(box.engine) == 0
    raw = on_disk(tmp_path)
    assert ADDRESS not in raw and LOANS not in raw


def test_a_file_from_before_retention_is_upgraded_and_blanked(tmp_path: Path, port: int) -> None:
    path = tmp_path / "mail.sqlite"
    with sqlite3.connect(path) as db:  # the table as the previous version created it
        db.execute(
            "CREATE TABLE mail_outbox (id INTEGER PRIMARY KEY, created_at FLOAT NOT NULL,"
            " recipient VARCHAR(254) NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,"
            " status VARCHAR(8) NOT NULL, attempts INTEGER NOT NULL,"
            " next_attempt_at FLOAT NOT NULL, last_error TEXT NOT NULL)"
        )
        db.executemany(
            "INSERT INTO mail_outbox VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (1, 100.0, MAIL.to, MAIL.subject, MAIL.text, "sent", 1, 100.0, ""),
                (2, 100.0, MAIL.to, MAIL.subject, MAIL.text, "failed", 1, 130.0,
                 f"550 <{MAIL.to}> no such mailbox"),
                (3, 100.0, MAIL.to, MAIL.subject, MAIL.text, "pending", 0, 9e12, ""),
            ],
        )  # fmt: skip
    db.close()
    clock = Clock()
    clock.now = 100.0 + 15 * DAY_S  # the failed one is past its 14 days
    box = outbox(tmp_path, port, clock)
    assert box.deliver_due().sent == 0  # the pending one is not due yet
    sent, failed, pending = rows(box)
    assert (sent["recipient"], sent["body"]) == ("j***@example.lt", "")
    assert (failed["body"], failed["finished_at"]) == ("", 100.0)
    assert failed["last_error"] == "550 <j***@example.lt> no such mailbox"
    assert (pending["recipient"], pending["body"]) == (MAIL.to, MAIL.text)  # still to send


def test_blank_expired_dry_run_counts_without_changing(tmp_path: Path, port: int) -> None:
    clock = Clock()
    box = outbox(tmp_path, port, clock)
    box.enqueue(MAIL)
    with box.engine.begin() as db:
        db.execute(mail_outbox.update().values(status="sent"))
    counted = blank_expired(box.engine, clock.now, dry_run=True)
    assert (counted.sent, counted.failed) == (1, 0)
    assert rows(box)[0]["body"] == MAIL.text
