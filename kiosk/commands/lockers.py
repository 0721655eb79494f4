"""`kiosk lockers …`: technician commands for the lock boards named in [lockers].

    kiosk lockers status            every compartment's door and occupancy, and board health
    kiosk lockers release N [N …]   open compartments and confirm each door opened (door test)
    kiosk lockers reset-coils       force every Modbus coil off (after a crash or a wiring job)

    kiosk lockers load --staff CARD [--pin PIN] --item ITEM    load a held item (staff)
    kiosk lockers pickup --code CODE | --card CARD --pin PIN   collect (a patron)
    kiosk lockers expire [--open --staff CARD [--pin PIN]]     mark / retrieve expired loads
    kiosk lockers list [--json]                                 compartments, loads, alarms
    kiosk lockers clear N                                       staff emptied / repaired N

status only reads the boards (it works while the kiosk runs). Every command that moves a
lock (release, reset-coils and the workflows) holds the bank as the kiosk does and is
refused while the kiosk or another command drives it; release goes through the kiosk's own
locker logic, so a door opened from here is on the kiosk's books (never a "door forced"
alarm) and is confirmed by its sensor ("jammed": exit 1). The workflow commands run the
kiosk's own locker logic (kiosk.wiring.lockers.build_lockers): they start as the kiosk does
(coils off, saved state restored and squared with the sensors), act, wait for the doors they
opened to close, and leave the state in the locker store; the code goes to the patron by
e-mail or SMS, never to the screen.
"""

from __future__ import annotations

import argparse
import getpass
import json
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

from backend_sync.lockers.runner import LockerRunner
from backend_sync.lockers.schema import LockerStoreError
from backend_sync.store.database import StoreError
from device_drivers.locks.bank import LockBank
from kiosk.commands.common import (
    EXIT_REFUSED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CommandError,
    settings_from,
)
from kiosk.core.lockers.doors import DoorState
from kiosk.core.lockers.lifecycle import Use
from kiosk.core.lockers.ports import DeviceUnavailable
from kiosk.core.lockers.service import LockerService, Refused
from kiosk.core.privacy import mask_card
from kiosk.wiring.lockers import build_lockers
from kiosk.wiring.locks import lock_bank_from


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
    release = sub.add_parser(
        "release",
        help="open compartments' locks and confirm each door opened (a door test)",
        description="Release each lock through the kiosk's locker logic and wait for its door"
        " sensor to read open. Refused (exit 1) while the kiosk or another command drives the"
        ' bank. Exit 1 when a door stays shut ("jammed": the compartment goes out of service'
        " until `kiosk lockers clear N`), 3 when a board does not answer.",
    )
    release.add_argument("compartments", type=int, nargs="+", metavar="N", help="compartment")
    release.add_argument("--wait", type=float, default=0.0, metavar="S",
                         help="how long to wait for each door to open (default: the bank's "
                         "release_timeout_s plus a few polls)")  # fmt: skip
    release.set_defaults(func=run_release)
    reset = sub.add_parser(
        "reset-coils",
        help="force every Modbus lock coil off (refused while the kiosk drives the bank)",
    )
    reset.set_defaults(func=run_reset)
    _register_workflows(sub)


