"""Retention in the locker store, on real SQLite files: while a load waits in its
compartment the store keeps its patron (id, e-mail, phone) and an active code; once it is
picked up, or retrieved by staff after expiry, only a history row remains (item,
compartment, times, loaded_by, outcome) and the patron's bytes are gone from the file and
its WAL; spent codes are never written; the sweep drops those an older version wrote."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from backend_sync.lockers import schema as t
from backend_sync.lockers.store import SqliteLockerStore, _code_row, outcome
from kiosk.core.lockers.model import CompartmentSpec
from kiosk.core.lockers.policy import LockerPolicy
from kiosk.core.lockers.ports import Checkout, HoldCheckin
from kiosk.core.lockers.recovery import snapshot
from kiosk.core.lockers.service import LockerService
from simulators.models.locker_bank import LockerBankModel
from simulators.models.locker_fake import FakeLockHardware

from . import test_locker_store as store_tests
from .test_locker_store import T0, Notices

model = store_tests.model  # the store tests' fixture: a six-compartment bank model

PATRON, EMAIL, PHONE = "2100000001", "ona@pastas.lt", "+37060000001"
LOADER = "******0007"  # the staff member as the core names them: masked


class Ils:
    def checkin(self, item_id: str, now: datetime) -> HoldCheckin:
        return HoldCheckin(item_id, True, PATRON, "K", f"Knyga {item_id}", "lt", EMAIL, PHONE)

    def checkout(self, patron_id: str, item_id: str, now: datetime) -> Checkout:
        return Checkout(item_id, True)

    def authenticate_patron(self, card: str, pin: str, now: datetime) -> str | None:
        return None


def patron_bytes(folder: Path) -> list[bytes]:
    raw = b"".join(p.read_bytes() for p in folder.iterdir() if p.is_file())
    return [x for x in (PATRON.encode(), EMAIL.encode(), PHONE.encode()) if x in raw]


def bank(model: LockerBankModel, tmp_path: Path) -> tuple[LockerService, SqliteLockerStore]:
    specs = [CompartmentSpec(line.compartment, "M", 100, True, "b1") for line in model.lines()]
    service = LockerService(
        specs, LockerPolicy(pickup_location="K", code_hash_iterations=10),
        FakeLockHardware(model), Ils(), Notices(), random.Random(1),
    )  # fmt: skip
    store = SqliteLockerStore(tmp_path / "lockers.sqlite")
    service.on_change = lambda: store.save(snapshot(service))
    return service, store


def load(service: LockerService, model: LockerBankModel, item: str, now: datetime) -> int:
    comp = service.start_load(LOADER, item, now).compartment
    service.poll(now)
    model.put_item(comp)
    model.close_door(comp)
    service.poll(now)
    return comp


def empty(service: LockerService, model: LockerBankModel, comp: int, now: datetime) -> None:
    service.poll(now)  # the released door is seen open: the item is handed over
    model.take_items(comp)
    model.close_door(comp)
    service.poll(now)


def test_a_picked_up_load_leaves_a_history_row_and_no_patron(
    model: LockerBankModel, tmp_path: Path
) -> None:
    service, store = bank(model, tmp_path)
    comp = load(service, model, "LT-1", T0)
    assert patron_bytes(tmp_path) == [b"2100000001", b"ona@pastas.lt", b"+37060000001"]
    (notice,) = service.notifier.sent
    service.pickup_by_code(notice.code, T0 + timedelta(hours=1))
    empty(service, model, comp, T0 + timedelta(hours=1))
    saved = store.load()
    assert saved["codes"] == [] and saved["unsent_patrons"] == []
    assert all(not c["loads"] for c in saved["compartments"].values())
    (row,) = store.history()
    assert {k: v for k, v in row.items() if k not in ("id", "ended_at")} == {
        "item_id": "LT-1", "compartment": comp, "loaded_at": T0.isoformat(),
        "deadline": (T0 + timedelta(hours=48)).isoformat(), "loaded_by": LOADER,
        "outcome": "picked_up",
    }  # fmt: skip
    assert patron_bytes(tmp_path) == []  # while the kiosk runs: file and WAL alike


def test_a_load_retrieved_after_expiry_keeps_no_patron(
    model: LockerBankModel, tmp_path: Path
) -> None:
    service, store = bank(model, tmp_path)
    comp = load(service, model, "LT-2", T0)
    later = T0 + timedelta(hours=49)
    assert service.mark_expired(later) == [comp]
    assert [line.item_id for line in service.open_expired(LOADER, later)] == ["LT-2"]
    empty(service, model, comp, later)
    assert [r["outcome"] for r in store.history()] == ["retrieved"]
    assert store.load()["codes"] == []  # the expired code was revoked: not written
    assert patron_bytes(tmp_path) == []


def test_a_waiting_load_keeps_its_patron_and_one_active_code(
    model: LockerBankModel, tmp_path: Path
) -> None:
    service, store = bank(model, tmp_path)
    load(service, model, "LT-1", T0)
    service.issue_code(PATRON, T0 + timedelta(minutes=5))  # a resent code revokes the first
    saved = store.load()
    (code,) = saved["codes"]
    assert code["patron_id"] == PATRON and not code["revoked"] and code["used_at"] is None
    assert len(service.codes.records) == 2  # the logic still holds the revoked one
    assert store.history() == []


def test_the_sweep_drops_spent_codes_an_older_version_wrote(
    model: LockerBankModel, tmp_path: Path
) -> None:
    service, store = bank(model, tmp_path)
    load(service, model, "LT-1", T0)
    spent = {**store.load()["codes"][0], "patron_id": "2100000099", "used_at": T0.isoformat()}
    with store.engine.begin() as db:  # as a version before retention left it
        db.execute(t.codes.insert().values(_code_row(spent)))
    assert store.sweep(dry_run=True) == {"spent_codes_dropped": 1, "loads_kept": 1}
    assert len(store.load()["codes"]) == 2
    assert store.sweep() == {"spent_codes_dropped": 1, "loads_kept": 1}
    assert [c["patron_id"] for c in store.load()["codes"]] == [PATRON]


@pytest.mark.parametrize(
    ("before", "after", "pending", "expected"),
    [
        ("pickup", "free", False, "picked_up"),
        ("held", "free", False, "picked_up"),  # opened and closed between two saves
        ("retrieving", "free", False, "retrieved"),
        ("expired", "free", False, "retrieved"),
        ("pickup", "needs_staff", False, "left_behind"),
        ("loading", "free", True, "load_abandoned"),
        ("free", "free", False, "removed"),
    ],
)
def test_outcome_of_an_ended_load(before: str, after: str, pending: bool, expected: str) -> None:
    assert outcome(before, after, pending) == expected
