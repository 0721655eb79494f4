"""What of a patron the outbox keeps once an entry is settled for good, and erasing the rest.

The house rule: never store a PIN or password, and keep a full card number only while
something still needs it. An outbox entry needs its card while it may still be sent or
checked at the ILS (PENDING, in doubt) and while staff may still have to fix it by hand
(REJECTED and not resolved). Once it is settled for good (DONE, or REJECTED and resolved by
staff) the card becomes the masked card and names, e-mail addresses, phone numbers and PINs
are dropped, from the payload and from the ILS's result alike. Item ids, kinds, times,
results and reasons stay: the statistics, the reconciliation list and the audit need them.

Erased means gone from the disk, not only from the row: every store connection runs with
``PRAGMA secure_delete=ON`` (database.py), so the bytes of a rewritten or deleted row are
zeroed in the page, and ``truncate_wal`` empties the write-ahead log, whose older frames
still hold the rows as they were before the scrub. The running kiosk scrubs in the same
transaction that settles an entry; ``scrub_settled`` over the whole table is what migration
0004 and `kiosk privacy sweep` run for rows settled by an older version.

Never touches a pending, in-doubt or unresolved rejected entry.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from backend_sync.store.database import StoreError, current_revision, upgrade
from backend_sync.store.records import dumps
from backend_sync.store.schema import outbox
from kiosk.core.outbox import EntryState
from kiosk.core.privacy import mask_card

# Card numbers: kept masked, so staff and the audit can still tell two patrons apart.
MASKED_FIELDS = frozenset({"card", "patron_card", "hold_patron_id", "patron_id"})
# Never needed after settling: dropped with their values.
DROPPED_FIELDS = frozenset(
    {"pin", "password", "name", "hold_patron_name", "patron_name", "email", "phone", "address"}
)

SETTLED = or_(
    outbox.c.state == str(EntryState.DONE),
    and_(outbox.c.state == str(EntryState.REJECTED), outbox.c.resolved_at != ""),
)


def scrub(value: Any) -> Any:
    """`value` (an entry's payload or result, plain JSON) with patron identifiers removed."""
    if isinstance(value, dict):
        kept = {}
        for key, item in value.items():
            if key in DROPPED_FIELDS:
                continue
            if key in MASKED_FIELDS and isinstance(item, str):
                kept[key] = mask_card(item)
            else:
                kept[key] = scrub(item)
        return kept
    if isinstance(value, list):
        return [scrub(item) for item in value]
    return value


def scrub_settled(db: Connection, keys: Iterable[str] | None = None) -> int:
    """Scrub the settled entries among `keys` (every settled entry when None) in the caller's
    transaction; returns how many rows changed (an entry scrubbed before is left alone)."""
    query = select(outbox.c.key, outbox.c.payload, outbox.c.result).where(SETTLED)
    if keys is not None:
        wanted = list(keys)
        if not wanted:
            return 0
        query = query.where(outbox.c.key.in_(wanted))
    changes = []
    for key, payload, result in db.execute(query):
        new_payload, new_result = _scrubbed_text(payload), _scrubbed_text(result)
        if new_payload != payload or new_result != result:
            changes.append({"k": key, "p": new_payload, "r": new_result})
    if changes:
        db.execute(
            update(outbox)
            .where(outbox.c.key == bindparam("k"))
            .values(payload=bindparam("p"), result=bindparam("r")),
            changes,
        )
    return len(changes)


def _scrubbed_text(text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:  # not JSON (a hand-edited row): nothing of it can be trusted to keep
        return "{}"
    scrubbed = scrub(data)
    return text if scrubbed == data else dumps(scrubbed)


def kept_with_card(db: Connection) -> dict[str, int]:
    """Entries that keep a full card on purpose: still to be sent, or still on staff's list."""
    has_card = func.coalesce(func.json_extract(outbox.c.payload, "$.card"), "") != ""
    pending = db.execute(
        select(func.count()).where(outbox.c.state == str(EntryState.PENDING)).where(has_card)
    ).scalar_one()
    unresolved = db.execute(
        select(func.count())
        .where(outbox.c.state == str(EntryState.REJECTED))
        .where(outbox.c.resolved_at == "")
        .where(has_card)
    ).scalar_one()
    return {"pending_with_card": pending, "unresolved_with_card": unresolved}


def truncate_wal(engine: Engine) -> bool:
    """Copy the write-ahead log into the database file and cut it to zero bytes, so the
    frames holding rows as they were before a scrub are gone. False when a reader kept it
    busy (the next call tries again). Runs outside any transaction, as SQLite requires."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        busy, _log, _done = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cursor.close()
    finally:
        raw.close()
    return busy == 0


def rewrite_file(engine: Engine) -> None:
    """Rebuild the whole file (VACUUM) and empty its write-ahead log: what an older version
    deleted or rewrote without secure_delete may still sit in free space until then. Needs a
    moment with no other writer (it waits for one, up to the busy timeout)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cursor.close()
    except sqlite3.Error as exc:  # still busy after the timeout, a full disk
        raise StoreError(f"{engine.url.database}: cannot rebuild the file: {exc}") from None
    finally:
        raw.close()


RESOLVED_AT_REVISION = "0003"  # from here on "settled" can be told (staff's resolved mark)


def sweep_outbox(engine: Engine, dry_run: bool = False) -> dict[str, Any]:
    """`kiosk privacy sweep` on an engine opened without migrating: scrub every settled
    entry and count what keeps a card; then migrate and rebuild the file (not in a dry run).
    Scrubbed here rather than by migration 0004 when the file is recent enough to tell
    settled entries, so that the count says what this run changed."""
    try:
        return _sweep(engine, dry_run)
    except DBAPIError as exc:  # not a database, a disk error, a locked file
        raise StoreError(f"{engine.url.database}: cannot sweep the store: {exc.orig}") from None


def _sweep(engine: Engine, dry_run: bool) -> dict[str, Any]:
    report: dict[str, Any] = {}
    revision = current_revision(engine) or ""
    if revision < RESOLVED_AT_REVISION:
        if dry_run:
            return {"upgrade_pending": True}
        upgrade(engine)  # its migration 0004 scrubs; how many is not counted
        report["upgraded_from"] = revision
    with engine.connect() as db:
        transaction = db.begin()
        report["scrubbed"] = scrub_settled(db)
        report.update(kept_with_card(db))
        if dry_run:
            transaction.rollback()
        else:
            transaction.commit()
    if not dry_run:
        upgrade(engine)
        rewrite_file(engine)
    return report