def _register_workflows(sub: argparse._SubParsersAction) -> None:
    wait = {"type": float, "default": 300.0, "metavar": "S",
            "help": "how long to wait for the doors to close (default 300 s)"}  # fmt: skip
    load = sub.add_parser("load", help="load a held item into a compartment (staff)")
    load.add_argument("--staff", required=True, metavar="CARD", help="staff card number")
    load.add_argument("--pin", help="staff PIN (asked for when needed and not given)")
    load.add_argument("--item", required=True, help="the item's barcode or RFID item id")
    load.add_argument("--size", choices=("S", "M", "L"), default="S", help="item size")
    load.add_argument("--low", action="store_true", help="the patron needs a low compartment")
    load.add_argument("--wait", **wait)
    load.set_defaults(func=run_load)
    pickup = sub.add_parser("pickup", help="open a patron's compartments by code or card")
    pickup.add_argument("--code", help="the door code from the notice")
    pickup.add_argument("--card", help="library card number (with --pin)")
    pickup.add_argument("--pin", help="the patron's PIN (asked for when not given)")
    pickup.add_argument("--wait", **wait)
    pickup.set_defaults(func=run_pickup)
    expire = sub.add_parser("expire", help="mark overdue loads expired; --open retrieves them")
    expire.add_argument("--open", action="store_true", help="open every expired compartment")
    expire.add_argument("--staff", metavar="CARD", help="staff card number (for --open)")
    expire.add_argument("--pin", help="staff PIN")
    expire.add_argument("--wait", **wait)
    expire.set_defaults(func=run_expire)
    listing = sub.add_parser("list", help="every compartment, its loads and the alarms")
    listing.add_argument("--json", action="store_true", help="print JSON instead of text")
    listing.set_defaults(func=run_list)
    clear = sub.add_parser("clear", help="staff emptied or repaired a compartment")
    clear.add_argument("compartment", type=int, metavar="N", help="compartment")
    clear.set_defaults(func=run_clear)


def _bank(args: argparse.Namespace) -> LockBank:
    settings = settings_from(args)
    if settings.lockers is None:
        raise CommandError("the configuration has no [lockers] table", EXIT_USAGE)
    return lock_bank_from(settings.lockers)


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
        for comp in bank.compartments:
            r = readings.get(comp.id)
            door = "?" if r is None else ("closed" if r.door_closed else "OPEN")
            occ = (
                "?" if r is None or r.occupied is None else ("occupied" if r.occupied else "empty")
            )
            print(f"{comp.id:4d}  {comp.board:<8} {door:<7} {occ}")
    return EXIT_UNREACHABLE if not all(h.ok for h in health.values()) else 0


def run_release(args: argparse.Namespace) -> int:
    """Each lock through the kiosk's own logic (so the opening is on its books and a kiosk
    started later never calls it forced), then the door sensor must see it open."""
    with _running(args) as runner:
        known = runner.service.compartments
        for number in args.compartments:
            if number not in known:
                raise CommandError(f"compartment {number} is not configured", EXIT_USAGE)
        limit = args.wait or _release_deadline(runner)
        results = [(n, _release_one(runner, n, limit)) for n in args.compartments]
    for number, result in results:
        print(f"compartment {number}: {result}")
    if any(result.startswith("board") for _, result in results):
        raise CommandError("a lock board did not answer: see `kiosk lockers status`",
                           EXIT_UNREACHABLE)  # fmt: skip
    failed = [str(n) for n, result in results if result != RELEASED]
    if failed:
        raise CommandError(f"compartment(s) {', '.join(failed)} did not open")
    return 0


RELEASED = "released, door seen open"


def _release_deadline(runner: LockerRunner) -> float:
    """The logic calls a door jammed after release_timeout; allow it a few polls more."""
    return runner.service.policy.release_timeout.total_seconds() + 5 * runner.interval_s + 1.0


def _release_one(runner: LockerRunner, number: int, seconds: float) -> str:
    if not runner.call(lambda s, now: s.staff_release(number, now)):
        return "board not answering: the lock was not released"
    door = lambda s: s.compartments[number].door.state  # noqa: E731
    if not _wait(runner, lambda s: door(s) == DoorState.RELEASED, seconds):
        return f"did not open: no door reading within {seconds:g} s"
    if runner.call(lambda s, _now: door(s)) == DoorState.JAMMED:
        return (f"jammed: released but the door did not open (out of service until "
                f"`kiosk lockers clear {number}`)")  # fmt: skip
    return RELEASED


def run_reset(args: argparse.Namespace) -> int:
    """Coils off, holding the bank (the logic's start-up does the same; a board that does not
    answer is an error here, not a warning)."""
    with _running(args) as runner:
        try:
            runner.call(lambda _s, _now: runner.reset_coils())
        except DeviceUnavailable as exc:
            raise CommandError(str(exc), EXIT_UNREACHABLE) from None
    print("all coils off")
    return 0


