"""The locker logic on an in-process bank (the shared behaviour model), with a stand-in ILS
and notifier: those ports belong to other packages (SIP2 client, notifier) and have no
running implementation yet."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.core.errors import LibraryUnavailable
from kiosk.core.lockers.model import CompartmentSpec
from kiosk.core.lockers.policy import LockerPolicy
from kiosk.core.lockers.ports import Checkout, HoldCheckin, PickupNotice
from kiosk.core.lockers.service import LockerService
from simulators.models.locker_bank import BoardSpec, Line, LockerBankModel
from simulators.models.locker_fake import FakeLockHardware

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@dataclass
class StandInIls:
    holds: dict[str, tuple[str, str]] = field(default_factory=dict)  # item -> (patron, place)
    patrons: dict[tuple[str, str], str] = field(default_factory=dict)
    reachable: bool = True
    checkins: list[str] = field(default_factory=list)
    checkouts: list[tuple[str, str]] = field(default_factory=list)

    def checkin(self, item_id: str, now: datetime) -> HoldCheckin:
        self.checkins.append(item_id)
        if item_id not in self.holds:
            return HoldCheckin(item_id, ok=True, screen_message="no hold")
        patron, place = self.holds[item_id]
        return HoldCheckin(item_id, True, patron, place, f"Title {item_id}", "lt", f"{patron}@x.lt")

    def checkout(self, patron_id: str, item_id: str, now: datetime) -> Checkout:
        self.checkouts.append((patron_id, item_id))
        return Checkout(item_id, ok=True)

    def authenticate_patron(self, card: str, pin: str, now: datetime) -> str | None:
        if not self.reachable:
            raise LibraryUnavailable("stand-in ILS offline")
        return self.patrons.get((card, pin))


@dataclass
class Mailbox:
    notices: list[PickupNotice] = field(default_factory=list)
    failing: bool = False

    def send_pickup_code(self, notice: PickupNotice) -> None:
        if self.failing:
            raise ConnectionError("smtp down")
        self.notices.append(notice)


@dataclass
class Bank:
    service: LockerService
    model: LockerBankModel
    hardware: FakeLockHardware
    ils: StandInIls
    mail: Mailbox
    now: datetime = T0

    def tick(self, seconds: float = 1.0) -> list:
        self.now += timedelta(seconds=seconds)
        return self.service.poll(self.now)

    def load(self, item: str, patron: str = "P1", size: str = "S") -> int:
        """Run a whole load: open, put the item in, close; return the compartment."""
        self.ils.holds.setdefault(item, (patron, "KNYGOMATAS"))
        started = self.service.start_load("staff1", item, self.now, size=size)
        comp = started.compartment
        self.tick()
        self.model.put_item(comp)
        self.model.close_door(comp)
        self.tick()
        return comp


def make_bank(n_modbus: int = 4, n_second: int = 2) -> Bank:
    boards = [BoardSpec("b1", "modbus", 1), BoardSpec("b2", "modbus", 2)]
    lines = [Line(n, "b1", n - 1, n - 1, 15 + n) for n in range(1, n_modbus + 1)]
    lines += [Line(100 + n, "b2", n - 1, n - 1, 15 + n) for n in range(1, n_second + 1)]
    model = LockerBankModel(boards, lines)
    specs = [
        CompartmentSpec(n, "S" if n % 2 else "M", 40 * n, board="b1")
        for n in range(1, n_modbus + 1)
    ]
    specs += [CompartmentSpec(100 + n, "L", 160, board="b2") for n in range(1, n_second + 1)]
    hardware = FakeLockHardware(model)
    ils, mail = StandInIls(), Mailbox()
    policy = LockerPolicy(
        pickup_location="KNYGOMATAS",
        code_hash_iterations=10,
        max_wrong_codes=3,
        door_open_limit=timedelta(seconds=60),
        low_height_cm=100,
    )
    service = LockerService(specs, policy, hardware, ils, mail, random.Random(7))
    return Bank(service, model, hardware, ils, mail)


@pytest.fixture
def bank() -> Bank:
    return make_bank()


@pytest.fixture
def bank_factory() -> Callable[..., Bank]:
    return make_bank
