"""`kiosk payments report` and `kiosk payments send-report`: the day's payments for the
accountant (CSV or PDF), read from the payment journal. Registered by kiosk/commands/payments.py
into its subcommand group.

kiosk payments report [--day YYYY-MM-DD] [--csv | --pdf] [--out FILE]
    the day's report (default today in [kiosk] timezone): without --csv/--pdf a short text
    (totals per kiosk, every mismatch with the terminal's end-of-day, the reconciliation
    list); --csv for Excel (UTF-8, semicolons, decimal comma), --pdf for print. Written to
    FILE, or to standard output (a PDF only when it is not a terminal).
    Exit 0; 1 no journal (no card payment taken yet) or the PDF font missing; 2 usage.
kiosk payments send-report [--day YYYY-MM-DD] [--to ADDRESS …] [--csv | --pdf]
    e-mail the report now to [payments] report_to (or --to) over [smtp], as the nightly
    e-mail does ([payments] report_format unless --csv/--pdf). Does not change what the
    nightly e-mail sends. Exit 0 sent; 1 refused by the mail server; 2 no recipient or no
    [smtp]; 3 the mail server cannot be reached.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from backend_sync.notify.smtp_sender import MailError
from backend_sync.payments.report_pdf import ReportFontMissing
from kiosk.commands.common import (
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_UNREACHABLE,
    CommandError,
    settings_from,
)
from kiosk.core.clock import SystemClock
from kiosk.settings import Settings
from kiosk.wiring.payments_report import (
    NoPaymentJournal,
    day_report_from,
    report_bytes,
    report_mail_from,
    report_text,
    send_report_mail,
)


def register_report(subparsers: argparse._SubParsersAction) -> None:
    """Add the report subcommands to `kiosk payments`."""
    report = subparsers.add_parser(
        "report",
        help="the day's report for the accountant: text, CSV or PDF",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _day_and_format(report)
    report.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    report.set_defaults(func=run_report)
    send = subparsers.add_parser(
        "send-report",
        help="e-mail the day's report now to [payments] report_to "
        "(exit 0 sent, 1 refused, 3 unreachable)",
        description="E-mail the day's report now, as the nightly e-mail does. Exit 0 sent, "
        "1 refused by the mail server or no journal, 2 no recipient or no [smtp], "
        "3 the mail server cannot be reached.",
    )
    _day_and_format(send)
    send.add_argument(
        "--to", action="append", metavar="ADDRESS", help="recipient (default [payments] report_to)"
    )
    send.set_defaults(func=run_send_report)


def _day_and_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--day",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="which day (default today in [kiosk] timezone)",
    )
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--csv", action="store_const", const="csv", dest="format",
                      help="CSV for Excel (UTF-8 with BOM, semicolons, decimal comma)")  # fmt: skip
    kind.add_argument("--pdf", action="store_const", const="pdf", dest="format",
                      help="PDF (A4 landscape)")  # fmt: skip


def _day(settings: Settings, args: argparse.Namespace) -> date:
    return args.day or SystemClock(settings.kiosk.timezone).now().date()


def run_report(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    try:
        report = day_report_from(settings, _day(settings, args))
        if args.format is None:
            data = report_text(settings, report).encode("utf-8")
        else:
            _, data = report_bytes(settings, report, args.format)
    except (NoPaymentJournal, ReportFontMissing) as exc:
        raise CommandError(str(exc), EXIT_REFUSED) from None
    if args.out:
        Path(args.out).write_bytes(data)
        print(f"{args.out}: {len(data)} bytes", file=sys.stderr)
    elif args.format == "pdf" and sys.stdout.isatty():
        raise CommandError("a PDF is not for the terminal: give --out FILE", EXIT_REFUSED)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return EXIT_OK


def run_send_report(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    day = _day(settings, args)
    try:
        message = report_mail_from(settings, day, args.to, args.format)
        send_report_mail(settings, message)
    except (NoPaymentJournal, ReportFontMissing) as exc:
        raise CommandError(str(exc), EXIT_REFUSED) from None
    except MailError as exc:
        code = EXIT_REFUSED if exc.permanent else EXIT_UNREACHABLE
        raise CommandError(f"the report of {day} was not sent: {exc}", code) from None
    print(f"the report of {day} was sent to {message['To']}")
    return EXIT_OK
