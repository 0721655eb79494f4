"""`kiosk lockers …`: technician commands for the lock boards named in [lockers].

    kiosk lockers status            every compartment's door and occupancy, and board health
    kiosk lockers release N [N …]   pulse compartments' locks (a technician's door test)
    kiosk lockers reset-coils       force every Modbus coil off (after a crash or a wiring job)

Talks to the boards through the same driver the kiosk uses; changes no locker state (loads,
codes) and opens only the doors it is told to.
"""

from __future__ import annotations

import argparse
import json

from device_drivers.locks.bank import LockBank
from kiosk.commands.common import EXIT_UNREACHABLE, EXIT_USAGE, CommandError, settings_from
from kiosk.core.lockers.ports import DeviceUnavailable


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lockers",
        help="lock-board checks for technicians",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="lockers_command", metavar="ACTION", required=True)
    status = sub.add_parser("status", help="read every sensor and each board's health")
    status.add_argument("--json", action="store_true", help="print JSON instead of a table")
    status.set_defaults(func=run_status)
    release = sub.add_parser("release", help="pulse the locks of the given compartments")
    release.add_argument("compartments", type=int, nargs="+", metavar="N", help="compartment")
    release.set_defaults(func=run_release)
    reset = sub.add_parser("reset-coils", help="force every Modbus lock coil off")
    reset.set_defaults(func=run_reset)


def _bank(args: argparse.Namespace) -> LockBank:
    settings = settings_from(args)
    if settings.lockers is None:
        raise CommandError("the configuration has no [lockers] table", EXIT_USAGE)
    return LockBank.from_settings(settings.lockers)


def run_status(args: argparse.Namespace) -> int:
    bank = _bank(args)
    try:
        readings = bank.read_all()
        health = bank.health()
    finally:
        bank.close()
    if args.json:
        print(
            json.dumps(
                {
                    "boards": {n: h.__dict__ for n, h in health.items()},
                    "compartments": {str(n): r.__dict__ for n, r in sorted(readings.items())},
                }
            )
        )
    else:
        for name, h in health.items():
            print(f"board {name}: {'ok' if h.ok else 'FAILING: ' + h.last_error}")
        for comp in bank.section.compartments:
            r = readings.get(comp.id)
            door = "?" if r is None else ("closed" if r.door_closed else "OPEN")
            occ = (
                "?" if r is None or r.occupied is None else ("occupied" if r.occupied else "empty")
            )
            print(f"{comp.id:4d}  {comp.board:<8} {door:<7} {occ}")
    return EXIT_UNREACHABLE if not all(h.ok for h in health.values()) else 0


def run_release(args: argparse.Namespace) -> int:
    bank = _bank(args)
    failed = []
    try:
        for number in args.compartments:
            try:
                bank.release(number)
                print(f"compartment {number}: released")
            except ValueError as exc:
                raise CommandError(str(exc), EXIT_USAGE) from None
            except DeviceUnavailable as exc:
                failed.append(str(exc))
    finally:
        bank.close()
    if failed:
        raise CommandError("; ".join(failed), EXIT_UNREACHABLE)
    return 0


def run_reset(args: argparse.Namespace) -> int:
    bank = _bank(args)
    try:
        bank.reset_coils()
    except DeviceUnavailable as exc:
        raise CommandError(str(exc), EXIT_UNREACHABLE) from None
    finally:
        bank.close()
    print("all coils off")
    return 0
