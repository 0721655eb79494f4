"""The locker logic's LockerStore port on a local SQLite file (SQLAlchemy Core, WAL).

``save`` writes the whole snapshot (kiosk.core.lockers.recovery) in one transaction and
returns only once it is committed with ``synchronous=FULL``: the logic releases a lock right
after saving its intent, so a power cut must leave the old or the new state, never a mix and
never a release the file does not explain. Each save also appends to ``locker_events`` the
compartments whose use changed (with their item ids, no patron ids). ``load`` rebuilds the
snapshot. Codes are stored as the logic gives them: salt and digest only.

Retention (docs/privacy.md): a load's patron id, e-mail and phone are kept while the load
is in its compartment, and no longer. A load that leaves the snapshot (picked up, retrieved
by staff after expiry, abandoned, left for staff) becomes a ``locker_history`` row with its
item, compartment, times, loaded_by (masked already) and outcome; a code that was used or
revoked is not written at all (``retained``): it can never open a door again, and its row
would name the patron. Deleted rows are zeroed in the file (secure_delete) and a save that
dropped a patron's data empties the write-ahead log, whose older frames still hold it.

Separate from the kiosk's main store (backend_sync/store) for now; see schema.py.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, create_engine, delete, event, func, insert, or_, select
from sqlalchemy.exc import DBAPIError

from backend_sync.lockers import schema as t
from backend_sync.store.database import CACHE_KIB
from backend_sync.store.private_files import private_opener, private_sqlite
from backend_sync.store.retention import truncate_wal

LOAD_FIELDS = (
    "item_id", "patron_id", "compartment", "loaded_at", "deadline",
    "title", "language", "email", "phone", "loaded_by",
)  # fmt: skip


def _on_connect(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # durable at commit, also in WAL mode
    cursor.execute("PRAGMA secure_delete=ON")  # a deleted load's bytes are zeroed, not left
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")  # bounded, as the main store's
    cursor.close()


def open_engine(path: str | Path) -> Engine:
    try:
        private_sqlite(path)  # 0600, and so its -wal/-shm (docs/reliability.md)
        engine = create_engine(f"sqlite:///{path}")
        event.listen(engine, "connect", _on_connect)
        with engine.begin() as db:
            t.migrate(db)
    except (OSError, DBAPIError) as exc:
        raise t.LockerStoreError(f"{path}: cannot open the locker store: {exc}") from None
    return engine


class SqliteLockerStore:
    def __init__(
        self, path: str | Path, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.path = Path(path)
        self.clock = clock
        self.engine = open_engine(self.path)
        self._claim: IO[bytes] | None = None

    def claim(self) -> None:
        """Make this process the only one driving the bank (an advisory lock on a file next
        to the store, released by close() or by the process dying, even by SIGKILL): two
        processes each saving their own view of the bank would lose each other's loads."""
        lock_file = self.path.with_name(self.path.name + ".lock")
        handle = open(lock_file, "wb", opener=private_opener)  # noqa: SIM115
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise t.LockerStoreError(
                f"{self.path}: another kiosk process is driving this locker bank"
            ) from None
        self._claim = handle

    def close(self) -> None:
        self.engine.dispose()
        if self._claim is not None:
            self._claim.close()
            self._claim = None

    # -- save --------------------------------------------------------------------------
    def save(self, snapshot: Mapping[str, Any]) -> None:
        now = self.clock().isoformat()
        snapshot = retained(snapshot)
        with self.engine.begin() as db:
            forgotten = _patrons_on_disk(db) - patrons(snapshot)
            ended = self._history(db, snapshot["compartments"], now)
            self._save(db, snapshot, now)
        if forgotten or ended:
            truncate_wal(self.engine)

    def sweep(self, dry_run: bool = False) -> dict[str, int]:
        """Apply the retention rules to what is on disk now (`kiosk privacy sweep`): spent
        codes go; a load still on disk is still in its compartment, so it stays."""
        spent_codes = or_(t.codes.c.used_at.is_not(None), t.codes.c.revoked)
        try:
            with self.engine.begin() as db:
                spent = db.execute(select(func.count()).where(spent_codes)).scalar_one()
                held = db.execute(select(func.count()).select_from(t.loads)).scalar_one()
                if spent and not dry_run:
                    db.execute(delete(t.codes).where(spent_codes))
        except DBAPIError as exc:  # locked by the running kiosk past the timeout
            raise t.LockerStoreError(f"{self.path}: cannot sweep: {exc.orig}") from None
        return {"spent_codes_dropped": spent, "loads_kept": held}

    def history(self) -> list[dict[str, Any]]:
        """Ended loads, oldest first: no patron ids."""
        with self.engine.connect() as db:
            rows = db.execute(select(t.history).order_by(t.history.c.id)).mappings().all()
        return [dict(row) for row in rows]

    def _history(self, db: Connection, comps: Mapping[str, Any], now: str) -> int:
        """Record the loads on disk that the new snapshot no longer has; returns how many."""
        still = {load["item_id"] for c in comps.values() for load in _loads_of(c)}
        uses = {int(n): c["use"] for n, c in comps.items()}
        before = dict(db.execute(select(t.compartments.c.number, t.compartments.c.use)).all())
        rows = [
            {
                "item_id": load.item_id,
                "compartment": load.compartment,
                "loaded_at": load.loaded_at,
                "deadline": load.deadline,
                "ended_at": now,
                "loaded_by": load.loaded_by,
                "outcome": outcome(
                    before.get(load.compartment, ""), uses.get(load.compartment, ""), load.pending
                ),
            }
            for load in db.execute(select(t.loads).order_by(t.loads.c.id))
            if load.item_id not in still
        ]
        if rows:
            db.execute(insert(t.history), rows)
        return len(rows)

    def _save(self, db: Connection, snapshot: Mapping[str, Any], now: str) -> None:
        self._events(db, snapshot["compartments"], now)
        for table in (t.bank, t.compartments, t.loads, t.codes):
            db.execute(delete(table))
        db.execute(insert(t.bank), [_bank_row(snapshot, now)])
        comps = snapshot["compartments"]
        if comps:
            db.execute(insert(t.compartments), [_comp_row(n, c) for n, c in comps.items()])
        rows = [row for n, c in comps.items() for row in _load_rows(int(n), c)]
        if rows:
            db.execute(insert(t.loads), rows)
        if snapshot["codes"]:
            db.execute(insert(t.codes), [_code_row(r) for r in snapshot["codes"]])

    def _events(self, db: Connection, comps: Mapping[str, Any], now: str) -> None:
        before = dict(db.execute(select(t.compartments.c.number, t.compartments.c.use)).all())
        rows = []
        for number, comp in comps.items():
            old = before.get(int(number), "free")
            if old != comp["use"]:
                items = [x["item_id"] for x in comp["loads"]]
                if comp["pending"]:
                    items.append(comp["pending"]["item_id"])
                rows.append(
                    {
                        "at": now,
                        "compartment": int(number),
                        "before": old,
                        "after": comp["use"],
                        "items": json.dumps(items),
                    }
                )
        if rows:
            db.execute(insert(t.events), rows)

    # -- load --------------------------------------------------------------------------
    def load(self) -> dict[str, Any] | None:
        with self.engine.connect() as db:
            bank = db.execute(select(t.bank)).mappings().first()
            if bank is None:
                return None
            comps = db.execute(select(t.compartments)).mappings().all()
            loads = db.execute(select(t.loads).order_by(t.loads.c.position)).mappings().all()
            codes = db.execute(select(t.codes).order_by(t.codes.c.id)).mappings().all()
        return {
            "format": bank["format"],
            "compartments": {str(c["number"]): _comp_data(c, loads) for c in comps},
            "code_salt": bank["code_salt"].hex(),
            "codes": [_code_data(r) for r in codes],
            "keypad": {
                "wrong": bank["keypad_wrong"],
                "locked_until": bank["keypad_locked_until"],
            },
            "unsent_patrons": json.loads(bank["unsent_patrons"]),
        }

    def events(self, compartment: int | None = None) -> list[dict[str, Any]]:
        """The audit trail, oldest first (for staff and tests)."""
        query = select(t.events).order_by(t.events.c.id)
        if compartment is not None:
            query = query.where(t.events.c.compartment == compartment)
        with self.engine.connect() as db:
            return [
                {**row, "items": json.loads(row["items"])}
                for row in db.execute(query).mappings().all()
            ]


