"""`kiosk stats --from DAY --to DAY [--csv]`: activity per kiosk and day from the local store
(sessions and their length, checkouts, returns, renewals, refusals by reason, offline time),
for the library's activity reports. JSON by default, CSV with --csv.
"""

from __future__ import annotations

import argparse
import json
from datetime import date

from backend_sync.store.database import StoreError, open_store
from backend_sync.store.statistics import StoreStatistics, report_csv
from kiosk.commands.common import EXIT_OK, EXIT_USAGE, CommandError, settings_from
from kiosk.wiring.core_parts import store_path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "stats", help="activity statistics per kiosk and day (JSON or CSV)", description=__doc__
    )
    parser.add_argument(
        "--from", dest="first", required=True, type=_day, help="first day, YYYY-MM-DD"
    )
    parser.add_argument("--to", dest="last", required=True, type=_day, help="last day, YYYY-MM-DD")
    parser.add_argument("--csv", action="store_true", help="print CSV instead of JSON")
    parser.set_defaults(func=run)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day like 2026-11-25") from None


def run(args: argparse.Namespace) -> int:
    if args.last < args.first:
        raise CommandError("--to is before --from", EXIT_USAGE)
    settings = settings_from(args)
    try:
        engine = open_store(store_path(settings))
    except StoreError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    rows = StoreStatistics(engine, settings.kiosk.id).daily(args.first, args.last)
    if args.csv:
        print(report_csv(rows), end="")
    else:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    return EXIT_OK
