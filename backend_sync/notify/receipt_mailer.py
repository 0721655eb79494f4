"""E-mail receipts for the core: ``queue`` persists the message in the outbox (in a worker
thread, so the event loop never waits on SQLite) and wakes the sender; it never waits for SMTP.

``start_mailer`` makes the outbox, starts its worker and returns this adapter, from plain
values (kiosk/wiring/notify.py makes them from the [smtp] table); never reads kiosk.settings.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from backend_sync.notify.message import OutgoingMail
from backend_sync.notify.outbox import DAY_S, MailOutbox, MailWorker
from backend_sync.notify.smtp_sender import SmtpOptions, SmtpSender


class ReceiptMailerAdapter:
    """Implements kiosk.core.receipt_delivery.ReceiptMailer."""

    def __init__(self, outbox: MailOutbox, worker: MailWorker | None = None) -> None:
        self.outbox = outbox
        self.worker = worker

    async def queue(self, address: str, subject: str, text: str) -> None:
        await asyncio.to_thread(self.outbox.enqueue, OutgoingMail(address, subject, text))
        if self.worker is not None:
            self.worker.wake()


def start_mailer(
    outbox_file: Path,
    smtp: SmtpOptions,
    from_address: str,
    *,
    from_name: str = "",
    retry_first_s: float = 30.0,
    retry_max_s: float = 3600.0,
    keep_failed_s: float = 14 * DAY_S,
) -> ReceiptMailerAdapter:
    """The outbox in ``outbox_file``, sending through ``smtp``; its worker is started."""
    outbox = MailOutbox(
        outbox_file,
        SmtpSender(smtp),
        from_address,
        clock=time.time,
        from_name=from_name,
        retry_first_s=retry_first_s,
        retry_max_s=retry_max_s,
        keep_failed_s=keep_failed_s,
    )
    return ReceiptMailerAdapter(outbox, MailWorker(outbox).start())
