"""Device faults reach /health and the metrics through the real drivers and the probes:
the printer simulator's paper pulled out (DLE EOT status through the ESC/POS driver), the
printer gone, a lock board silenced (the lock bank driver's health), a forced and a jammed
door (the core locker service's alarm book over the Modbus driver), the reader unplugged."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from device_drivers.locks.bank import LockBank
from device_drivers.printers.receipt_printer import PrinterOptions, make_printer
from device_drivers.rfid.feig_reader import FeigReader
from kiosk.core.lockers.policy import LockerPolicy
from kiosk.core.lockers.ports import Checkout, HoldCheckin, PickupNotice
from kiosk.core.lockers.service import LockerService
from kiosk.telemetry.exposition import build_registry, render
from kiosk.telemetry.probes import Poller, lock_bank_probe, printer_probe, reader_probe
from kiosk.telemetry.registry import Telemetry
from kiosk.wiring.locks import compartment_specs_from, lock_bank_from
from simulators.lockers.bank import LockerBankSimulator
from simulators.printer.server import PrinterSimulator, SimulatorOptions
from simulators.rfid.app import RfidSimulator

pytestmark = pytest.mark.timeout(60)
T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture
def printer_sim(tmp_path: Path) -> Iterator[PrinterSimulator]:
    sim = PrinterSimulator(SimulatorOptions(tmp_path, port=0, pty=False, png=False)).start()
    yield sim
    sim.stop()


def test_paper_out_turns_health_degraded_and_sets_the_paper_metric(printer_sim) -> None:
    printer = make_printer(PrinterOptions(url=f"tcp://127.0.0.1:{printer_sim.port}"))
    telemetry = Telemetry("k1", essential={"reader"})
    poller = Poller(telemetry, [printer_probe(printer.printer)], interval_s=60)
    poller.run_once()
    assert telemetry.health_document()["status"] == "ok"
    printer_sim.model.set_faults(paper="out")
    poller.run_once()
    document = telemetry.health_document()
    assert document["status"] == "degraded"
    assert document["devices"]["printer"]["reason"] == "paper out"
    assert b'kiosk_printer_paper{state="out"} 1.0' in render(build_registry(telemetry))
    printer_sim.model.set_faults(paper="near_end")
    poller.run_once()
    assert telemetry.health_document()["status"] == "ok"
    assert telemetry.health_document()["printer_paper"] == "near_end"
    printer_sim.model.set_faults(paper="ok", cover_open=True)
    poller.run_once()
    assert telemetry.device("printer").reason == "cover open"


def test_printer_gone_is_down_with_paper_unknown(printer_sim) -> None:
    options = PrinterOptions(url=f"tcp://127.0.0.1:{printer_sim.port}", timeout_s=1.0)
    printer = make_printer(options)
    printer_sim.stop()
    telemetry = Telemetry("k1")
    printer_probe(printer.printer)(telemetry)
    assert telemetry.device("printer").state == "down"
    assert telemetry.health_document()["printer_paper"] == "unknown"


class StandInIls:
    def checkin(self, item_id: str, now: datetime) -> HoldCheckin:
        return HoldCheckin(item_id, ok=True, screen_message="no hold")

    def checkout(self, patron_id: str, item_id: str, now: datetime) -> Checkout:
        return Checkout(item_id, ok=True)

    def authenticate_patron(self, card: str, pin: str, now: datetime) -> str | None:
        return None


class NoMail:
    def send_pickup_code(self, notice: PickupNotice) -> None:
        raise AssertionError("no notices in these tests")


@dataclass
class Lockers:
    sim: LockerBankSimulator
    bank: LockBank
    service: LockerService
    telemetry: Telemetry
    clock: list[float]  # the bank's monotonic clock: probes of a failing board are spaced by it


@pytest.fixture
def lockers() -> Iterator[Lockers]:
    """The core's locker service over the Modbus driver, reporting into a Telemetry registry
    through its health and activity ports, as the composition root will wire it."""
    sim = LockerBankSimulator().start()
    section = sim.lockers_section("tcp", timeout_s=0.2, retries=0, pulse_s=0.0)
    clock = [0.0]
    bank = lock_bank_from(section, clock=lambda: clock[0])
    telemetry = Telemetry("k1")
    service = LockerService(
        compartment_specs_from(section), LockerPolicy(code_hash_iterations=1000), bank,
        StandInIls(), NoMail(), random.Random(1), health=telemetry, activity=telemetry,
    )  # fmt: skip
    yield Lockers(sim, bank, service, telemetry, clock)
    bank.close()
    sim.stop()


def test_silenced_board_is_down_then_back(lockers: Lockers) -> None:
    sim, service, telemetry = lockers.sim, lockers.service, lockers.telemetry
    service.poll(T0)
    assert telemetry.device("board-b1").state == "ok"
    sim.model.silence("b1")
    service.poll(T0 + timedelta(seconds=1))
    assert telemetry.device("board-b1").state == "down"
    assert telemetry.health_document()["status"] == "degraded"
    text = render(build_registry(telemetry))
    assert b'kiosk_device_up{device="board-b1",kind="lock_board"} 0.0' in text
    assert b'kiosk_locker_alarms_active{kind="board_unavailable"} 1.0' in text
    sim.model.silence("b1", False)
    lockers.clock[0] += 30  # past board_probe_s: the board is asked again
    service.poll(T0 + timedelta(seconds=30))
    assert telemetry.device("board-b1").state == "ok"


def test_lock_bank_probe_reports_the_drivers_board_health(lockers: Lockers) -> None:
    """Without the core (kiosk monitor): the bank driver's own health record per board."""
    telemetry = Telemetry("k2")
    lockers.sim.model.silence("k1")
    lockers.bank.read_all()
    lock_bank_probe(lockers.bank)(telemetry)
    assert telemetry.device("board-b1").state == "ok"
    assert telemetry.device("board-k1").state == "down"
    assert "not answering" in telemetry.device("board-k1").reason


