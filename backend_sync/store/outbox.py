"""The outbox port (kiosk/core/outbox.py) on the SQLite store, and what the replayer needs.

`OutboxStore` is synchronous (every method one short transaction, committed before it
returns); `SqliteOutbox` is the async face the domain calls, running those in a worker thread
so the event loop never waits on a disk. The store never talks to the ILS.

The replayer's contract, which makes "nothing applied twice" hold across kill -9:
    claim(window)  commits in_doubt=1 for entries about to be sent, BEFORE they are sent;
    record(...)    commits their results (in_doubt=0) before the next window is claimed.
So at any moment only the entries of one window may be sent-but-unrecorded, and a window
never holds two entries about the same item (and a payment is alone in its window): each
can be checked at the ILS on its own. That holds only with one replayer per file:
`replay_lock()` (an flock on a file next to the store, released by the kernel when its
process dies, kill -9 included) keeps `kiosk sync flush` and the kiosk's own worker from
replaying at once.

Retention (retention.py): an entry settled for good (DONE, or REJECTED and resolved by
staff) loses its patron identifiers in the same transaction that settles it; `compact()`
then empties the write-ahead log that still holds them (the replayer calls it after each
pass).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from backend_sync.store.private_files import private_opener
from backend_sync.store.records import dumps, entry_from_row, entry_values
from backend_sync.store.retention import scrub_settled, truncate_wal
from backend_sync.store.schema import outbox
from kiosk.core.outbox import EntryState, OutboxEntry


@dataclass(frozen=True)
class Queued:
    """A pending entry as the replayer sees it."""

    entry: OutboxEntry
    seq: int
    in_doubt: bool
    check: dict[str, Any]
    added_at: float
    live_here: bool = False  # this process's domain is sending it now (see OutboxStore.add)


@dataclass(frozen=True)
class Outcome:
    """What became of one sent (or checked) entry."""

    key: str
    state: EntryState
    result: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


@dataclass(frozen=True)
class Reconciliation:
    """A rejected entry on the staff's list."""

    entry: OutboxEntry
    rejected_at: str
    resolved_at: str = ""
    resolved_note: str = ""


@dataclass(frozen=True)
class OutboxSummary:
    pending: int
    in_doubt: int
    done: int
    rejected: int
    unresolved: int  # rejected entries staff have not marked resolved
    oldest_pending: str
    last_success: str
    last_reason: str


REFUSED_LIVE = "refused live: the patron was told at the kiosk; nothing changed at the ILS"


