"""kiosk/wiring/locks.py: the [lockers] table becomes the drivers' BoardSpec and
CompartmentLines, the core's LockerPolicy and CompartmentSpecs, and the lock bank."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from device_drivers.locks.boards import BoardSpec, CompartmentLines
from kiosk.core.lockers.model import CompartmentSpec
from kiosk.core.lockers.policy import LockerPolicy
from kiosk.settings import load_settings
from kiosk.settings.lockers import BoardSettings, LockersSection
from kiosk.wiring.locks import (
    board_specs_from,
    compartment_lines_from,
    compartment_specs_from,
    lock_bank_from,
    locker_policy_from,
)

CONFIG = Path(__file__).parents[3] / "config"


def demo_lockers() -> LockersSection:
    section = load_settings(CONFIG / "demo.toml").lockers
    assert section is not None
    return section


def test_the_demo_board_becomes_a_board_spec() -> None:
    assert board_specs_from(demo_lockers()) == (
        BoardSpec(
            name="b1", family="modbus", transport="tcp", host="127.0.0.1", port=5020,
            device=None, baudrate=9600, address=1, locks=16, inputs=32, pulse_s=0.5,
            timeout_s=0.5, retries=2,
        ),
    )  # fmt: skip


def test_every_board_key_reaches_the_spec() -> None:
    board = BoardSettings(
        name="k7", family="kerong", transport="serial", device="/dev/ttyUSB3", baudrate=19200,
        address=7, locks=12, inputs=24, pulse_s=0.0, timeout_s=0.3, retries=4,
    )  # fmt: skip
    section = LockersSection(
        boards=[board], compartments=[{"id": 1, "board": "k7", "lock": 0, "door": 0}]
    )
    [spec] = board_specs_from(section)
    assert {k: getattr(spec, k) for k in BoardSettings.model_fields} == board.model_dump()


def test_compartments_become_board_lines_and_core_specs() -> None:
    section = demo_lockers()
    lines = compartment_lines_from(section)
    specs = compartment_specs_from(section)
    assert len(lines) == len(specs) == 16
    assert lines[0] == CompartmentLines(id=1, board="b1", lock=0, door=0, occupancy=16)
    assert specs[0] == CompartmentSpec(1, "S", 150, True, "b1")
    assert specs[-1] == CompartmentSpec(16, "L", 30, True, "b1")


def test_the_demo_rules_become_the_locker_policy() -> None:
    assert locker_policy_from(demo_lockers()) == LockerPolicy(
        locker_name="Knygomatas prie bibliotekos",
        pickup_location="KNYGOMATAS-1",
        release_timeout=timedelta(seconds=3),
        door_open_limit=timedelta(minutes=2),
        low_height_cm=120,
        code_length=6,
        code_ttl=timedelta(hours=48),
        code_hash_iterations=100_000,
        max_wrong_codes=5,
        keypad_lockout=timedelta(minutes=5),
        staff_pin_required=True,
    )
    card_only = demo_lockers().model_copy(update={"staff_auth": "card"})
    assert not locker_policy_from(card_only).staff_pin_required


def test_lock_bank_from_opens_the_boards_without_a_request() -> None:
    section = demo_lockers().model_copy(update={"board_probe_s": 9.0})
    bank = lock_bank_from(section)  # nothing listens on 5020: the first request would say so
    try:
        assert bank.compartments == compartment_lines_from(section)
        assert bank.board_probe_s == 9.0
        assert set(bank.health()) == {"b1"}
    finally:
        bank.close()
