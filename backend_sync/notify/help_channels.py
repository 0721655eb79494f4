"""The channels a "Call a librarian" goes out on (kiosk.core.help.HelpChannel):

- ``EmailHelpChannel`` queues one mail per address in the mail outbox (durable at once, sent
  and retried by its worker), so it takes the call even while the mail server is down;
- ``SmsHelpChannel`` sends through the HTTP SMS gateway (backend_sync/notify/sms.py);
- ``WebhookHelpChannel`` posts the request as JSON (backend_sync/notify/webhook.py).

Each sends only what HelpRequest holds: the kiosk, the library, the place, the time.
Blocking I/O runs in a worker thread so the event loop never waits on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol

from backend_sync.notify.sms import SmsError, SmsGateway
from backend_sync.notify.webhook import Webhook, WebhookError
from kiosk.core.help import HelpChannelError, HelpRequest


class MailQueue(Protocol):
    async def queue(self, address: str, subject: str, text: str) -> None: ...


class EmailHelpChannel:
    name = "email"

    def __init__(self, mailer: MailQueue, addresses: Sequence[str]) -> None:
        self.mailer = mailer
        self.addresses = tuple(addresses)

    async def send(self, request: HelpRequest) -> None:
        try:
            for address in self.addresses:
                await self.mailer.queue(address, request.subject(), request.text())
        except Exception as exc:  # the outbox file: full disk, read-only store
            raise HelpChannelError(f"mail outbox: {type(exc).__name__}") from None


class SmsHelpChannel:
    name = "sms"

    def __init__(self, gateway: SmsGateway, numbers: Sequence[str]) -> None:
        self.gateway = gateway
        self.numbers = tuple(numbers)

    async def send(self, request: HelpRequest) -> None:
        text = request.text().replace("\n", " ").strip()
        failed = 0
        for number in self.numbers:
            try:
                await asyncio.to_thread(self.gateway.send, number, text)
            except SmsError:
                failed += 1
        if failed == len(self.numbers):
            raise HelpChannelError("sms gateway took no message")


class WebhookHelpChannel:
    name = "webhook"

    def __init__(self, webhook: Webhook) -> None:
        self.webhook = webhook

    async def send(self, request: HelpRequest) -> None:
        try:
            await asyncio.to_thread(self.webhook.post, request.as_json())
        except WebhookError as exc:
            raise HelpChannelError(str(exc)) from None
