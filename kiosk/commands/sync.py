"""`kiosk sync …`: the outbox of the local store, for technicians and staff.

    kiosk sync status            pending, in doubt, done, rejected, oldest pending, last success
    kiosk sync flush             replay the outbox to the ILS now (JSON report; exit 3 when the
                                 ILS cannot be reached and entries are left, 1 when another
                                 process is replaying or a live transaction is in progress)
    kiosk sync report [--csv]    the reconciliation list: rejected replays with the ILS's reason
                                 (unresolved ones; --all includes those staff resolved)
    kiosk sync resolve KEY       staff fixed it by hand: take it off the list (--note why)

Card numbers are masked unless --show-cards is given (staff need them to fix a loan by hand).
Once staff resolve an entry its card is masked in the store for good (docs/privacy.md), so
--all --show-cards shows resolved entries masked all the same.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import dataclasses
import io
import json
from typing import Any

from backend_sync.store.database import StoreError, open_store
from backend_sync.store.outbox import OutboxStore
from backend_sync.store.replayer import Replayer, ReplayPolicy
from kiosk.commands.common import (
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CommandError,
    settings_from,
)
from kiosk.core.privacy import mask_card
from kiosk.settings import Settings
from kiosk.wiring.core_parts import store_path
from kiosk.wiring.library import library_from

REPORT_COLUMNS = (
    "rejected_at", "happened_at", "kind", "card", "item_id", "offline", "reason",
    "resolved_at", "resolved_note", "key",
)  # fmt: skip


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sync",
        help="the outbox: status, send it now, the reconciliation list",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="sync_command", metavar="ACTION", required=True)
    sub.add_parser("status", help="what the outbox holds (JSON)").set_defaults(func=run_status)
    sub.add_parser("flush", help="send the outbox to the ILS now").set_defaults(func=run_flush)
    report = sub.add_parser("report", help="rejected replays for staff to reconcile")
    report.add_argument("--csv", action="store_true", help="print CSV instead of JSON")
    report.add_argument(
        "--show-cards", action="store_true", help="print full card numbers (masked otherwise)"
    )
    report.add_argument("--all", action="store_true", help="include entries already resolved")
    report.set_defaults(func=run_report)
    resolve = sub.add_parser("resolve", help="mark a rejected entry as fixed by hand")
    resolve.add_argument("key", help="the entry's key (the last column of the report)")
    resolve.add_argument("--note", default="", help="what staff did (kept with the entry)")
    resolve.set_defaults(func=run_resolve)


def open_outbox(settings: Settings) -> OutboxStore:
    try:
        return OutboxStore(open_store(store_path(settings)))
    except StoreError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None


def run_status(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    summary = open_outbox(settings).summary()
    print(json.dumps(dataclasses.asdict(summary), ensure_ascii=False, indent=2))
    return EXIT_OK


def run_flush(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if settings.ils is None:
        raise CommandError(
            "the configuration has no [ils] table (see config/kiosk.example.toml)", EXIT_USAGE
        )
    ils, section = settings.ils, settings.store
    store = open_outbox(settings)
    policy = ReplayPolicy(ils.honours_no_block, section.replay_window, section.live_grace_s)

    async def flush() -> Any:
        client = library_from(settings)
        try:
            return await Replayer(store, client, policy).run_pass()
        finally:
            await client.close()

    report = asyncio.run(flush())
    left = store.summary().pending
    print(json.dumps({**dataclasses.asdict(report), "pending": left}, ensure_ascii=False))
    if report.stopped and left:
        return EXIT_UNREACHABLE if report.unreachable else EXIT_REFUSED
    return EXIT_OK


def run_report(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    rows = []
    for item in open_outbox(settings).rejected(include_resolved=args.all):
        entry = item.entry
        card = str(entry.payload.get("card", ""))
        rows.append(
            {
                "rejected_at": item.rejected_at,
                "happened_at": entry.happened_at.isoformat(),
                "kind": str(entry.kind),
                "card": card if args.show_cards or not card else mask_card(card),
                "item_id": str(entry.payload.get("item_id", "")),
                "offline": entry.offline,
                "reason": entry.reason,
                "resolved_at": item.resolved_at,
                "resolved_note": item.resolved_note,
                "key": entry.key,
            }
        )
    if args.csv:
        out = io.StringIO()
        writer = csv.DictWriter(out, REPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        print(out.getvalue(), end="")
    else:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    return EXIT_OK


def run_resolve(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    store = open_outbox(settings)
    if not store.resolve(args.key, args.note):
        raise CommandError(f"{args.key}: no unresolved rejected entry has this key")
    store.compact()  # the card is masked now; the WAL's older frames would still hold it
    print(json.dumps({"resolved": args.key}, ensure_ascii=False))
    return EXIT_OK