def _bank_row(snapshot: Mapping[str, Any], now: str) -> dict[str, Any]:
    return {
        "id": 1,
        "format": snapshot["format"],
        "code_salt": bytes.fromhex(snapshot["code_salt"]),
        "keypad_wrong": snapshot["keypad"]["wrong"],
        "keypad_locked_until": snapshot["keypad"]["locked_until"],
        "unsent_patrons": json.dumps(list(snapshot["unsent_patrons"])),
        "saved_at": now,
    }


def _comp_row(number: str, comp: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "number": int(number),
        "use": comp["use"],
        "door": comp["door"],
        "door_since": comp["door_since"],
        "out_of_service": comp["out_of_service"],
        "handed_over": json.dumps(list(comp["handed_over"])),
    }


def _load_rows(number: int, comp: Mapping[str, Any]) -> list[dict[str, Any]]:
    entries = [(False, x) for x in comp["loads"]]
    if comp["pending"] is not None:
        entries.append((True, comp["pending"]))
    return [
        {**{k: load[k] for k in LOAD_FIELDS}, "compartment": number, "pending": pending,
         "position": i}
        for i, (pending, load) in enumerate(entries)
    ]  # fmt: skip


def _comp_data(row: Mapping[str, Any], loads: list[Mapping[str, Any]]) -> dict[str, Any]:
    mine = [x for x in loads if x["compartment"] == row["number"]]
    pending = [x for x in mine if x["pending"]]
    return {
        "use": row["use"],
        "door": row["door"],
        "door_since": row["door_since"],
        "out_of_service": bool(row["out_of_service"]),
        "loads": [{k: x[k] for k in LOAD_FIELDS} for x in mine if not x["pending"]],
        "pending": {k: pending[0][k] for k in LOAD_FIELDS} if pending else None,
        "handed_over": json.loads(row["handed_over"]),
    }


