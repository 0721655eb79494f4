"""The SQLite locker store: what the logic saves comes back exactly (codes as salt + digest
only), a save is all-or-nothing, the schema is versioned and a newer file is refused, and
the event trail records each compartment's use changes."""

from __future__ import annotations

import random
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend_sync.lockers.schema import VERSION, SchemaTooNew
from backend_sync.lockers.store import SqliteLockerStore, retained
from kiosk.core.lockers.model import CompartmentSpec
from kiosk.core.lockers.policy import LockerPolicy
from kiosk.core.lockers.ports import Checkout, HoldCheckin, PickupNotice
from kiosk.core.lockers.recovery import restore, snapshot
from kiosk.core.lockers.service import LockerService
from simulators.models.locker_bank import BoardSpec, Line, LockerBankModel
from simulators.models.locker_fake import FakeLockHardware

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


class Ils:
    def checkin(self, item_id: str, now: datetime) -> HoldCheckin:
        patron = "2100000002" if item_id.endswith("2") else "2100000001"
        return HoldCheckin(item_id, True, patron, "K", f"Knyga {item_id}", "lt", "a@b.lt", "+370")

    def checkout(self, patron_id: str, item_id: str, now: datetime) -> Checkout:
        return Checkout(item_id, True)

    def authenticate_patron(self, card: str, pin: str, now: datetime) -> str | None:
        return None


class Notices:
    def __init__(self) -> None:
        self.sent: list[PickupNotice] = []
        self.failing = False

    def send_pickup_code(self, notice: PickupNotice) -> None:
        if self.failing:
            raise ConnectionError("down")
        self.sent.append(notice)


def service_on(model: LockerBankModel, notices: Notices) -> LockerService:
    specs = [CompartmentSpec(line.compartment, "M", 100, True, "b1") for line in model.lines()]
    return LockerService(
        specs, LockerPolicy(pickup_location="K", code_hash_iterations=10),
        FakeLockHardware(model), Ils(), notices, random.Random(1),
    )  # fmt: skip


@pytest.fixture
def model() -> LockerBankModel:
    lines = [Line(n, "b1", n - 1, n - 1, 7 + n) for n in range(1, 7)]
    return LockerBankModel([BoardSpec("b1", "modbus", 1, 6, 16)], lines)


def busy_bank(model: LockerBankModel, notices: Notices) -> LockerService:
    """Two held loads (one patron with two items), one load in progress, one unsent notice,
    a spent code and a wrong keypad entry: every part of the snapshot is non-trivial."""
    service = service_on(model, notices)
    for item in ("LT-1", "LT-3"):
        comp = service.start_load("staff", item, T0).compartment
        service.poll(T0)
        model.put_item(comp)
        model.close_door(comp)
        service.poll(T0 + timedelta(seconds=1))
    notices.failing = True
    comp = service.start_load("staff", "LT-2", T0).compartment
    service.poll(T0)
    model.put_item(comp)
    model.close_door(comp)
    service.poll(T0 + timedelta(seconds=2))
    service.start_load("staff", "LT-4", T0)
    service.pickup_by_code("000000", T0)
    return service


def test_snapshot_round_trip(model: LockerBankModel, tmp_path: Path) -> None:
    service = busy_bank(model, Notices())
    store = SqliteLockerStore(tmp_path / "lockers.sqlite")
    assert store.load() is None
    saved = retained(snapshot(service))  # spent codes are not written (retention)
    store.save(snapshot(service))
    assert store.load() == saved
    again = SqliteLockerStore(tmp_path / "lockers.sqlite")  # a new process
    fresh = service_on(model, Notices())
    assert restore(fresh, dict(again.load())) == ["2100000002"]
    assert snapshot(fresh) == {**saved, "unsent_patrons": []}  # owed: reconcile sends them


def test_no_code_in_clear_on_disk(model: LockerBankModel, tmp_path: Path) -> None:
    notices = Notices()
    service = service_on(model, notices)
    store = SqliteLockerStore(tmp_path / "lockers.sqlite")
    service.on_change = lambda: store.save(snapshot(service))
    comp = service.start_load("staff", "LT-1", T0).compartment
    service.poll(T0)
    model.put_item(comp)
    model.close_door(comp)
    service.poll(T0)
    [notice] = notices.sent
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert notice.code.encode() not in raw


def test_a_failed_save_leaves_the_previous_state(model: LockerBankModel, tmp_path) -> None:
    service = busy_bank(model, Notices())
    store = SqliteLockerStore(tmp_path / "lockers.sqlite")
    good = snapshot(service)
    store.save(good)
    broken = {**good, "codes": [{"patron_id": "x", "used_at": None, "revoked": False}]}
    with pytest.raises(KeyError):  # fails after the old rows are deleted
        store.save(broken)
    assert store.load() == retained(good)


def test_events_record_use_changes_without_patrons(model: LockerBankModel, tmp_path) -> None:
    service = service_on(model, Notices())
    store = SqliteLockerStore(tmp_path / "lockers.sqlite")
    service.on_change = lambda: store.save(snapshot(service))
    comp = service.start_load("staff", "LT-1", T0).compartment
    service.poll(T0)
    model.put_item(comp)
    model.close_door(comp)
    service.poll(T0)
    events = store.events(comp)
    assert [(e["before"], e["after"], e["items"]) for e in events] == [
        ("free", "loading", ["LT-1"]),
        ("loading", "held", ["LT-1"]),
    ]
    assert "2100000001" not in repr(store.events())


def test_schema_is_versioned_and_newer_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "lockers.sqlite"
    SqliteLockerStore(path).close()
    SqliteLockerStore(path).close()  # opening again migrates nothing
    with sqlite3.connect(path) as db:
        assert db.execute("select version from locker_schema").fetchall() == [(VERSION,)]
        assert db.execute("pragma journal_mode").fetchone() == ("wal",)
        db.execute("update locker_schema set version = ?", (VERSION + 1,))
    with pytest.raises(SchemaTooNew):
        SqliteLockerStore(path)


OPS = st.lists(
    st.tuples(st.sampled_from(["load", "pickup", "wrong", "expire", "notifier"]),
              st.integers(0, 3)),
    max_size=12,
)  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(ops=OPS)
def test_any_history_round_trips(ops: list[tuple[str, int]]) -> None:
    """Whatever the bank went through, the store gives back exactly what was saved."""
    lines = [Line(n, "b1", n - 1, n - 1, 7 + n) for n in range(1, 7)]
    model = LockerBankModel([BoardSpec("b1", "modbus", 1, 6, 16)], lines)
    notices = Notices()
    service = service_on(model, notices)
    now = T0
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteLockerStore(Path(tmp) / "lockers.sqlite")
        service.on_change = lambda: store.save(snapshot(service))
        service.on_change()
        for op, n in ops:
            now += timedelta(hours=n)
            apply(service, model, notices, op, n, now)
            assert store.load() == retained(snapshot(service))
        store.close()


def apply(service, model, notices: Notices, op: str, n: int, now: datetime) -> None:
    if op == "load":
        started = service.start_load("staff", f"LT-{n}{now.hour}", now)
        if hasattr(started, "compartment"):
            service.poll(now)
            model.put_item(started.compartment)
            model.close_door(started.compartment)
    elif op == "pickup" and notices.sent:
        service.pickup_by_code(notices.sent[-1].code, now)
    elif op == "wrong":
        service.pickup_by_code("999999", now)
    elif op == "notifier":
        notices.failing = not notices.failing
    elif op == "expire":
        service.mark_expired(now + timedelta(hours=48))
    service.poll(now)