class OutboxStore:
    def __init__(self, engine: Engine, clock: Callable[[], datetime] = datetime.now) -> None:
        self.engine = engine
        self.clock = clock
        # Live entries this process's domain wrote and has not settled yet: a replayer in
        # this process knows they are being sent, however slow the send, and never takes
        # them for a dead process's leftovers (live_grace_s is for other processes).
        self._live_here: set[str] = set()
        # Something was scrubbed since the write-ahead log was last emptied (see compact).
        self._scrubbed = False

    # ---- the port's operations ---------------------------------------------------------

    def add(self, entry: OutboxEntry) -> bool:
        try:
            with self.engine.begin() as db:
                db.execute(insert(outbox).values(entry_values(entry, self.clock().timestamp())))
        except IntegrityError:
            return False
        if not entry.offline:
            self._live_here.add(entry.key)
        return True

    def mark_done(self, key: str, result: dict[str, Any]) -> None:
        self.record([Outcome(key, EntryState.DONE, result)])
        self._live_here.discard(key)

    def mark_rejected(self, key: str, reason: str, result: dict[str, Any]) -> None:
        self.record([Outcome(key, EntryState.REJECTED, result, reason)])
        self._live_here.discard(key)

    def mark_refused(self, key: str, reason: str, result: dict[str, Any]) -> None:
        """A live refusal the patron saw: settled off the staff's list (and scrubbed)."""
        self.mark_rejected(key, reason, result)
        self.resolve(key, REFUSED_LIVE)

    def note_attempt(self, key: str, reason: str) -> None:
        """The domain tried (or went offline) and keeps the entry for replay. An entry the
        replayer already settled (it may be quicker than the domain's note) stays as it is."""
        self._live_here.discard(key)
        with self.engine.begin() as db:
            db.execute(
                update(outbox)
                .where(outbox.c.key == key)
                .where(outbox.c.state == str(EntryState.PENDING))
                .values(
                    attempts=outbox.c.attempts + 1,
                    reason=reason,
                    last_attempt_at=self.clock().isoformat(),
                )
            )

    def keep_for_replay(self, key: str, reason: str) -> None:
        """The domain finished its side of a transaction it never sent: from now on the
        entry is an offline one, replayed without asking the ILS first."""
        self._live_here.discard(key)
        with self.engine.begin() as db:
            db.execute(
                update(outbox)
                .where(outbox.c.key == key)
                .where(outbox.c.state == str(EntryState.PENDING))
                .values(offline=True, reason=reason)
            )

    def get(self, key: str) -> OutboxEntry | None:
        with self.engine.begin() as db:
            row = db.execute(select(outbox).where(outbox.c.key == key)).first()
        return entry_from_row(row) if row is not None else None

    def pending(self, limit: int = 100) -> list[OutboxEntry]:
        return [queued.entry for queued in self.head(limit)]

    def queued_before(self, key: str, item_id: str) -> bool:
        """An older pending entry about `item_id` (a live send must not overtake it)."""
        seq = select(outbox.c.seq).where(outbox.c.key == key).scalar_subquery()
        query = (
            select(outbox.c.key)
            .where(outbox.c.state == str(EntryState.PENDING))
            .where(outbox.c.seq < seq)
            .where(func.json_extract(outbox.c.payload, "$.item_id") == item_id)
            .limit(1)
        )
        with self.engine.begin() as db:
            return db.execute(query).first() is not None

    # ---- the replayer's operations -----------------------------------------------------

    @contextlib.contextmanager
    def replay_lock(self) -> Iterator[bool]:
        """Yields True when this process may replay (nobody else does), False otherwise."""
        database = self.engine.url.database
        if not database or database == ":memory:":
            yield True
            return
        fd = private_opener(f"{database}.replay-lock", os.O_RDWR | os.O_CREAT)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)  # closing releases the lock

    def head(self, limit: int) -> list[Queued]:
        """The oldest pending entries, in replay order."""
        with self.engine.begin() as db:
            rows = db.execute(
                select(outbox)
                .where(outbox.c.state == str(EntryState.PENDING))
                .order_by(outbox.c.seq)
                .limit(limit)
            ).all()
        live = set(self._live_here)
        return [
            Queued(
                entry_from_row(r),
                r.seq,
                bool(r.in_doubt),
                json.loads(r.check),
                r.added_at,
                r.key in live,
            )
            for r in rows
        ]

    def claim(self, checks: dict[str, dict[str, Any]], outcomes: Iterable[Outcome] = ()) -> None:
        """Record `outcomes` and mark the entries of `checks` (key -> what their check needs)
        as possibly sent, in one commit, before any of them is sent."""
        now = self.clock().isoformat()
        with self.engine.begin() as db:
            scrubbed = self._record(db, outcomes, now)
            if checks:
                db.execute(
                    update(outbox)
                    .where(outbox.c.key == bindparam("k"))
                    .values(
                        in_doubt=True,
                        attempts=outbox.c.attempts + 1,
                        check=bindparam("c"),
                        last_attempt_at=now,
                    ),
                    [{"k": key, "c": dumps(check)} for key, check in checks.items()],
                )
        self._note_scrubbed(scrubbed)

    def record(
        self,
        outcomes: Iterable[Outcome],
        unsent: Sequence[str] = (),
        reason: str = "",
        stalled: str = "",
    ) -> None:
        """Commit results. `unsent` were claimed but certainly not sent (in_doubt cleared);
        `stalled` is the entry whose send failed (it stays in_doubt); both note `reason`."""
        now = self.clock().isoformat()
        with self.engine.begin() as db:
            scrubbed = self._record(db, outcomes, now)
            if unsent:
                db.execute(
                    update(outbox)
                    .where(outbox.c.key.in_(list(unsent)))
                    .values(in_doubt=False, reason=reason)
                )
            if stalled:
                db.execute(update(outbox).where(outbox.c.key == stalled).values(reason=reason))
        self._note_scrubbed(scrubbed)

    @staticmethod
    def _record(db: Any, outcomes: Iterable[Outcome], now: str) -> int:
        """Write the results; returns how many entries it scrubbed (settled DONE)."""
        outcomes = list(outcomes)
        rows = [
            {
                "k": o.key,
                "s": str(o.state),
                "r": dumps(o.result),
                "why": o.reason,
                "at": now if o.state is not EntryState.PENDING else "",
            }
            for o in outcomes
        ]
        if rows:  # one statement for the whole window (executemany)
            db.execute(
                update(outbox)
                .where(outbox.c.key == bindparam("k"))
                .values(
                    state=bindparam("s"),
                    result=bindparam("r"),
                    reason=bindparam("why"),
                    in_doubt=False,
                    finished_at=bindparam("at"),
                ),
                rows,
            )
        done = [o.key for o in outcomes if o.state is EntryState.DONE]
        return scrub_settled(db, done) if done else 0

    # ---- what staff and the commands read ----------------------------------------------

    def summary(self) -> OutboxSummary:
        with self.engine.begin() as db:
            counts = dict(
                db.execute(select(outbox.c.state, func.count()).group_by(outbox.c.state)).all()
            )
            in_doubt = db.execute(
                select(func.count()).where(outbox.c.in_doubt.is_(True))
            ).scalar_one()
            unresolved = db.execute(
                select(func.count())
                .where(outbox.c.state == str(EntryState.REJECTED))
                .where(outbox.c.resolved_at == "")
            ).scalar_one()
            oldest = db.execute(
                select(outbox.c.happened_at, outbox.c.reason)
                .where(outbox.c.state == str(EntryState.PENDING))
                .order_by(outbox.c.seq)
                .limit(1)
            ).first()
            last_success = db.execute(
                select(func.max(outbox.c.finished_at)).where(outbox.c.state == str(EntryState.DONE))
            ).scalar_one()
        return OutboxSummary(
            pending=counts.get(str(EntryState.PENDING), 0),
            in_doubt=in_doubt,
            done=counts.get(str(EntryState.DONE), 0),
            rejected=counts.get(str(EntryState.REJECTED), 0),
            unresolved=unresolved,
            oldest_pending=oldest.happened_at if oldest else "",
            last_success=last_success or "",
            last_reason=oldest.reason if oldest else "",
        )

    def rejected(self, include_resolved: bool = False) -> list[Reconciliation]:
        """The reconciliation list, oldest first (unresolved ones unless asked for all)."""
        query = select(outbox).where(outbox.c.state == str(EntryState.REJECTED))
        if not include_resolved:
            query = query.where(outbox.c.resolved_at == "")
        with self.engine.begin() as db:
            rows = db.execute(query.order_by(outbox.c.seq)).all()
        return [
            Reconciliation(entry_from_row(r), r.finished_at, r.resolved_at, r.resolved_note)
            for r in rows
        ]

    def resolve(self, key: str, note: str = "") -> bool:
        """Staff fixed a rejected entry by hand. False when `key` is no unresolved rejection."""
        with self.engine.begin() as db:
            changed = db.execute(
                update(outbox)
                .where(outbox.c.key == key)
                .where(outbox.c.state == str(EntryState.REJECTED))
                .where(outbox.c.resolved_at == "")
                .values(resolved_at=self.clock().isoformat(), resolved_note=note)
            ).rowcount
            scrubbed = scrub_settled(db, [key]) if changed == 1 else 0
        self._note_scrubbed(scrubbed)
        return changed == 1

    def _note_scrubbed(self, count: int) -> None:
        # Only once committed: a compaction between the scrub and its commit would leave the
        # unscrubbed page in the database file with nothing to empty the log afterwards.
        if count:
            self._scrubbed = True

    def compact(self) -> bool:
        """Empty the write-ahead log if an entry was scrubbed since it was last emptied (its
        older frames still hold the unscrubbed rows). True when there was nothing left to do."""
        if not self._scrubbed:
            return True
        self._scrubbed = False
        if truncate_wal(self.engine):
            return True
        self._scrubbed = True  # a reader kept it busy: the next pass tries again
        return False


