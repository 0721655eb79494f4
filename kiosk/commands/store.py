"""`kiosk store check|recover`: the technician's look at the kiosk's local store, and the one
way to start a fresh store after the disk damaged it.

    kiosk store check [--json]   integrity (SQLite quick_check), writable, free space, the
                                 transactions still waiting for the library system
    kiosk store recover --yes    set the damaged file aside (with its -wal and -shm) as
                                 <file>.corrupt-<UTC time>, start a fresh store, copy in every
                                 waiting transaction that can still be read

The kiosk itself never starts a fresh store: on a damaged file it refuses to start, on a
full or read-only disk it refuses new transactions (the patron is told the kiosk cannot
record them; /health reports the store down). Exit codes: 0 healthy / recovered, 1 a fault
found or recover refused (the kiosk is running, or nothing is wrong), 2 usage.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime

from backend_sync.store.database import StoreError
from backend_sync.store.faults import StoreCheck, check_store, recover
from kiosk.commands.common import EXIT_USAGE, CommandError, settings_from
from kiosk.wiring.core_parts import store_path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "store",
        help="check the local store; set a damaged one aside and start fresh",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="store_command", metavar="ACTION", required=True)
    check = sub.add_parser(
        "check", help="integrity, writability, free space and waiting transactions"
    )
    check.add_argument("--json", action="store_true", help="print JSON instead of text")
    check.set_defaults(func=run_check)
    fresh = sub.add_parser(
        "recover",
        help="set a damaged store aside and start a fresh one (stop the kiosk first)",
        description="Refused while the kiosk runs, and when `kiosk store check` finds nothing"
        " wrong (unless --force). The old file is renamed, never deleted.",
    )
    fresh.add_argument("--yes", action="store_true", help="confirm: start a fresh store")
    fresh.add_argument(
        "--force", action="store_true", help="recover even though the check finds no fault"
    )
    fresh.set_defaults(func=run_recover)


def _lines(check: StoreCheck) -> list[str]:
    state = "ok" if check.ok else f"FAULT: {check.fault}"
    pending = "unknown (unreadable)" if check.pending is None else str(check.pending)
    free = "unknown" if check.free_bytes is None else f"{check.free_bytes // (1024 * 1024)} MiB"
    lines = [f"store {check.path}: {state}", f"  {check.detail}"]
    lines += [f"  waiting for the library system: {pending}", f"  free space: {free}"]
    if not check.ok:
        lines.append(_advice(check.fault))
    return lines


def _advice(fault: str | None) -> str:
    if fault == "corrupt":
        return "  stop the kiosk, then: kiosk store recover --yes"
    return "  make room / make the disk writable; the kiosk resumes by itself on its next write"


def run_check(args: argparse.Namespace) -> int:
    check = check_store(store_path(settings_from(args)))
    if args.json:
        print(json.dumps({
            "path": str(check.path), "ok": check.ok, "fault": check.fault,
            "detail": check.detail, "pending": check.pending, "free_bytes": check.free_bytes,
        }))  # fmt: skip
    else:
        print("\n".join(_lines(check)))
    return 0 if check.ok else 1


def run_recover(args: argparse.Namespace) -> int:
    path = store_path(settings_from(args))
    check = check_store(path)
    if check.ok and not args.force:
        raise CommandError(f"{path}: the check finds no fault; nothing to recover (--force)")
    if not args.yes:
        raise CommandError("recover starts a fresh store: run it again with --yes", EXIT_USAGE)
    try:
        done = recover(path, datetime.now(UTC))
    except (StoreError, OSError) as exc:
        raise CommandError(str(exc)) from None
    print(f"set aside: {done.aside} (with its -wal/-shm, if any)")
    print(f"fresh store: {path}")
    print(f"waiting transactions read from the old file: {done.read}; kept: {done.kept}")
    return 0
