"""Restarts in the middle of a load and of a pickup: the saved state plus the sensors give
back every load, and no door is opened by the restart (the in-memory "store" below keeps
the JSON the service saves at each change; the SQLite store and kill -9 come later)."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from kiosk.core.lockers.recovery import reconcile, restore, snapshot
from kiosk.core.lockers.service import LockerService

Bank = Any  # conftest.Bank


@pytest.fixture
def saved(bank: Bank) -> list[str]:
    saves: list[str] = []
    bank.service.on_change = lambda: saves.append(json.dumps(snapshot(bank.service)))
    return saves


def restart(bank: Bank, saved_json: str) -> LockerService:
    """A new process: fresh service on the same physical bank, state from the store."""
    old = bank.service
    service = LockerService(
        [c.spec for c in old.compartments.values()], old.policy, bank.hardware, bank.ils,
        bank.mail, random.Random(99),
    )  # fmt: skip
    releases = len(bank.hardware.releases)
    owed = restore(service, json.loads(saved_json))
    reconcile(service, owed, bank.now)
    assert len(bank.hardware.releases) == releases, "a restart must never open a door"
    bank.service = service
    return service


def uses(service: LockerService) -> dict[int, str]:
    return {n: c["use"] for n, c in service.overview().items() if c["use"] != "free"}


def test_crash_while_loading_then_door_closed_during_outage(bank: Bank, saved) -> None:
    bank.ils.holds["I1"] = ("P1", "KNYGOMATAS")
    comp = bank.service.start_load("s", "I1", bank.now).compartment
    crash_state = saved[-1]
    bank.model.put_item(comp)
    bank.model.close_door(comp)
    service = restart(bank, crash_state)
    assert uses(service) == {comp: "held"}
    [notice] = bank.mail.notices
    assert service.pickup_by_code(notice.code, bank.now).compartments == (comp,)


def test_crash_while_loading_door_still_open(bank: Bank, saved) -> None:
    bank.ils.holds["I1"] = ("P1", "KNYGOMATAS")
    comp = bank.service.start_load("s", "I1", bank.now).compartment
    service = restart(bank, saved[-1])
    assert uses(service) == {comp: "loading"} and bank.service.alarms.active() == []
    bank.model.put_item(comp)
    bank.model.close_door(comp)
    bank.tick()
    assert uses(service) == {comp: "held"} and len(bank.mail.notices) == 1


def test_crash_while_loading_closed_empty_drops_the_load(bank: Bank, saved) -> None:
    bank.ils.holds["I1"] = ("P1", "KNYGOMATAS")
    comp = bank.service.start_load("s", "I1", bank.now).compartment
    bank.model.close_door(comp)
    service = restart(bank, saved[-1])
    assert uses(service) == {} and bank.mail.notices == []
    assert [a.kind.value for a in service.alarms.active()] == ["occupancy_mismatch"]


def test_crash_after_release_before_the_opening_was_seen(bank: Bank, saved) -> None:
    comp = bank.load("I1", "P1")
    bank.service.pickup_by_code(bank.mail.notices[0].code, bank.now)
    crash_state = saved[-1]
    bank.model.take_items(comp)
    bank.model.close_door(comp)
    service = restart(bank, crash_state)
    assert uses(service) == {}
    assert bank.ils.checkouts == [("P1", "I1")]


def test_crash_after_checkout_patron_closes_during_outage(bank: Bank, saved) -> None:
    comp = bank.load("I1", "P1")
    bank.service.pickup_by_code(bank.mail.notices[0].code, bank.now)
    bank.tick()
    assert bank.ils.checkouts == [("P1", "I1")]
    crash_state = saved[-1]
    bank.model.take_items(comp)
    bank.model.close_door(comp)
    service = restart(bank, crash_state)
    assert uses(service) == {} and bank.ils.checkouts == [("P1", "I1")]


def test_crash_between_code_accepted_and_release(bank: Bank, saved) -> None:
    comp = bank.load("I1", "P1")
    before = len(saved)
    bank.service.pickup_by_code(bank.mail.notices[0].code, bank.now)
    intent_only = saved[before]  # saved before the lock was pulsed
    assert json.loads(intent_only)["compartments"][str(comp)]["door"] == "locked"
    bank.model.close_door(comp)  # the pulse did happen here; the door shuts again unopened
    service = restart(bank, intent_only)
    assert uses(service) == {comp: "held"}
    assert len(bank.mail.notices) == 2, "the patron gets a new code for the unused one"
    assert service.pickup_by_code(bank.mail.notices[0].code, bank.now).reason == "wrong_code"
    assert service.pickup_by_code(bank.mail.notices[1].code, bank.now).compartments == (comp,)


def test_unsent_notice_is_sent_with_a_new_code_after_restart(bank: Bank, saved) -> None:
    bank.mail.failing = True
    comp = bank.load("I1", "P1")
    bank.mail.failing = False
    saved_state = json.loads(saved[-1])
    assert saved_state["unsent_patrons"] == ["P1"]
    assert all(len(r["digest"]) == 64 for r in saved_state["codes"])
    service = restart(bank, saved[-1])
    [notice] = bank.mail.notices
    assert service.pickup_by_code(notice.code, bank.now).compartments == (comp,)


def test_door_open_at_restart_without_release_is_forced(bank: Bank, saved) -> None:
    comp = bank.load("I1", "P1")
    bank.model.force_door(comp)
    service = restart(bank, saved[-1])
    assert [a.kind.value for a in service.alarms.active()] == ["door_forced"]
    assert uses(service) == {comp: "held"}


def test_snapshot_never_holds_a_code_in_clear(bank: Bank, saved) -> None:
    bank.load("I1", "P1")
    code = bank.mail.notices[0].code
    assert all(code not in text for text in saved)
