"""The device checks behind `kiosk doctor` (the data directory, printer, lock boards and doors,
RFID reader and test tags): one function per configured part, each returning Findings in plain
words (what was found, what to do). The services are in doctor_services.py.

Every adapter comes from the wiring's factories, as the app's own do. Nothing here opens a
door or prints unless the caller passes ``open_doors`` / ``print_test``; without them a check
only asks for status, reads sensors, runs one inventory round and reads tag security.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from device_drivers.printers.errors import PrinterConfigError
from device_drivers.rfid.interface import RfidError
from kiosk.commands.rfid import library_tags
from kiosk.core.clock import wall_time
from kiosk.core.lockers.ports import DeviceUnavailable
from kiosk.core.receipt_delivery import PrinterFault
from kiosk.core.receipts import layout, printer_test_receipt
from kiosk.i18n import Catalogs
from kiosk.settings import Settings
from kiosk.telemetry.probes import printer_health
from kiosk.wiring.locks import lock_bank_from
from kiosk.wiring.printer import printer_from
from kiosk.wiring.rfid import reader_from

DOOR_WAIT_S = 3.0  # how long a released door has to report open


@dataclass(frozen=True)
class Finding:
    part: str  # "printer", "board b1", "compartment 3", "library system (SIP2)" …
    ok: bool
    said: str  # what was found
    todo: str = ""  # what to do about it (problems)


@dataclass(frozen=True)
class Options:
    open_doors: bool = False
    print_test: bool = False
    door_wait_s: float = DOOR_WAIT_S


Check = Callable[[Settings, Options], Iterator[Finding]]


def data_dir(settings: Settings, _: Options) -> Iterator[Finding]:
    path = Path(settings.kiosk.data_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".doctor-write-test"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        user = os.environ.get("USER", "the kiosk user")
        yield Finding(
            "data directory",
            False,
            f"{path} cannot be written ({exc.strerror})",
            f"make it writable by {user} (the package's unit sets StateDirectory=)",
        )
        return
    yield Finding("data directory", True, f"{path} is writable")


def printer(settings: Settings, options: Options) -> Iterator[Finding]:
    section = settings.printer
    if section is None:
        return
    try:
        adapter = printer_from(section)
    except PrinterConfigError as exc:
        yield Finding("printer", False, str(exc), "fix [printer] url/profile in the config")
        return
    try:
        health, _ = printer_health(adapter.printer.status())
    except PrinterFault as exc:
        yield Finding(
            "printer",
            False,
            f"does not answer at {section.url} ({exc})",
            "check power, cable and the url in [printer]; then `kiosk printer status`",
        )
        return
    if health.reason and health.state != "ok":
        todo = {"paper out": "load a paper roll", "cover open": "close the cover"}
        steps = [todo.get(p, "look at the printer's light and manual") for p in
                 health.reason.split(", ")]  # fmt: skip
        yield Finding("printer", False, health.reason, "; ".join(dict.fromkeys(steps)))
        return
    near = f" ({health.reason})" if health.reason else ""
    yield Finding("printer", True, f"online, paper ok{near}")
    if options.print_test:
        yield from _print_test(settings, adapter)


def _print_test(settings: Settings, adapter) -> Iterator[Finding]:  # type: ignore[no-untyped-def]
    texts = Catalogs().translator(settings.kiosk.language)
    receipt = printer_test_receipt(
        settings.kiosk.library_name, settings.kiosk.id, wall_time(settings.kiosk.timezone)(), texts
    )
    try:
        adapter.print_now(layout(receipt, texts, adapter.columns))
    except PrinterFault as exc:
        yield Finding("printer test page", False, str(exc), "see the printer problem above")
        return
    yield Finding(
        "printer test page",
        True,
        "printed: check ą č ę ė į š ų ū ž, „quotes“ and € "
        "on it; wrong letters mean a wrong [printer] code_page",
    )


def lockers(settings: Settings, options: Options) -> Iterator[Finding]:
    section = settings.lockers
    if section is None:
        return
    bank = lock_bank_from(section)
    try:
        readings = bank.read_all()
        boards = {b.name: b for b in section.boards}
        for name, health in bank.health().items():
            where = _board_place(boards[name])
            if health.ok:
                yield Finding(f"lock board {name}", True, f"answers ({where})")
            else:
                yield Finding(
                    f"lock board {name}",
                    False,
                    f"does not answer ({where}): {health.last_error}",
                    "check its power, the cable and its address; its compartments cannot be used",
                )
        for comp in section.compartments:
            reading = readings.get(comp.id)
            if reading is None:
                continue  # its board is reported above
            if not reading.door_closed:
                yield Finding(
                    f"compartment {comp.id}",
                    False,
                    f"door reads open (board {comp.board}, input {comp.door})",
                    "close it; if it is closed, check the door sensor and its wire",
                )
            elif options.open_doors:
                yield _open_one(bank, comp.id, comp.board, comp.lock, options.door_wait_s)
        closed = sum(1 for r in readings.values() if r.door_closed)
        if not options.open_doors and readings:
            yield Finding(
                "compartment doors",
                True,
                f"{closed} of {len(readings)} read closed "
                "(locks not tried: pass --open-doors to release each one)",
            )
    finally:
        bank.close()


def _board_place(board) -> str:  # type: ignore[no-untyped-def]
    line = f"{board.host}:{board.port}" if board.transport == "tcp" else board.device
    return f"{board.family} {board.transport} {line}, address {board.address}"


def _open_one(bank, compartment: int, board: str, lock: int, wait_s: float) -> Finding:  # type: ignore[no-untyped-def]
    part = f"compartment {compartment}"
    try:
        bank.release(compartment)
        deadline = time.monotonic() + wait_s
        while True:
            if not bank.read(compartment).door_closed:
                return Finding(part, True, "lock released, door opened: close it again")
            if time.monotonic() >= deadline:
                break
            time.sleep(0.05)
    except DeviceUnavailable as exc:
        return Finding(part, False, f"release failed: {exc}", "see the lock board above")
    return Finding(
        part,
        False,
        f"lock released (board {board}, output {lock}) but the door "
        "stayed closed: a jammed lock or a door sensor stuck closed",
        "free the lock or fix its wire; check the sensor",
    )


def reader(settings: Settings, _: Options) -> Iterator[Finding]:
    section = settings.rfid
    if section is None:
        return
    device = reader_from(settings)
    try:
        try:
            sightings = device.inventory()
        except RfidError as exc:
            yield Finding(
                "RFID reader",
                False,
                f"does not answer at {section.url}: {exc}",
                "check power and cable, the reader in ISO-host mode, the baud rate "
                "and parity in [rfid] (docs/commissioning.md)",
            )
            return
        yield Finding("RFID reader", True, f"answers at {section.url}; {len(sightings)} tag(s)")
        if not sightings:
            yield Finding(
                "test tag",
                True,
                "none on the pad: put one there to check its data model and security state",
            )
        tags = library_tags(section, device)
        for sighting in sightings:
            yield _tag(tags, sighting)
    finally:
        device.close()


def _tag(tags, sighting) -> Finding:  # type: ignore[no-untyped-def]
    part = f"tag {sighting.uid}"
    try:
        read = tags.read(sighting)
        security = tags.security_state(sighting.uid)
    except RfidError as exc:
        return Finding(part, False, f"cannot be read: {exc}", "hold it flat on the pad, centred")
    if read.item is None:
        return Finding(
            part,
            False,
            f"{read.kind}: {read.problem}",
            "a library tag? check [rfid] data_model and item_blocks",
        )
    said = f"item {read.item.primary_item_id} ({read.item.model}), {security.words()}"
    if security.secured is None:
        return Finding(
            part,
            False,
            said,
            "the AFI is neither [rfid] afi_checked_in nor "
            "afi_checked_out: check those values against the library's tags",
        )
    return Finding(part, True, said)
