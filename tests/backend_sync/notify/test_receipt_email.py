"""A printer fault, then an e-mail receipt while the SMTP server is down: the session finishes
at once, and the receipt arrives in Lithuanian when the server is back."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
from datetime import date, datetime
from pathlib import Path

from aiosmtpd.controller import Controller

from backend_sync.notify.outbox import MailOutbox
from backend_sync.notify.receipt_mailer import ReceiptMailerAdapter
from backend_sync.notify.smtp_sender import SmtpOptions, SmtpSender
from kiosk.core.receipt_delivery import PrinterFault, ReceiptDesk, State
from kiosk.core.receipts import Block, ItemKind, Receipt, ReceiptItem
from kiosk.i18n import Catalogs


class CoverOpenFault(PrinterFault):
    reason = "cover_open"


class CoverOpenPrinter:
    columns = 48

    async def print_blocks(self, blocks: tuple[Block, ...]) -> None:
        raise CoverOpenFault("cover open")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


def test_email_receipt_survives_an_smtp_outage(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clock = [1_000.0]
    sender = SmtpSender(SmtpOptions("127.0.0.1", port, security="none", timeout_s=2))
    outbox = MailOutbox(tmp_path / "o.sqlite", sender, "kiosk@example.lt", lambda: clock[0])
    receipt = Receipt.for_card(
        "20001234567",
        library_name="Apskrities viešoji biblioteka",
        kiosk_id="k-1",
        issued_at=datetime(2026, 11, 25, 14, 30),
        items=(ReceiptItem(ItemKind.BORROWED, "Šventųjų ąžuolų giesmės", due=date(2026, 12, 16)),),
    )
    desk = ReceiptDesk(
        "s-1",
        receipt,
        Catalogs().translator("lt"),
        CoverOpenPrinter(),
        ReceiptMailerAdapter(outbox),
        lambda event: None,
    )
    assert asyncio.run(desk.print()).state is State.PRINT_FAILED
    assert asyncio.run(desk.email("ona@example.lt")).state is State.EMAIL_QUEUED
    assert outbox.deliver_due().retry_later == 1  # server down: kept

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        clock[0] += 60
        assert outbox.deliver_due().sent == 1
    finally:
        controller.stop()
    message = inbox.messages[0]
    assert message["To"] == "ona@example.lt"
    assert message["Subject"] == "Apskrities viešoji biblioteka: jūsų kvitas"
    body = message.get_body(("plain",)).get_content()
    assert "1. Šventųjų ąžuolų giesmės" in body and "Grąžinti iki: 2026-12-16" in body
    assert "20001234567" not in body and "*******4567" in body