class SqliteOutbox:
    """The domain's Outbox port: each call is committed before it returns. `on_added` (e.g.
    the sync worker's wake) is called in the event loop after a new entry was stored."""

    def __init__(self, store: OutboxStore, on_added: Callable[[], None] | None = None) -> None:
        self.store = store
        self.on_added = on_added

    async def add(self, entry: OutboxEntry) -> bool:
        added = await asyncio.to_thread(self.store.add, entry)
        if added and self.on_added is not None:
            self.on_added()
        return added

    async def mark_done(self, key: str, result: dict[str, Any]) -> None:
        await asyncio.to_thread(self.store.mark_done, key, result)

    async def mark_rejected(self, key: str, reason: str, result: dict[str, Any]) -> None:
        await asyncio.to_thread(self.store.mark_rejected, key, reason, result)

    async def mark_refused(self, key: str, reason: str, result: dict[str, Any]) -> None:
        await asyncio.to_thread(self.store.mark_refused, key, reason, result)

    async def note_attempt(self, key: str, reason: str) -> None:
        await asyncio.to_thread(self.store.note_attempt, key, reason)

    async def keep_for_replay(self, key: str, reason: str) -> None:
        await asyncio.to_thread(self.store.keep_for_replay, key, reason)

    async def get(self, key: str) -> OutboxEntry | None:
        return await asyncio.to_thread(self.store.get, key)

    async def pending(self, limit: int = 100) -> list[OutboxEntry]:
        return await asyncio.to_thread(self.store.pending, limit)

    async def queued_before(self, key: str, item_id: str) -> bool:
        return await asyncio.to_thread(self.store.queued_before, key, item_id)
