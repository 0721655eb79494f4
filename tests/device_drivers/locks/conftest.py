"""Fixtures for the lock-board drivers: a running bank simulator and settings pointing at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from kiosk.settings.lockers import LockersSection
from simulators.lockers.bank import LockerBankSimulator


@pytest.fixture(scope="module")
def running_sim() -> Iterator[LockerBankSimulator]:
    simulator = LockerBankSimulator().start()
    yield simulator
    simulator.stop()


@pytest.fixture
def sim(running_sim: LockerBankSimulator) -> LockerBankSimulator:
    """The module's simulator, reset to a new bank for each test (no order dependence)."""
    running_sim.model.reset()
    return running_sim


def bank_section(sim: LockerBankSimulator, transport: str, **board: object) -> LockersSection:
    """Compartments 1..16 on the modbus board (over TCP or the RTU pty), 17..32 on kerong."""
    return sim.lockers_section(
        transport, **{"timeout_s": 0.15, "retries": 1, "pulse_s": 0.0} | board
    )


@pytest.fixture
def section_for() -> Callable[..., LockersSection]:
    """``section_for(sim, "tcp"|"serial", **board_overrides)``: settings for the simulator."""
    return bank_section