# -- the locker workflows, through the kiosk's own logic ----------------------------------


@contextmanager
def _running(args: argparse.Namespace) -> Iterator[LockerRunner]:
    settings = settings_from(args)
    args.zone = ZoneInfo(settings.kiosk.timezone)
    if settings.lockers is None or settings.ils is None:
        raise CommandError("the configuration needs [lockers] and [ils] tables", EXIT_USAGE)
    try:
        runner = build_lockers(settings)
    except (StoreError, LockerStoreError) as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    try:
        try:
            runner.start()
        except LockerStoreError as exc:  # the kiosk (or another command) is driving it
            raise CommandError(str(exc), EXIT_REFUSED) from None
        yield runner
    finally:
        runner.close()


def _ask(value: str | None, prompt: str) -> str:
    return value if value else getpass.getpass(prompt)


def _staff(runner: LockerRunner, card: str | None, pin: str | None) -> str:
    if not card:
        raise CommandError("--staff CARD is needed", EXIT_USAGE)
    needs_pin = runner.service.policy.staff_pin_required
    pin = _ask(pin, "Staff PIN: ") if needs_pin else None
    staff = runner.call(lambda s, _now: s.staff_login(card, pin))
    if isinstance(staff, Refused):
        raise CommandError(f"staff login refused: {staff.reason}")
    return staff


def _wait(runner: LockerRunner, busy: Callable[[LockerService], bool], seconds: float) -> bool:
    """Poll (in the runner's thread) until ``busy`` is false; False on timeout."""
    deadline = time.monotonic() + seconds
    while runner.call(lambda s, _now: busy(s)):
        if time.monotonic() >= deadline:
            return False
        time.sleep(runner.interval_s)
    return True


def _refused(result: Refused) -> CommandError:
    detail = f" ({result.detail})" if result.detail else ""
    return CommandError(f"refused: {result.reason}{detail}")


def run_load(args: argparse.Namespace) -> int:
    with _running(args) as runner:
        staff = _staff(runner, args.staff, args.pin)
        started = runner.call(
            lambda s, now: s.start_load(staff, args.item, now, args.size, args.low)
        )
        if isinstance(started, Refused):
            raise _refused(started)
        print(f"compartment {started.compartment} is open: put item {args.item} in, close the door")
        shown = [started.compartment]

        def loading(service: LockerService) -> bool:
            where = _pending_compartment(service, args.item)
            if where is not None and where != shown[-1]:  # jammed: the load moved on
                print(f"compartment {shown[-1]} did not open; use compartment {where}")
                shown.append(where)
            return where is not None

        if not _wait(runner, loading, args.wait):
            raise CommandError("the door was not closed in time; the load is finished when it is")
        print(runner.call(lambda s, _now: _load_result(s, args.item)))
    return 0


def _load_result(service: LockerService, item: str) -> str:
    where = _held_compartment(service, item)
    if where is None:
        raise CommandError("the load was not kept (the compartment read empty): see alarms")
    patron = service.compartments[where].patron_id
    if any(n.patron_id == patron for n in service.unsent):
        notice = "the pickup notice could not be sent yet; the kiosk keeps retrying it"
    else:
        notice = "pickup code sent to the patron"
    return f"loaded: item {item} in compartment {where}; {notice}"


def _pending_compartment(service: LockerService, item: str) -> int | None:
    for number, comp in service.compartments.items():
        if comp.pending is not None and comp.pending.item_id == item:
            return number
    return None


def _held_compartment(service: LockerService, item: str) -> int | None:
    for number, comp in service.compartments.items():
        if any(load.item_id == item for load in comp.loads):
            return number
    return None


