"""`kiosk registration …`: the applications the kiosk is sending to the library system.

kiosk registration list [--day YYYY-MM-DD] [--json]
    the day's applications (default today, in [kiosk] timezone): application number,
    state (pending, sent, duplicate, rejected), time, backend, attempts and the library
    system's words. Nothing personal: the kiosk scrubs the applicant's details as soon as
    the library system answers, and a pending one is shown masked all the same.
kiosk registration resend
    one resend pass over the pending applications, oldest first, each with its own
    idempotency key (the library system is asked first, so nothing is created twice).
    Exit 0 all sent, 1 some refused (duplicate / rejected: see `list`), 3 the library
    system could not be reached and applications are left pending.
kiosk registration purge [--older-than-days N] [--pending --yes-delete-pending]
    delete settled rows last changed more than N days ago (default 30). With --pending
    also pending applications, details and all: they are then never sent (the applicant
    must apply again); --yes-delete-pending confirms it.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
from datetime import date, timedelta

from backend_sync.registration.queue import RegistrationQueueFile
from kiosk.commands.common import (
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CommandError,
    settings_from,
)
from kiosk.core.clock import SystemClock
from kiosk.core.registration import resend_pending
from kiosk.settings import Settings
from kiosk.wiring.registration import registration_from, registration_queue_from

COLUMNS = ("number", "state", "time", "backend", "attempts", "words", "ref")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "registration",
        help="reader pre-registrations: list today's, resend pending ones, purge old rows",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="registration_command", metavar="ACTION", required=True)
    listing = sub.add_parser(
        "list",
        help="the day's applications, masked (number, state, time, backend)",
        description="The day's applications: number, state, time, backend. No personal data.",
    )
    listing.add_argument(
        "--day", type=date.fromisoformat, metavar="YYYY-MM-DD", help="which day (default today)"
    )
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(func=run_list)
    sub.add_parser(
        "resend",
        help="send the pending applications now (exit 0 sent, 1 refused, 3 unreachable)",
        description="One resend pass: 0 all sent, 1 some refused, 3 the library system could "
        "not be reached (the applications stay pending).",
    ).set_defaults(func=run_resend)
    purge = sub.add_parser(
        "purge",
        help="delete settled rows older than N days (pending ones only when confirmed)",
        description="Delete settled applications' rows (no personal data) older than N days. "
        "--pending --yes-delete-pending also deletes pending applications: never sent.",
    )
    purge.add_argument(
        "--older-than-days", type=int, default=30, metavar="N", help="age in days (default 30)"
    )
    purge.add_argument("--pending", action="store_true", help="pending applications too")
    purge.add_argument(
        "--yes-delete-pending",
        action="store_true",
        help="confirm --pending: those applicants' applications are dropped unsent",
    )
    purge.set_defaults(func=run_purge)


def _queue(settings: Settings) -> RegistrationQueueFile:
    queue = registration_queue_from(settings)
    if queue is None:
        raise CommandError(
            "the configuration has no [registration] table (see config/kiosk.example.toml)",
            EXIT_USAGE,
        )
    return queue


def run_list(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    queue = _queue(settings)
    day = args.day or SystemClock(settings.kiosk.timezone).now().date()
    rows = [
        {
            "number": row.number or "—",
            "state": row.state,
            "time": row.queued_at[11:19],
            "backend": row.backend,
            "attempts": row.attempts,
            "words": row.words if row.state != "pending" else "",
            "ref": row.masked_key,
        }
        for row in queue.rows(day)
    ]
    if args.json:
        print(json.dumps({"day": day.isoformat(), "applications": rows}, ensure_ascii=False))
        return EXIT_OK
    print(f"{day.isoformat()}: {len(rows)} application(s)")
    for row in rows:
        print(
            "  ".join(f"{row[c]}" for c in COLUMNS[:5]) + (f"  {row['words']}" * bool(row["words"]))
        )
    return EXIT_OK


def run_resend(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    queue = _queue(settings)
    port = registration_from(settings)
    assert port is not None  # the [registration] table is there: _queue checked it
    now = SystemClock(settings.kiosk.timezone).now()
    try:
        report = asyncio.run(resend_pending(port, queue, now))
    finally:
        close = getattr(port, "close", None)
        if close is not None:
            close()
    print(json.dumps(dataclasses.asdict(report), ensure_ascii=False))
    if report.unreachable:
        return EXIT_UNREACHABLE
    return EXIT_REFUSED if report.refused else EXIT_OK


def run_purge(args: argparse.Namespace) -> int:
    if args.pending and not args.yes_delete_pending:
        raise CommandError(
            "--pending drops applications that were never sent: add --yes-delete-pending",
            EXIT_USAGE,
        )
    if args.older_than_days < 0:
        raise CommandError("--older-than-days must be 0 or more", EXIT_USAGE)
    settings = settings_from(args)
    queue = _queue(settings)
    before = SystemClock(settings.kiosk.timezone).now() - timedelta(days=args.older_than_days)
    deleted = queue.purge(before, pending=args.pending)
    print(json.dumps({"deleted": deleted, "before": before.isoformat()}, ensure_ascii=False))
    return EXIT_OK
