"""The locker logic's Notifier port: sends a pickup code by e-mail (SMTP) and/or SMS (HTTP
gateway), in the patron's language, and fails loudly so the logic keeps the notice.

Contract with kiosk.core.lockers: ``send_pickup_code`` returns once at least one of the
patron's channels took the notice, or raises ``NotificationFailed``; the logic then keeps
the notice in memory, raises the "notification_failed" alarm and calls again on every poll.
So that a dead server does not stall every poll, a patron whose last attempt failed is not
tried again before a back-off (``retry_s``, doubling up to ``retry_max_s``); meanwhile the
call raises at once. The code is never written to disk here (the core stores only hashes;
after a restart the patron gets a fresh code), never logged; addresses are masked in logs.
Takes plain arguments (kiosk/wiring/notify.py: ``locker_notifier_from``), never kiosk.settings.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from backend_sync.notify.locker_texts import LockerTexts, render
from backend_sync.notify.message import OutgoingMail, build_message
from backend_sync.notify.sms import SmsError, SmsGateway
from backend_sync.notify.smtp_sender import MailError, SmtpSender
from kiosk.core.lockers.ports import PickupNotice
from kiosk.core.privacy import mask_card

log = logging.getLogger("knygomatas.notify.lockers")


class NotificationFailed(Exception):
    """No channel of this patron took the notice (or it is not time to try again yet)."""


@dataclass(frozen=True)
class Sender:
    address: str
    name: str = ""


def _mask_email(address: str) -> str:
    user, _, domain = address.partition("@")
    return f"{user[:1]}***@{domain}"


class LockerNotifier:
    def __init__(
        self,
        library: str,
        zone: tzinfo,
        *,
        smtp: SmtpSender | None = None,
        sender: Sender | None = None,
        sms: SmsGateway | None = None,
        channels: Sequence[str] = ("email", "sms"),
        default_language: str = "lt",
        retry_s: float = 60.0,
        retry_max_s: float = 1800.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if smtp is not None and sender is None:
            raise ValueError("e-mail notices need a sender address")
        self.library = library
        self.zone = zone
        self.channels = tuple(channels)  # tried in this order; the first that works is enough
        self.smtp = smtp
        self.sender = sender
        self.sms = sms
        self.default_language = default_language
        self.retry_s = retry_s
        self.retry_max_s = retry_max_s
        self.monotonic = monotonic
        self._backoff: dict[str, tuple[float, float]] = {}  # patron -> (next try, pause)

    def send_pickup_code(self, notice: PickupNotice) -> None:
        waiting = self._backoff.get(notice.patron_id)
        if waiting is not None and self.monotonic() < waiting[0]:
            raise NotificationFailed("waiting before the next try")
        texts = render(notice, self.library, self.zone, self.default_language)
        errors = self._send(notice, texts)
        if errors is None:
            self._backoff.pop(notice.patron_id, None)
            return
        pause = self.retry_s if waiting is None else min(waiting[1] * 2, self.retry_max_s)
        self._backoff[notice.patron_id] = (self.monotonic() + pause, pause)
        raise NotificationFailed("; ".join(errors))

    def _send(self, notice: PickupNotice, texts: LockerTexts) -> list[str] | None:
        """Channels in the configured order; None once one took it, else what went wrong."""
        errors = []
        for channel in self.channels:
            try:
                if channel == "email" and self.smtp is not None and notice.email:
                    self._mail(notice.email, texts)
                    log.info("pickup notice e-mailed to %s", _mask_email(notice.email))
                elif channel == "sms" and self.sms is not None and notice.phone:
                    self.sms.send(notice.phone, texts.sms)
                    log.info("pickup notice sent by sms to %s", mask_card(notice.phone))
                else:
                    continue
                return None
            except (MailError, SmsError) as exc:
                errors.append(f"{channel}: {exc}")
        if not errors:
            errors.append("the patron has no address for the configured channels")
        log.warning("pickup notice not sent: %s", "; ".join(errors))
        return errors

    def _mail(self, to: str, texts: LockerTexts) -> None:
        assert self.smtp is not None and self.sender is not None
        mail = OutgoingMail(to, texts.subject, texts.email)
        self.smtp.send(build_message(mail, self.sender.address, self.sender.name))