def run_pickup(args: argparse.Namespace) -> int:
    if bool(args.code) == bool(args.card):
        raise CommandError("give either --code or --card (with --pin)", EXIT_USAGE)
    with _running(args) as runner:
        if args.code:
            opened = runner.call(lambda s, now: s.pickup_by_code(args.code, now))
        else:
            pin = _ask(args.pin, "PIN: ")
            opened = runner.call(lambda s, now: s.pickup_by_card(args.card, pin, now))
        if isinstance(opened, Refused):
            raise _refused(opened)
        numbers = ", ".join(str(n) for n in opened.compartments)
        print(f"open: compartment(s) {numbers}; take the items and close the door(s)")
        if opened.failed:
            print(f"did not open: {', '.join(str(n) for n in opened.failed)} (a new code is sent)")
        comps = set(opened.compartments)
        busy = lambda s: any(s.compartments[n].use == Use.PICKUP for n in comps)  # noqa: E731
        if not _wait(runner, busy, args.wait):
            raise CommandError("the door was not closed in time; the kiosk finishes it later")
        _print_uses(runner, comps)
    return 0


def _print_uses(runner: LockerRunner, numbers: Iterable[int]) -> None:
    for number in sorted(numbers):
        use = runner.service.compartments[number].use
        print(f"compartment {number}: {use.value}")


def run_expire(args: argparse.Namespace) -> int:
    with _running(args) as runner:
        marked = runner.call(lambda s, now: s.mark_expired(now))
        expired = runner.call(
            lambda s, _now: sorted(n for n, c in s.compartments.items() if c.use == Use.EXPIRED)
        )
        print(f"newly expired: {marked or 'none'}; expired now: {expired or 'none'}")
        if not args.open or not expired:
            return 0
        staff = _staff(runner, args.staff, args.pin)
        lines = runner.call(lambda s, now: s.open_expired(staff, now))
        for line in lines:
            print(f"{line.compartment:4d}  {line.item_id}  {line.title}  "
                  f"{line.deadline.astimezone(args.zone):%Y-%m-%d %H:%M}")  # fmt: skip
        numbers = {line.compartment for line in lines}
        busy = lambda s: any(s.compartments[n].use == Use.RETRIEVING for n in numbers)  # noqa: E731
        if not _wait(runner, busy, args.wait):
            raise CommandError("a door was not closed in time; the kiosk finishes it later")
        _print_uses(runner, numbers)
    return 0


def run_list(args: argparse.Namespace) -> int:
    with _running(args) as runner:
        view = runner.call(lambda s, _now: _listing(s, args.zone))
    if args.json:
        print(json.dumps(view, ensure_ascii=False))
        return 0
    for number, comp in view["compartments"].items():
        flags = " OUT OF SERVICE" if comp["out_of_service"] else ""
        print(f"{number:>4}  {comp['use']:<11} door {comp['door']:<8}{flags}")
        for load in comp["loads"]:
            print(f"        {load['item_id']}  {load['title']}  patron {load['patron']}  "
                  f"until {load['deadline']}")  # fmt: skip
    for alarm in view["alarms"]:
        print(f"ALARM {alarm['kind']}: {alarm['subject']} {alarm['detail']}")
    return 0


def _listing(service: LockerService, zone: ZoneInfo) -> dict[str, Any]:
    overview = service.overview()
    comps: dict[str, Any] = {}
    for number, comp in service.compartments.items():
        loads = comp.loads + ([comp.pending] if comp.pending else [])
        comps[str(number)] = {
            **overview[number],
            "loads": [
                {
                    "item_id": x.item_id,
                    "title": x.title,
                    "patron": mask_card(x.patron_id),
                    "deadline": f"{x.deadline.astimezone(zone):%Y-%m-%d %H:%M}",
                }
                for x in loads
            ],
        }
    alarms = [
        {"kind": a.kind.value, "subject": a.subject, "detail": a.detail}
        for a in service.alarms.active()
    ]
    return {"compartments": comps, "alarms": alarms}


def run_clear(args: argparse.Namespace) -> int:
    with _running(args) as runner:
        if args.compartment not in runner.service.compartments:
            raise CommandError(f"compartment {args.compartment} is not configured", EXIT_USAGE)
        runner.call(lambda s, _now: s.clear_compartment(args.compartment))
        _print_uses(runner, [args.compartment])
    return 0
