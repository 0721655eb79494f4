"""`kiosk privacy sweep [--dry-run]`: apply the retention rules to every store under
[kiosk] data_dir now, and print one JSON object of counts.

    store     the outbox (backend_sync/store/retention.py): entries settled for good (DONE,
              or REJECTED and resolved by staff) keep only the masked card; pending and
              unresolved ones keep the card, and are counted
    mail      the e-mail outbox: sent messages keep a masked address and no text; failed ones
              keep their content for [smtp] keep_failed_days, then are blanked
    lockers   the locker store: spent (used or revoked) pickup codes are dropped; loads still
              in a compartment stay
    rooms     the booking cache: counted only (it deletes past days' bookings itself)

The running kiosk applies these rules itself as it goes; this command is for technicians
after an upgrade, or to show a data-protection officer what is kept. Without --dry-run each
file is then rebuilt (VACUUM) and its write-ahead log emptied, so nothing an older version
left in free space survives. A store whose file does not exist is reported as absent, never
created. Rules and reasons: docs/privacy.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from backend_sync.lockers.schema import LockerStoreError
from backend_sync.lockers.store import SqliteLockerStore
from backend_sync.notify.outbox import (
    DAY_S,
    MailStoreError,
    blank_expired,
    kept_failed,
    open_mail_store,
)
from backend_sync.store.database import StoreError, open_store
from backend_sync.store.retention import rewrite_file, sweep_outbox
from kiosk.commands.common import EXIT_OK, EXIT_USAGE, CommandError, settings_from
from kiosk.settings import Settings
from kiosk.wiring.core_parts import store_path

DEFAULT_MAIL_FILE = "mail-outbox.sqlite"
DEFAULT_LOCKER_FILE = "lockers.sqlite"
DEFAULT_ROOMS_FILE = "rooms.sqlite"
DEFAULT_KEEP_FAILED_DAYS = 14.0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "privacy",
        help="patron data at rest: apply the retention rules now",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)
    sweep = sub.add_parser(
        "sweep", help="scrub what every store under data_dir keeps beyond the rules (JSON)"
    )
    sweep.add_argument(
        "--dry-run", action="store_true", help="count what would be scrubbed; change nothing"
    )
    sweep.set_defaults(func=run_sweep)


def run_sweep(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    report = {
        "dry_run": bool(args.dry_run),
        "store": sweep_store(store_path(settings), args.dry_run),
        "mail": sweep_mail(mail_path(settings), keep_failed_days(settings), args.dry_run),
        "lockers": sweep_lockers(locker_path(settings), args.dry_run),
        "rooms": count_rooms(under_data_dir(settings, rooms_file(settings))),
    }
    print(json.dumps(report, ensure_ascii=False))
    return EXIT_OK


def unusable(exc: Exception) -> CommandError:
    """A store that cannot be opened, as the one line the command prints (the database
    library adds a second line with a link to its documentation)."""
    return CommandError(str(exc).splitlines()[0], EXIT_USAGE)


def under_data_dir(settings: Settings, name: str) -> Path:
    path = Path(name)
    return path if path.is_absolute() else Path(settings.kiosk.data_dir) / path


def mail_path(settings: Settings) -> Path:
    """The mail outbox, also when [smtp] was removed after it had been used."""
    name = settings.smtp.outbox_file if settings.smtp is not None else DEFAULT_MAIL_FILE
    return under_data_dir(settings, name)


def keep_failed_days(settings: Settings) -> float:
    return settings.smtp.keep_failed_days if settings.smtp else DEFAULT_KEEP_FAILED_DAYS


def locker_path(settings: Settings) -> Path:
    section = settings.lockers
    return under_data_dir(settings, section.state_file if section else DEFAULT_LOCKER_FILE)


def rooms_file(settings: Settings) -> str:
    return settings.rooms.cache_file if settings.rooms is not None else DEFAULT_ROOMS_FILE


def sweep_store(path: Path, dry_run: bool) -> dict[str, Any]:
    if not path.is_file():
        return {"file": str(path), "present": False}
    try:
        engine = open_store(path, migrate=False)
    except StoreError as exc:
        raise unusable(exc) from None
    try:
        return {"file": str(path), "present": True, **sweep_outbox(engine, dry_run)}
    except StoreError as exc:
        raise unusable(exc) from None
    finally:
        engine.dispose()


def sweep_mail(path: Path, keep_days: float, dry_run: bool) -> dict[str, Any]:
    if not path.is_file():
        return {"file": str(path), "present": False}
    try:
        engine = open_mail_store(path)
    except MailStoreError as exc:
        raise unusable(exc) from None
    try:
        done = blank_expired(engine, time.time() - keep_days * DAY_S, dry_run)
        kept = kept_failed(engine) - (done.failed if dry_run else 0)  # a dry run blanked none
        if not dry_run:
            rewrite_file(engine)
    except (MailStoreError, StoreError) as exc:
        raise unusable(exc) from None
    finally:
        engine.dispose()
    return {
        "file": str(path),
        "present": True,
        "blanked_sent": done.sent,
        "blanked_failed": done.failed,
        "failed_kept": kept,
    }


def sweep_lockers(path: Path, dry_run: bool) -> dict[str, Any]:
    if not path.is_file():
        return {"file": str(path), "present": False}
    try:
        store = SqliteLockerStore(path)
    except LockerStoreError as exc:
        raise unusable(exc) from None
    try:
        counts = store.sweep(dry_run)
        if not dry_run:
            rewrite_file(store.engine)
    except (LockerStoreError, StoreError) as exc:
        raise unusable(exc) from None
    finally:
        store.close()
    return {"file": str(path), "present": True, **counts}


def count_rooms(path: Path) -> dict[str, Any]:
    """The booking cache is not this command's to change: how many bookings (with names
    and e-mail addresses) it holds now, read-only."""
    if not path.is_file():
        return {"file": str(path), "present": False}
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        try:
            (bookings,) = db.execute("SELECT count(*) FROM rooms_booking").fetchone()
        except sqlite3.Error:  # not a cache this version knows: nothing to count
            bookings = 0
    return {"file": str(path), "present": True, "bookings": bookings, "swept": False}
