"""E-mail receipts for the core: ``queue`` persists the message in the outbox (in a worker
thread, so the event loop never waits on SQLite) and wakes the sender; it never waits for SMTP.

``build_mailer`` turns the [smtp] table into the outbox, the worker and this adapter.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from backend_sync.notify.message import OutgoingMail
from backend_sync.notify.outbox import DAY_S, MailOutbox, MailWorker
from backend_sync.notify.smtp_sender import SmtpOptions, SmtpSender
from kiosk.settings.smtp import SmtpSection


class ReceiptMailerAdapter:
    """Implements kiosk.core.receipt_delivery.ReceiptMailer."""

    def __init__(self, outbox: MailOutbox, worker: MailWorker | None = None) -> None:
        self.outbox = outbox
        self.worker = worker

    async def queue(self, address: str, subject: str, text: str) -> None:
        await asyncio.to_thread(self.outbox.enqueue, OutgoingMail(address, subject, text))
        if self.worker is not None:
            self.worker.wake()


def smtp_options(section: SmtpSection) -> SmtpOptions:
    return SmtpOptions(
        host=section.host,
        port=section.port,
        security=section.security,
        tls_verify=section.tls_verify,
        tls_ca_file=section.tls_ca_file,
        username=section.username,
        password=section.password.get_secret_value(),
        timeout_s=section.timeout_s,
    )


def build_mailer(section: SmtpSection, data_dir: Path) -> ReceiptMailerAdapter:
    """Outbox file under data_dir (unless absolute), a started worker, and the adapter."""
    path = Path(section.outbox_file)
    outbox = MailOutbox(
        path if path.is_absolute() else Path(data_dir) / path,
        SmtpSender(smtp_options(section)),
        section.from_address,
        clock=time.time,
        from_name=section.from_name,
        retry_first_s=section.retry_first_s,
        retry_max_s=section.retry_max_s,
        keep_failed_s=section.keep_failed_days * DAY_S,
    )
    return ReceiptMailerAdapter(outbox, MailWorker(outbox).start())
