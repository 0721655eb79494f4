"""`kiosk sim lockers`: run the locker bank simulator, or act on a running one.

    kiosk sim lockers [--modbus-port 5020] [--control-port 8502] [--rtu-link PATH] ...
    kiosk sim lockers --status [--control URL]
    kiosk sim lockers close|force|put|take|jam|unjam|stick|silence|garble|clear|reset ...

The actions call the simulator's control API (the same one tests use), so everything is
scriptable. Never binds anything but loopback.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from kiosk.commands.common import (
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CommandError,
    announce,
    wait_for_stop,
)
from simulators.control import ControlClient, ControlError
from simulators.lockers.bank import LockerBankSimulator, default_model

DEFAULT_CONTROL_PORT = 8502
CONTROL_ENV = "KIOSK_SIM_LOCKERS"

# action name -> (control action, help, parameters it takes)
ACTIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "close": ("close_door", "close a compartment's door", ("compartment",)),
    "force": ("force_door", "open a door without a release (forced door)", ("compartment",)),
    "put": ("put_item", "put an item into an open compartment", ("compartment",)),
    "take": ("take_items", "take every item out of an open compartment", ("compartment",)),
    "jam": ("jam", "jam a compartment's lock: releases no longer open it", ("compartment",)),
    "unjam": ("jam", "repair a jammed lock", ("compartment",)),
    "stick": ("stick_sensor", "stick a sensor at a value (or 'free' it)", ("compartment",)),
    "silence": ("silence", "make a board stop answering (--off to revive)", ("board",)),
    "garble": ("garble", "corrupt the next N replies of a board (CRC/SUM errors)", ("board",)),
    "clear": ("clear_faults", "clear every fault", ()),
    "reset": ("reset", "back to a new bank: doors closed, empty, no faults", ()),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lockers",
        help="locker bank simulator (Modbus TCP/RTU and Kerong boards)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--modbus-port", type=int, default=5020, help="Modbus TCP port (5020)")
    parser.add_argument(
        "--control-port", type=int, default=DEFAULT_CONTROL_PORT, help="control API port (8502)"
    )
    parser.add_argument("--rtu-link", metavar="PATH", help="symlink to the Modbus RTU pty")
    parser.add_argument("--kerong-link", metavar="PATH", help="symlink to the Kerong pty")
    parser.add_argument(
        "--wire-baud", type=int, default=9600, help="emulated RTU line speed (0 = instant)"
    )
    parser.add_argument(
        "--kerong-baud", type=int, default=19200, help="emulated Kerong line speed (0 = instant)"
    )
    parser.add_argument(
        "--compartments",
        type=int,
        default=16,
        choices=range(1, 17),
        metavar="1..16",
        help="compartments on the Modbus board (16)",
    )
    parser.add_argument("--status", action="store_true", help="show a running bank at a glance")
    parser.add_argument("--control", metavar="URL", help=f"control API (${CONTROL_ENV})")
    parser.set_defaults(func=run)
    _register_actions(parser)


def _register_actions(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    for name, (_, text, params) in ACTIONS.items():
        sub = actions.add_parser(name, help=text, description=text)
        sub.add_argument(
            "--control",
            metavar="URL",
            default=argparse.SUPPRESS,
            help=f"control API (${CONTROL_ENV})",
        )
        for param in params:
            sub.add_argument(param, type=int if param == "compartment" else str, help=param)
        _extra_arguments(name, sub)
        sub.set_defaults(func=run_action, action_name=name)


def _extra_arguments(name: str, sub: argparse.ArgumentParser) -> None:
    if name == "stick":
        sub.add_argument("sensor", choices=["door", "occupancy"], help="which sensor")
        sub.add_argument("value", choices=["1", "0", "free"], help="1, 0, or free (unstick)")
    elif name == "silence":
        sub.add_argument("--off", action="store_true", help="make the board answer again")
    elif name == "garble":
        sub.add_argument("replies", type=int, nargs="?", default=1, help="how many (1)")
    elif name == "put":
        sub.add_argument("--count", type=int, default=1, help="how many items (1)")


def _client(args: argparse.Namespace) -> ControlClient:
    url = args.control or os.environ.get(CONTROL_ENV) or f"http://127.0.0.1:{DEFAULT_CONTROL_PORT}"
    return ControlClient(url)


def _call(args: argparse.Namespace, action: str, **params: Any) -> Any:
    try:
        return _client(args).call(action, **params)
    except ControlError as exc:
        code = EXIT_UNREACHABLE if "not reachable" in str(exc) else EXIT_USAGE
        raise CommandError(str(exc), code) from None


def _params(args: argparse.Namespace) -> dict[str, Any]:
    params = {k: getattr(args, k) for k in ("compartment", "board") if hasattr(args, k)}
    match args.action_name:
        case "unjam":
            params["jammed"] = False
        case "stick":
            params |= {"sensor": args.sensor, "value": {"1": True, "0": False}.get(args.value)}
        case "silence":
            params["silent"] = not args.off
        case "garble":
            params["replies"] = args.replies
        case "put":
            params["count"] = args.count
    return params


def run_action(args: argparse.Namespace) -> int:
    action = ACTIONS[args.action_name][0]
    result = _call(args, action, **_params(args))
    if result is not None:
        print(json.dumps(result, ensure_ascii=False))
    return 0


def format_status(status: dict[str, Any]) -> str:
    lines = []
    for name, board in status["boards"].items():
        faults = [f for f in ("silent", "garble") if board[f]]
        lines.append(
            f"board {name} ({board['family']} @{board['address']}): "
            f"{'FAULT ' + ','.join(faults) if faults else 'ok'}, {board['requests']} requests"
        )
    lines.append("  no  board  door    items  faults")
    for number, comp in status["compartments"].items():
        faults = (["jammed"] if comp["jammed"] else []) + [
            f"{k}={'1' if v else '0'}" for k, v in comp["stuck"].items()
        ]
        lines.append(
            f"{int(number):4d}  {comp['board']:<5}  {comp['door']:<6}  {comp['items']:5d}  "
            f"{' '.join(faults) or '-'}"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    if args.status:
        print(format_status(_call(args, "status")))
        return 0
    try:
        sim = LockerBankSimulator(
            default_model(args.compartments),
            args.modbus_port,
            args.control_port,
            args.wire_baud,
            args.kerong_baud,
        )
    except OSError as exc:
        raise CommandError(f"cannot start the locker simulator: {exc}", EXIT_USAGE) from None
    with sim:
        sim.link(args.rtu_link, args.kerong_link)
        announce(json.dumps(sim.endpoints()))
        wait_for_stop()
    return 0
