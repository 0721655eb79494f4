"""The runner: start-up (coils off, restore from the SQLite store, reconcile, no door
opened), the poll thread turning sensor changes into state that is saved, a poll that
fails not stopping the thread, and a board that is down at start-up not stopping the bank."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backend_sync.lockers.runner import LockerRunner
from backend_sync.lockers.schema import LockerStoreError
from backend_sync.lockers.store import SqliteLockerStore
from kiosk.core.lockers.model import CompartmentSpec
from kiosk.core.lockers.policy import LockerPolicy
from kiosk.core.lockers.ports import Checkout, DeviceUnavailable, HoldCheckin, PickupNotice
from kiosk.core.lockers.service import LockerService
from simulators.models.locker_bank import BoardSpec, Line, LockerBankModel
from simulators.models.locker_fake import FakeLockHardware

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


class Ils:
    def checkin(self, item_id: str, now: datetime) -> HoldCheckin:
        return HoldCheckin(item_id, True, "2100000001", "K", "Metai", "lt", "ona@example.lt")

    def checkout(self, patron_id: str, item_id: str, now: datetime) -> Checkout:
        return Checkout(item_id, True)

    def authenticate_patron(self, card: str, pin: str, now: datetime) -> str | None:
        return None


class Notices:
    def __init__(self) -> None:
        self.sent: list[PickupNotice] = []

    def send_pickup_code(self, notice: PickupNotice) -> None:
        self.sent.append(notice)


class FlakyHardware(FakeLockHardware):
    """The in-process bank, whose sensor read fails ``failures`` times (a driver bug, say)
    and whose coil reset fails when the board is down."""

    def __init__(self, model: LockerBankModel, failures: int = 0, board_down: bool = False):
        super().__init__(model)
        self.failures = failures
        self.board_down = board_down
        self.resets = 0

    def read_all(self):
        if self.failures:
            self.failures -= 1
            raise RuntimeError("driver bug")
        return super().read_all()

    def reset_coils(self) -> None:
        if self.board_down:
            raise DeviceUnavailable("b1", "no answer")
        self.resets += 1


@pytest.fixture
def model() -> LockerBankModel:
    lines = [Line(n, "b1", n - 1, n - 1, 7 + n) for n in range(1, 5)]
    return LockerBankModel([BoardSpec("b1", "modbus", 1, 4, 16)], lines)


def runner_for(model, tmp_path: Path, hardware: FlakyHardware, notices: Notices) -> LockerRunner:
    specs = [CompartmentSpec(line.compartment, "M", 100, True, "b1") for line in model.lines()]
    service = LockerService(
        specs, LockerPolicy(pickup_location="K", code_hash_iterations=10),
        hardware, Ils(), notices, random.Random(3),
    )  # fmt: skip
    store = SqliteLockerStore(tmp_path / "lockers.sqlite", clock=lambda: T0)
    return LockerRunner(service, store, hardware.reset_coils, 0.01, lambda: T0, [store.close])


def eventually(check: Callable[[], bool]) -> bool:
    for _ in range(500):
        if check():
            return True
        time.sleep(0.01)
    return False


def test_the_poll_thread_drives_a_load_and_saves_it(model, tmp_path: Path) -> None:
    hardware, notices = FlakyHardware(model), Notices()
    runner = runner_for(model, tmp_path, hardware, notices).start()
    try:
        assert hardware.resets == 1
        comp = runner.call(lambda s, now: s.start_load("staff", "LT-1", now)).compartment
        assert eventually(lambda: runner.call(lambda s, _n: s.compartments[comp].door.state)
                          .value == "open")  # fmt: skip
        model.put_item(comp)
        model.close_door(comp)
        assert eventually(lambda: len(notices.sent) == 1)
    finally:
        runner.close()
    saved = SqliteLockerStore(tmp_path / "lockers.sqlite").load()
    assert saved["compartments"][str(comp)]["use"] == "held"


def test_a_failing_poll_does_not_stop_the_thread(model, tmp_path: Path, caplog) -> None:
    hardware = FlakyHardware(model)
    runner = runner_for(model, tmp_path, hardware, Notices())
    runner.start_up()
    hardware.failures = 3
    polled = threading.Event()
    original = runner.service.poll

    def poll(now):
        done = original(now)
        polled.set()
        return done

    runner.service.poll = poll
    runner.start()
    try:
        assert polled.wait(5)
        assert hardware.failures == 0
        assert "locker poll failed" in caplog.text
    finally:
        runner.close()


def test_a_board_down_at_start_up_does_not_stop_the_bank(model, tmp_path, caplog) -> None:
    hardware = FlakyHardware(model, board_down=True)
    runner = runner_for(model, tmp_path, hardware, Notices())
    runner.start_up()
    assert "coils not reset at start-up" in caplog.text
    assert runner.call(lambda s, now: s.start_load("staff", "LT-1", now)).compartment == 1
    runner.close()


def test_start_up_restores_and_opens_no_door(model, tmp_path: Path) -> None:
    hardware, notices = FlakyHardware(model), Notices()
    first = runner_for(model, tmp_path, hardware, notices)
    first.start_up()
    comp = first.call(lambda s, now: s.start_load("staff", "LT-1", now)).compartment
    first.close()  # the kiosk goes down with the door open; staff finish the load
    model.put_item(comp)
    model.close_door(comp)
    releases = model.status()["compartments"][str(comp)]["releases"]
    second = runner_for(model, tmp_path, FlakyHardware(model), notices)
    second.start_up()
    try:
        assert second.service.compartments[comp].use.value == "held"
        assert len(notices.sent) == 1
        assert model.status()["compartments"][str(comp)]["releases"] == releases == 1
    finally:
        second.close()


def test_one_process_drives_the_bank(model, tmp_path: Path) -> None:
    first = runner_for(model, tmp_path, FlakyHardware(model), Notices())
    first.start_up()
    second = runner_for(model, tmp_path, FlakyHardware(model), Notices())
    with pytest.raises(LockerStoreError, match="another kiosk process"):
        second.start_up()
    second.close()
    first.close()  # released: the next start may drive it
    third = runner_for(model, tmp_path, FlakyHardware(model), Notices())
    third.start_up()
    third.close()
