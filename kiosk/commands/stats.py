"""`kiosk stats [--from DAY] [--to DAY] [--csv]`: activity per kiosk and day from the local store
(sessions and their length, checkouts, returns, renewals, refusals by reason, offline time),
for the library's activity reports. Without --from/--to: today, in the library's zone
([kiosk] timezone). JSON by default; CSV with --csv, always with the same columns:

    kiosk, day, sessions, session_seconds, session_mean_s, checkouts, returns, renewals,
    offline_checkouts, offline_returns, refusals, offline_seconds, other_accepted,
    refusals_by_reason

other_accepted and refusals_by_reason read like "fee_paid=2;hold=1" (sorted by name).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from backend_sync.store.database import StoreError, open_store
from backend_sync.store.statistics import FIXED_COLUMNS, StoreStatistics
from kiosk.commands.common import EXIT_OK, EXIT_USAGE, CommandError, settings_from
from kiosk.core.clock import wall_time
from kiosk.wiring.core_parts import store_path

CSV_COLUMNS = (*FIXED_COLUMNS, "other_accepted", "refusals_by_reason")
_REFUSED = "refused:"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "stats",
        help="activity statistics per kiosk and day (JSON or CSV; default: today)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--from",
        dest="first",
        type=_day,
        help="first day, YYYY-MM-DD (default: today, or --to if earlier)",
    )
    parser.add_argument(
        "--to",
        dest="last",
        type=_day,
        help="last day, YYYY-MM-DD (default: today, or --from if later)",
    )
    parser.add_argument("--csv", action="store_true", help="print CSV instead of JSON")
    parser.set_defaults(func=run)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day like 2026-11-25") from None


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    today = wall_time(settings.kiosk.timezone)().date()
    first = args.first or min(today, args.last or today)
    last = args.last or max(first, today)
    if last < first:
        raise CommandError("--to is before --from", EXIT_USAGE)
    try:
        engine = open_store(store_path(settings))
    except StoreError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    rows = StoreStatistics(engine, settings.kiosk.id).daily(first, last)
    if args.csv:
        print(stable_csv(rows), end="")
    else:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    return EXIT_OK


def stable_csv(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as CSV with CSV_COLUMNS whatever kinds and reasons occur: a spreadsheet or
    script reading the monthly export finds every column where it was last month."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        other = {k: v for k, v in row.items() if k not in FIXED_COLUMNS}
        refused = {k[len(_REFUSED) :]: v for k, v in other.items() if k.startswith(_REFUSED)}
        accepted = {k: v for k, v in other.items() if not k.startswith(_REFUSED)}
        writer.writerow(
            [row.get(column, 0) for column in FIXED_COLUMNS] + [_pairs(accepted), _pairs(refused)]
        )
    return out.getvalue()


def _pairs(counts: dict[str, Any]) -> str:
    return ";".join(f"{key}={counts[key]}" for key in sorted(counts))
