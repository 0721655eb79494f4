"""The rooms cache: the day's picture of the booking system in the kiosk's SQLite file.

Owns the rooms_* tables (SQLAlchemy Core): locations, categories (with their rules), spaces,
opening hours, free slots and bookings of the day, the refresh bookkeeping, and the queue of
check-ins made while the booking system was unreachable. Writes are diffs (only rows that
changed are touched), so a refresh every minute does not churn the file; days before today
are purged, so patrons' names and e-mails are kept for the day only. Never talks to the
network and never decides anything: the sync module does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.engine import Connection

from backend_sync.rooms.cache_schema import (
    bookings_t,
    categories_t,
    checkins_t,
    hours_t,
    locations_t,
    meta_t,
    open_engine,
    slots_t,
    spaces_t,
)
from kiosk.core.rooms.model import (
    CANCELLED_BY_USER,
    Booking,
    Category,
    CategoryRules,
    Location,
    OpeningHours,
    RoomsSnapshot,
    Slot,
    Space,
)


@dataclass(frozen=True)
class QueuedCheckIn:
    booking_id: str
    queued_at: datetime
    state: str
    attempts: int
    last_error: str


@dataclass(frozen=True)
class RefreshMarks:
    refreshed_at: datetime | None  # last time the booking system answered a refresh
    static_at: datetime | None  # last time locations/categories/spaces were fetched
    failed_at: datetime | None  # last failed attempt (None when the last one succeeded)
    error: str


class RoomsCache:
    def __init__(self, path: str | Path) -> None:
        self.engine = open_engine(path)
        self.rows_written = 0

    def close(self) -> None:
        self.engine.dispose()

    # ---- writes from a refresh ------------------------------------------------------------
    def store_static(
        self,
        locations: Iterable[Location],
        categories: Iterable[Category],
        spaces: Iterable[Space],
        now: datetime,
    ) -> None:
        with self.engine.begin() as conn:
            self._sync(conn, locations_t, "lid", {x.lid: {"name": x.name} for x in locations})
            self._sync(conn, categories_t, "cid", {c.cid: _category_row(c) for c in categories})
            self._sync(conn, spaces_t, "id", {s.id: _space_row(s) for s in spaces})
            self._set(conn, "static_at", now.isoformat())

    def store_hours(self, hours: Iterable[OpeningHours]) -> None:
        with self.engine.begin() as conn:
            for h in hours:
                conn.execute(
                    delete(hours_t).where(hours_t.c.lid == h.lid, hours_t.c.day == str(h.day))
                )
                conn.execute(insert(hours_t).values(lid=h.lid, day=str(h.day), **_hours_row(h)))

    def store_day(
        self,
        day: date,
        free: dict[int, tuple[Slot, ...]],
        bookings: Iterable[Booking],
        now: datetime,
    ) -> int:
        """Replace the day's slots and bookings by diff; returns the number of rows written."""
        before = self.rows_written
        slot_rows = {
            (space_id, s.start.isoformat()): {"end": s.end.isoformat(), "day": str(day)}
            for space_id, slots in free.items()
            for s in slots
        }
        with self.engine.begin() as conn:
            conn.execute(delete(slots_t).where(slots_t.c.day < str(day)))
            conn.execute(delete(bookings_t).where(bookings_t.c.day < str(day)))
            conn.execute(delete(hours_t).where(hours_t.c.day < str(day)))
            self._sync_slots(conn, day, slot_rows)
            rows = {b.booking_id: _booking_row(b) for b in bookings}
            self._sync(conn, bookings_t, "booking_id", rows, bookings_t.c.day == str(day))
            self._set(conn, "refreshed_at", now.isoformat())
            self._set(conn, "failed_at", "")
            self._set(conn, "error", "")
        return self.rows_written - before

    def mark_failed(self, now: datetime, error: str) -> None:
        with self.engine.begin() as conn:
            self._set(conn, "failed_at", now.isoformat())
            self._set(conn, "error", error[:300])

    # ---- writes after the kiosk's own actions ---------------------------------------------
    def apply_booking(self, booking: Booking) -> None:
        """Show a booking just made at once: add it, take its slots off the free list."""
        with self.engine.begin() as conn:
            conn.execute(delete(bookings_t).where(bookings_t.c.booking_id == booking.booking_id))
            conn.execute(
                insert(bookings_t).values(booking_id=booking.booking_id, **_booking_row(booking))
            )
            for start, end in conn.execute(
                select(slots_t.c.start, slots_t.c.end).where(slots_t.c.space_id == booking.space_id)
            ).all():
                if booking.overlaps(datetime.fromisoformat(start), datetime.fromisoformat(end)):
                    conn.execute(
                        delete(slots_t).where(
                            slots_t.c.space_id == booking.space_id, slots_t.c.start == start
                        )
                    )

    def apply_cancel(self, booking_id: str) -> None:
        self._update_booking(booking_id, status=CANCELLED_BY_USER)

    def apply_check_in(self, booking_id: str) -> None:
        self._update_booking(booking_id, checked_in=True)

    def replace_free(self, day: date, free: dict[int, tuple[Slot, ...]]) -> None:
        with self.engine.begin() as conn:
            for space_id, slots in free.items():
                conn.execute(
                    delete(slots_t).where(slots_t.c.space_id == space_id, slots_t.c.day == str(day))
                )
                for s in slots:
                    conn.execute(
                        insert(slots_t).values(
                            space_id=space_id,
                            start=s.start.isoformat(),
                            end=s.end.isoformat(),
                            day=str(day),
                        )
                    )

    # ---- the queue of offline check-ins ---------------------------------------------------
    def queue_check_in(self, booking_id: str, now: datetime) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(checkins_t).where(checkins_t.c.booking_id == booking_id))
            conn.execute(
                insert(checkins_t).values(
                    booking_id=booking_id,
                    queued_at=now.isoformat(),
                    state="pending",
                    attempts=0,
                    last_error="",
                )
            )

    def queued_check_ins(self, state: str | None = "pending") -> tuple[QueuedCheckIn, ...]:
        query = select(checkins_t).order_by(checkins_t.c.queued_at)
        if state is not None:
            query = query.where(checkins_t.c.state == state)
        with self.engine.connect() as conn:
            return tuple(
                QueuedCheckIn(
                    r.booking_id,
                    datetime.fromisoformat(r.queued_at),
                    r.state,
                    r.attempts,
                    r.last_error,
                )
                for r in conn.execute(query)
            )

    def check_in_sent(self, booking_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(checkins_t).where(checkins_t.c.booking_id == booking_id))

    def check_in_failed(self, booking_id: str, error: str, refused: bool) -> None:
        values = {"attempts": checkins_t.c.attempts + 1, "last_error": error[:300]}
        if refused:
            values["state"] = "refused"
        with self.engine.begin() as conn:
            conn.execute(
                update(checkins_t).where(checkins_t.c.booking_id == booking_id).values(**values)
            )

    # ---- reading ----------------------------------------------------------------------------
    def marks(self) -> RefreshMarks:
        with self.engine.connect() as conn:
            values = dict(conn.execute(select(meta_t.c.key, meta_t.c.value)).all())
        return RefreshMarks(
            _when(values.get("refreshed_at")),
            _when(values.get("static_at")),
            _when(values.get("failed_at")),
            values.get("error") or "",
        )

    def booking(self, booking_id: str) -> Booking | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(bookings_t).where(bookings_t.c.booking_id == booking_id)
            ).first()
        return _booking(row) if row is not None else None

    def has_hours(self, day: date) -> bool:
        with self.engine.connect() as conn:
            return (
                conn.execute(select(hours_t.c.lid).where(hours_t.c.day == str(day))).first()
                is not None
            )

    def open_on(self, day: date) -> bool:
        """Some location is open on ``day``, as far as the stored hours say."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(hours_t.c.opens).where(hours_t.c.day == str(day)))
            return any(r.opens for r in rows)

    def snapshot(self, day: date, now: datetime, stale_after: timedelta) -> RoomsSnapshot:
        marks = self.marks()
        with self.engine.connect() as conn:
            free: dict[int, list[Slot]] = {}
            for r in conn.execute(
                select(slots_t).where(slots_t.c.day == str(day)).order_by(slots_t.c.start)
            ):
                free.setdefault(r.space_id, []).append(Slot(_dt(r.start), _dt(r.end)))
            snap = RoomsSnapshot(
                day=day,
                locations=tuple(Location(r.lid, r.name) for r in conn.execute(select(locations_t))),
                categories=tuple(_category(r) for r in conn.execute(select(categories_t))),
                spaces=tuple(
                    Space(r.id, r.lid, r.cid, r.name, r.capacity)
                    for r in conn.execute(select(spaces_t))
                ),
                hours=tuple(  # today's, and coming days' when fetched (the next opening)
                    OpeningHours(r.lid, date.fromisoformat(r.day), _when(r.opens), _when(r.closes))
                    for r in conn.execute(
                        select(hours_t).where(hours_t.c.day >= str(day)).order_by(hours_t.c.day)
                    )
                ),
                free={k: tuple(v) for k, v in free.items()},
                bookings=tuple(
                    _booking(r)
                    for r in conn.execute(
                        select(bookings_t)
                        .where(bookings_t.c.day == str(day))
                        .order_by(bookings_t.c.start)
                    )
                ),
                refreshed_at=marks.refreshed_at,
                stale=marks.failed_at is not None
                or marks.refreshed_at is None
                or now - marks.refreshed_at > stale_after,
            )
        return snap

    # ---- inside -------------------------------------------------------------------------------
    def _sync(self, conn: Connection, table: Table, key: str, rows: dict, scope=None) -> None:
        """Make `table` (within `scope`) hold exactly `rows`, touching only what differs."""
        column = table.c[key]
        query = select(table) if scope is None else select(table).where(scope)
        current = {
            r._mapping[key]: {k: v for k, v in r._mapping.items() if k != key}
            for r in conn.execute(query)
        }
        gone = [k for k in current if k not in rows]
        if gone:
            conn.execute(delete(table).where(column.in_(gone)))
        for k, row in rows.items():
            if k not in current:
                conn.execute(insert(table).values({key: k, **row}))
            elif current[k] != row:
                conn.execute(update(table).where(column == k).values(**row))
            else:
                continue
            self.rows_written += 1
        self.rows_written += len(gone)

    def _sync_slots(self, conn: Connection, day: date, rows: dict) -> None:
        current = {
            (r.space_id, r.start): {"end": r.end, "day": r.day}
            for r in conn.execute(select(slots_t).where(slots_t.c.day == str(day)))
        }
        for space_id, start in current.keys() - rows.keys():
            conn.execute(
                delete(slots_t).where(slots_t.c.space_id == space_id, slots_t.c.start == start)
            )
            self.rows_written += 1
        for (space_id, start), row in rows.items():
            if current.get((space_id, start)) != row:
                conn.execute(
                    delete(slots_t).where(slots_t.c.space_id == space_id, slots_t.c.start == start)
                )
                conn.execute(insert(slots_t).values(space_id=space_id, start=start, **row))
                self.rows_written += 1

    def _update_booking(self, booking_id: str, **values: object) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(bookings_t).where(bookings_t.c.booking_id == booking_id).values(**values)
            )

    @staticmethod
    def _set(conn: Connection, key: str, value: str) -> None:
        conn.execute(delete(meta_t).where(meta_t.c.key == key))
        conn.execute(insert(meta_t).values(key=key, value=value))


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _category_row(c: Category) -> dict:
    return {"lid": c.lid, "name": c.name, "rules": json.dumps(asdict(c.rules), sort_keys=True)}


def _category(r) -> Category:
    return Category(r.cid, r.lid, r.name, CategoryRules(**json.loads(r.rules)))


def _space_row(s: Space) -> dict:
    return {"lid": s.lid, "cid": s.cid, "name": s.name, "capacity": s.capacity}


def _hours_row(h: OpeningHours) -> dict:
    return {
        "opens": h.opens.isoformat() if h.opens else None,
        "closes": h.closes.isoformat() if h.closes else None,
    }


def _booking_row(b: Booking) -> dict:
    return {
        "space_id": b.space_id,
        "start": b.start.isoformat(),
        "end": b.end.isoformat(),
        "status": b.status,
        "first_name": b.first_name,
        "last_name": b.last_name,
        "email": b.email,
        "checked_in": b.checked_in,
        "day": str(b.start.date()),
    }


def _booking(r) -> Booking:
    return Booking(
        r.booking_id,
        r.space_id,
        _dt(r.start),
        _dt(r.end),
        r.status,
        r.first_name,
        r.last_name,
        r.email,
        bool(r.checked_in),
    )