def _code_row(record: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **record,
        "compartments": json.dumps(list(record["compartments"])),
        "salt": bytes.fromhex(record["salt"]),
        "digest": bytes.fromhex(record["digest"]),
    }


def _code_data(row: Mapping[str, Any]) -> dict[str, Any]:
    data = {k: row[k] for k in ("patron_id", "issued_at", "expires_at", "used_at")}
    return {
        **data,
        "compartments": json.loads(row["compartments"]),
        "salt": row["salt"].hex(),
        "digest": row["digest"].hex(),
        "revoked": bool(row["revoked"]),
    }


# -- retention ---------------------------------------------------------------------------
def retained(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """The snapshot as it is written: without the codes that were used or revoked."""
    codes = [r for r in snapshot["codes"] if r["used_at"] is None and not r["revoked"]]
    return {**snapshot, "codes": codes}


def patrons(snapshot: Mapping[str, Any]) -> set[str]:
    """Every patron id a snapshot holds: loads, codes and patrons owed a notice."""
    held = {load["patron_id"] for c in snapshot["compartments"].values() for load in _loads_of(c)}
    coded = {r["patron_id"] for r in snapshot["codes"]}
    return held | coded | set(snapshot["unsent_patrons"])


def _patrons_on_disk(db: Connection) -> set[str]:
    found = set(db.execute(select(t.loads.c.patron_id)).scalars())
    found |= set(db.execute(select(t.codes.c.patron_id)).scalars())
    for unsent in db.execute(select(t.bank.c.unsent_patrons)).scalars():
        found |= set(json.loads(unsent))
    return found


def _loads_of(comp: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [*comp["loads"], *([comp["pending"]] if comp["pending"] else [])]


OUTCOMES = {
    "pickup": "picked_up", "held": "picked_up",
    "retrieving": "retrieved", "expired": "retrieved",
}  # fmt: skip


def outcome(use_before: str, use_after: str, pending: bool) -> str:
    """Why a load left: judged by its compartment's use before and after the save (a door
    opened and closed between two saves goes from held straight to free)."""
    if pending:
        return "load_abandoned"  # the door closed on no item, or staff gave up
    if use_after == "needs_staff":
        return "left_behind"  # closed still occupied: staff must look
    return OUTCOMES.get(use_before, "removed")
