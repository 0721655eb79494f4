"""The real drivers (pymodbus over TCP and RTU on a pty, pyserial for Kerong) against the
locker bank simulator: releases, sensors, and every board fault."""

from collections.abc import Iterator

import pytest

from device_drivers.locks.bank import LockBank
from kiosk.core.lockers.ports import DeviceUnavailable, SensorReading
from kiosk.wiring.locks import lock_bank_from
from simulators.lockers.bank import LockerBankSimulator

MODBUS = ["tcp", "serial"]


@pytest.fixture(params=MODBUS)
def bank(
    request: pytest.FixtureRequest, sim: LockerBankSimulator, section_for
) -> Iterator[LockBank]:
    lock_bank = lock_bank_from(section_for(sim, request.param))
    yield lock_bank
    lock_bank.close()


@pytest.mark.parametrize("compartment", [1, 16, 17, 32])
def test_release_pops_the_door_and_leaves_no_coil_energised(
    sim: LockerBankSimulator, bank: LockBank, compartment: int
) -> None:
    assert bank.read(compartment) == SensorReading(door_closed=True, occupied=False)
    bank.release(compartment)
    assert sim.model.status()["compartments"][str(compartment)]["door"] == "open"
    assert sim.model.coils("b1") == [False] * 16
    assert bank.read(compartment).door_closed is False


def test_sensors_follow_items_and_doors(sim: LockerBankSimulator, bank: LockBank) -> None:
    for n in (3, 20):
        bank.release(n)
        sim.model.put_item(n)
        sim.model.close_door(n)
    readings = bank.read_all()
    assert len(readings) == 32
    assert readings[3] == readings[20] == SensorReading(True, True)
    assert readings[4] == SensorReading(True, False)


def test_stuck_sensor_and_jammed_lock(sim: LockerBankSimulator, bank: LockBank) -> None:
    sim.model.stick_sensor(5, "occupancy", True)
    sim.model.jam(6)
    bank.release(6)
    assert bank.read(5).occupied is True
    assert bank.read(6).door_closed is True


def test_silent_board_is_unavailable_and_the_rest_keeps_working(
    sim: LockerBankSimulator, bank: LockBank
) -> None:
    sim.model.silence("b1")
    with pytest.raises(DeviceUnavailable, match="no reply") as err:
        bank.release(2)
    assert err.value.board == "b1"
    readings = bank.read_all()
    assert sorted(readings) == list(range(17, 33))
    health = bank.health()
    assert not health["b1"].ok and health["b1"].consecutive_failures == 2
    assert health["k1"].ok
    sim.model.silence("b1", False)
    bank.release(2)
    assert bank.health()["b1"].ok


def test_one_garbled_reply_is_retried(sim: LockerBankSimulator, bank: LockBank) -> None:
    sim.model.garble("b1", 1)
    assert bank.read(1) == SensorReading(True, False)
    health = bank.health()["b1"]
    assert health.ok and health.retried == 1


@pytest.mark.parametrize("board", ["b1", "k1"])
def test_garbled_line_is_reported_as_invalid_reply(
    sim: LockerBankSimulator, bank: LockBank, board: str
) -> None:
    sim.model.garble(board, 10)
    with pytest.raises(DeviceUnavailable, match=r"invalid reply|bad SUM"):
        bank.read(1 if board == "b1" else 17)
    assert not bank.health()[board].ok


def test_kerong_silent_board(sim: LockerBankSimulator, bank: LockBank) -> None:
    sim.model.silence("k1")
    with pytest.raises(DeviceUnavailable, match="no reply"):
        bank.release(17)
    assert sorted(bank.read_all()) == list(range(1, 17))


@pytest.mark.parametrize("transport", MODBUS)
def test_missing_board_does_not_answer(
    sim: LockerBankSimulator, section_for, transport: str
) -> None:
    bank = lock_bank_from(section_for(sim, transport, address=9, retries=0))
    try:
        with pytest.raises(DeviceUnavailable, match="no reply"):
            bank.read(1)
    finally:
        bank.close()


def test_coil_beyond_the_real_board_is_refused_without_retry(
    sim: LockerBankSimulator, section_for
) -> None:
    section = section_for(sim, "tcp", locks=40, inputs=64)
    extra = section.compartments[0].model_copy(update={"id": 99, "lock": 39, "door": 39})
    section = section.model_copy(update={"compartments": [*section.compartments, extra]})
    bank = lock_bank_from(section)
    before = sim.model.status()["boards"]["b1"]["requests"]
    try:
        with pytest.raises(DeviceUnavailable, match="modbus exception 2"):
            bank.release(99)
    finally:
        bank.close()
    assert sim.model.status()["boards"]["b1"]["requests"] - before == 2  # ON, then safety OFF


def test_reset_coils_turns_every_coil_off(sim: LockerBankSimulator, bank: LockBank) -> None:
    sim.model.set_coil("b1", 4, True)
    bank.reset_coils()
    assert sim.model.coils("b1") == [False] * 16
