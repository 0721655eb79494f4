"""The notification adapters from the [smtp], [sms] and [lockers] tables: the e-mail receipt
mailer (``mailer_from``), an SMTP sender for checks and other mail (``smtp_sender_from``), the
SMS gateway (``sms_from``) and the locker pickup-code notifier (``locker_notifier_from``).

Settings become plain values here (SmtpOptions, SmsOptions, …); backend_sync/notify never sees
them. Secrets are unwrapped only here, into the values the senders use; never logged.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

from backend_sync.notify.locker_notifier import LockerNotifier, Sender
from backend_sync.notify.outbox import DAY_S
from backend_sync.notify.receipt_mailer import ReceiptMailerAdapter, start_mailer
from backend_sync.notify.sms import SmsGateway, SmsOptions
from backend_sync.notify.smtp_sender import SmtpOptions, SmtpSender
from kiosk.settings.loader import ConfigError
from kiosk.settings.model import Settings
from kiosk.settings.notify import SmsSection
from kiosk.settings.smtp import SmtpSection


def smtp_options_from(smtp: SmtpSection) -> SmtpOptions:
    return SmtpOptions(
        host=smtp.host,
        port=smtp.port,
        security=smtp.security,
        tls_verify=smtp.tls_verify,
        tls_ca_file=smtp.tls_ca_file,
        username=smtp.username,
        password=smtp.password.get_secret_value(),
        timeout_s=smtp.timeout_s,
    )


def smtp_sender_from(smtp: SmtpSection) -> SmtpSender:
    """One message at a time, no outbox: health checks, registration mail to the desk."""
    return SmtpSender(smtp_options_from(smtp))


def mailer_from(settings: Settings) -> ReceiptMailerAdapter:
    """The e-mail receipt mailer: its outbox under [kiosk] data_dir (unless [smtp] outbox_file
    is absolute) and a started worker (stop it with ``mailer.worker.stop()``)."""
    smtp = settings.smtp
    if smtp is None:
        raise ConfigError("e-mail receipts need the [smtp] table")
    path = Path(smtp.outbox_file)
    return start_mailer(
        path if path.is_absolute() else Path(settings.kiosk.data_dir) / path,
        smtp_options_from(smtp),
        smtp.from_address,
        from_name=smtp.from_name,
        retry_first_s=smtp.retry_first_s,
        retry_max_s=smtp.retry_max_s,
        keep_failed_s=smtp.keep_failed_days * DAY_S,
    )


def sms_options_from(sms: SmsSection) -> SmsOptions:
    return SmsOptions(
        url=sms.url,
        method=sms.method,
        body=sms.body,
        template=sms.template,
        sender=sms.sender,
        auth=sms.auth,
        username=sms.username,
        password=sms.password.get_secret_value(),
        token=sms.token.get_secret_value(),
        headers=dict(sms.headers),
        timeout_s=sms.timeout_s,
        retries=sms.retries,
        retry_backoff_s=sms.retry_backoff_s,
    )


def sms_from(
    sms: SmsSection,
    *,
    session: requests.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SmsGateway:
    return SmsGateway(sms_options_from(sms), session=session, sleep=sleep)


def locker_notifier_from(settings: Settings) -> LockerNotifier:
    """The pickup-code notifier from [kiosk] (library name, zone), [lockers] (channels,
    language, back-off), [smtp] and [sms]; a missing [smtp] or [sms] table is simply a channel
    this kiosk does not have."""
    lockers = settings.lockers
    if lockers is None:
        raise ConfigError("locker notices need the [lockers] table")
    smtp = sender = None
    if settings.smtp is not None:
        smtp = smtp_sender_from(settings.smtp)
        sender = Sender(settings.smtp.from_address, settings.smtp.from_name)
    return LockerNotifier(
        settings.kiosk.library_name,
        ZoneInfo(settings.kiosk.timezone),
        smtp=smtp,
        sender=sender,
        sms=sms_from(settings.sms) if settings.sms is not None else None,
        channels=lockers.notify_by,
        default_language=lockers.notice_language,
        retry_s=lockers.notify_retry_s,
        retry_max_s=lockers.notify_retry_max_s,
    )
