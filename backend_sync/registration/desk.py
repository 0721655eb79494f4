""" "Send to the desk" as a RegistrationPort: for library systems without an API (LIBIS today).

The application goes as an e-mail (desk_message) to the configured desk address through the
kiosk's SMTP sender (backend_sync/notify/smtp_sender, blocking, run in a worker thread). The
application number is made here ("K-YYYYMMDD-NNNN" from the injected ``today`` and the
ledger's per-day count). "Look first" is the ledger: a key whose e-mail the mail server
accepted is already at the desk. Nothing personal is stored or logged; the desk address is
the library's own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date

from backend_sync.notify.smtp_sender import MailError, SmtpSender
from backend_sync.registration.desk_ledger import DeskLedger
from backend_sync.registration.desk_message import desk_message
from kiosk.core.registration.model import Application, BackendUnavailable, ExistingRecord, Submitted

log = logging.getLogger(__name__)


class DeskMailRefused(BackendUnavailable):
    """The mail server refused the desk's message for good (a wrong desk_email, too large):
    staff must fix the configuration; the application stays queued."""


class DeskRegistration:
    def __init__(
        self,
        sender: SmtpSender,
        ledger: DeskLedger,
        *,
        desk_email: str,
        from_address: str,
        from_name: str = "",
        today: Callable[[], date],
    ) -> None:
        self.sender, self.ledger = sender, ledger
        self.desk_email, self.from_address, self.from_name = desk_email, from_address, from_name
        self._today = today

    async def find_existing(
        self, application: Application, idempotency_key: str
    ) -> ExistingRecord | None:
        number = await asyncio.to_thread(self.ledger.sent_number, idempotency_key)
        return None if number is None else ExistingRecord(number, number, ours=True)

    async def submit(self, application: Application, idempotency_key: str) -> Submitted:
        return await asyncio.to_thread(self._submit, application, idempotency_key)

    def _submit(self, app: Application, key: str) -> Submitted:
        number = self.ledger.number_for(key, self._today())
        message = desk_message(
            app,
            number,
            to=self.desk_email,
            from_address=self.from_address,
            from_name=self.from_name,
        )
        try:
            self.sender.send(message)
        except MailError as exc:
            log.warning("registration %s: the desk e-mail was not sent: %s", number, exc)
            kind = DeskMailRefused if exc.permanent else BackendUnavailable
            raise kind(f"the desk e-mail was not sent: {exc}") from None
        self.ledger.mark_sent(key)
        log.info("registration %s: sent to the desk", number)
        return Submitted(number, number)
