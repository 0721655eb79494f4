"""The accountant's side of [payments]: the day's report from the payment journal, rendered as
CSV or PDF, mailed now (`kiosk payments send-report`) or every night (`nightly_report_from`,
a task the running kiosk starts). The fiscal port's factory is `cash_register_from` in
kiosk/wiring/payment.py, beside the journal's.

The report is written in Lithuanian for the library's accountant, money as "12,50 €". The
journal is only read: a missing journal file is reported (`NoPaymentJournal`), not created.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from email.message import EmailMessage
from pathlib import Path

from backend_sync.payments.nightly_report import NightlyReport
from backend_sync.payments.report_mail import attachment, report_message, summary
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.payments.report import DayReport, build_day_report, report_from_journal
from kiosk.i18n import Catalogs
from kiosk.settings import ConfigError
from kiosk.settings.model import Settings
from kiosk.wiring.notify import smtp_sender_from
from kiosk.wiring.payment import payment_journal_from, payment_journal_path

REPORT_LANGUAGE = "lt"
NIGHTLY_STATE_FILE = "payments-report-sent"  # under [kiosk] data_dir: the last day mailed


class NoPaymentJournal(Exception):
    """There is no journal file yet: this kiosk has taken no card payment."""


def report_money() -> Callable[[int], str]:
    """Money as the Lithuanian report writes it: "12,50 €"."""
    return Catalogs().translator(REPORT_LANGUAGE).money


def day_report_from(settings: Settings, day: date, *, missing_ok: bool = False) -> DayReport:
    """The report of `day` from the journal at [payments] journal_file (read only); without a
    journal file NoPaymentJournal, or an empty report when `missing_ok`."""
    path = payment_journal_path(settings)
    if not path.is_file():
        if missing_ok:
            return build_day_report(day, [], [])
        raise NoPaymentJournal(
            f"no payment journal at {path}: this kiosk has taken no card payment "
            "(or [kiosk] data_dir / [payments] journal_file point elsewhere)"
        )
    journal = payment_journal_from(settings)
    try:
        return report_from_journal(journal, day)
    finally:
        journal.close()


def report_bytes(settings: Settings, report: DayReport, fmt: str) -> tuple[str, bytes]:
    """(suggested file name, content) of the report as "pdf" or "csv"."""
    name, data, _ = attachment(report, fmt, report_money(), settings.kiosk.library_name)
    return name, data


def report_text(settings: Settings, report: DayReport) -> str:
    return summary(report, report_money(), settings.kiosk.library_name)


def report_mail_from(
    settings: Settings,
    day: date,
    to: list[str] | None = None,
    fmt: str | None = None,
    *,
    missing_ok: bool = False,
) -> EmailMessage:
    """The e-mail of `day`'s report to `to` (default [payments] report_to)."""
    recipients = to or settings.payments.report_to
    if not recipients:
        raise ConfigError("[payments] report_to is empty: nobody to send the report to")
    smtp = settings.smtp
    if smtp is None:
        raise ConfigError("the report e-mail needs the [smtp] table")
    return report_message(
        day_report_from(settings, day, missing_ok=missing_ok),
        fmt or settings.payments.report_format,
        report_money(),
        to=list(recipients),
        from_address=smtp.from_address,
        from_name=smtp.from_name,
        library_name=settings.kiosk.library_name,
    )


def send_report_mail(settings: Settings, message: EmailMessage) -> None:
    """Send now over [smtp]; raises backend_sync.notify.smtp_sender.MailError."""
    if settings.smtp is None:
        raise ConfigError("the report e-mail needs the [smtp] table")
    smtp_sender_from(settings.smtp).send(message)


def nightly_report_from(settings: Settings, clock: Clock | None = None) -> NightlyReport | None:
    """The nightly report task, or None when [payments] report_to is empty. Start it with
    `asyncio.create_task(task.run())` in the kiosk's loop; `task.stop()` ends it. A day with
    no journal yet is mailed as an empty report."""
    payments = settings.payments
    if not payments.report_to:
        return None
    if settings.smtp is None:
        raise ConfigError("[payments] report_to needs the [smtp] table to send the report")
    hour, minute = (int(part) for part in payments.report_time.split(":"))
    return NightlyReport(
        lambda day: report_mail_from(settings, day, missing_ok=True),
        lambda message: send_report_mail(settings, message),
        clock=clock or SystemClock(settings.kiosk.timezone),
        at=time(hour, minute),
        state_file=Path(settings.kiosk.data_dir) / NIGHTLY_STATE_FILE,
    )