def test_forced_and_jammed_doors_show_as_alarms(lockers: Lockers) -> None:
    sim, service, telemetry = lockers.sim, lockers.service, lockers.telemetry
    service.poll(T0)
    sim.model.force_door(2)
    sim.model.jam(5)
    service.release(service.compartments[5], T0)  # as a pickup would
    service.poll(T0 + timedelta(seconds=1))
    service.poll(T0 + timedelta(seconds=10))  # past release_timeout_s: the door never opened
    document = telemetry.health_document()
    assert document["locker_alarms_active"] == {"door_forced": 1, "door_jammed": 1}
    text = render(build_registry(telemetry))
    assert b'kiosk_locker_alarms_active{kind="door_forced"} 1.0' in text
    assert b'kiosk_locker_alarms_total{kind="door_jammed"} 1.0' in text
    assert b"kiosk_locker_compartments 32.0" in text


def test_reader_unplugged_is_down_and_kiosk_down() -> None:
    sim = RfidSimulator(time_scale=0.0, control_port=None).start()
    reader = FeigReader(sim.tcp.url, timeout_s=0.5, line_retries=0)
    try:
        telemetry = Telemetry("k1", essential={"reader"})
        probe = reader_probe(reader)
        probe(telemetry)
        assert telemetry.health_document()["status"] == "ok"
        sim.unplug()
        probe(telemetry)
        assert telemetry.device("reader").state == "down"
        assert telemetry.health_document()["status"] == "down"
        sim.plug()
        probe(telemetry)
        assert telemetry.device("reader").state == "ok"
    finally:
        reader.close()
        sim.stop()


def test_a_broken_probe_does_not_stop_the_others() -> None:
    telemetry = Telemetry("k1")
    seen: list[int] = []

    def broken(_: Telemetry) -> None:
        raise RuntimeError("bug")

    poller = Poller(telemetry, [broken, lambda t: seen.append(1)], interval_s=60)
    poller.run_once()
    poller.run_once()
    assert seen == [1, 1]
