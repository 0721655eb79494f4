"""`kiosk sim rooms`: run the LibCal 1.1 booking-system simulator, or steer a running one.

kiosk sim rooms [--port 8093] [--client-id kiosk --client-secret demo] [--dataset library]
    serves until Ctrl-C; prints one JSON line with the API and control URLs.
kiosk sim rooms ACTION --control URL [...]
    status, slow, fail, malformed, lose, unreachable, expire-tokens, reset-faults, set-time, stats:
    the same actions as the control API (POST URL/ACTION).
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.commands.common import (
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CommandError,
    announce,
    wait_for_stop,
)
from simulators.control import ControlClient, ControlError, ControlServer
from simulators.models.rooms import RoomsModel, SimClock
from simulators.models.rooms_dataset import large_dataset, library_dataset
from simulators.rooms.server import LibCalSimulator

ACTIONS = {
    "status": ("show time, faults, counts", ()),
    "slow": ("delay every answer", (("--delay-s", float, 2.0, "seconds of delay (0 = off)"),)),
    "fail": (
        "the next COUNT API calls answer with an HTTP error",
        (
            ("--count", int, 1, "how many calls fail"),
            ("--status", int, 500, "HTTP status to answer (500, 503, 404 …)"),
        ),
    ),
    "malformed": ("the next COUNT answers are not JSON", (("--count", int, 1, "how many"),)),
    "lose": (
        "carry out the next COUNT API calls but drop their answers",
        (("--count", int, 1, "how many"),),
    ),
    "unreachable": (
        "drop every connection without an answer (--on 0 to end)",
        (("--on", int, 1, "1 = unreachable, 0 = reachable again"),),
    ),
    "expire-tokens": ("every token issued so far stops working", ()),
    "reset-faults": ("end every fault", ()),
    "set-time": (
        "freeze the simulator's clock at a moment",
        (("--at", str, None, "ISO date-time, e.g. 2026-11-25T10:10 (local time)"),),
    ),
    "stats": ("requests answered, by endpoint", ()),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rooms",
        help="the library's booking system (LibCal Spaces API 1.1) on loopback",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--port", type=int, default=8093, help="API port (0 = any free port)")
    parser.add_argument("--control-port", type=int, default=0, help="control API port (0 = any)")
    parser.add_argument("--client-id", default="kiosk", help="OAuth client id to accept")
    parser.add_argument("--client-secret", default="demo", help="OAuth client secret to accept")
    parser.add_argument(
        "--dataset",
        choices=["library", "large"],
        default="library",
        help="library: the county library's rooms; large: 50 spaces, 2,000 bookings a day",
    )
    parser.add_argument("--timezone", default="Europe/Vilnius", help="the library's time zone")
    parser.add_argument("--at", help="freeze the clock at this local ISO date-time (default: now)")
    parser.add_argument("--token-ttl-s", type=float, default=3600.0, help="token lifetime")
    parser.set_defaults(func=serve)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    for name, (help_text, options) in ACTIONS.items():
        sub = actions.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--control", required=True, metavar="URL", help="the control API URL")
        for flag, kind, default, option_help in options:
            sub.add_argument(
                flag, type=kind, default=default, required=default is None, help=option_help
            )
        sub.set_defaults(func=act, action_name=name)


def build(args: argparse.Namespace) -> LibCalSimulator:
    try:
        tz = ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CommandError(f"unknown time zone {args.timezone!r}", EXIT_USAGE) from None
    frozen = _local(args.at, tz) if args.at else None
    clock = SimClock(tz, frozen)
    day = clock().date()
    data = large_dataset(day, tz) if args.dataset == "large" else library_dataset(day, tz)
    try:
        return LibCalSimulator(
            RoomsModel(data, clock),
            client_id=args.client_id,
            client_secret=args.client_secret,
            port=args.port,
            token_ttl_s=args.token_ttl_s,
        )
    except OSError as exc:
        raise CommandError(f"cannot listen on 127.0.0.1:{args.port}: {exc}", EXIT_USAGE) from None


def serve(args: argparse.Namespace) -> int:
    sim = build(args).start()
    control = ControlServer(sim.actions(), port=args.control_port).start()
    announce(json.dumps({"rooms": sim.url + "/1.1", "control": control.url}))
    try:
        wait_for_stop()
    finally:
        control.stop()
        sim.stop()
    return 0


def act(args: argparse.Namespace) -> int:
    params = {
        key: value
        for key, value in vars(args).items()
        if key in ("delay_s", "count", "status", "on", "at") and value is not None
    }
    name = args.action_name.replace("-", "_")
    try:
        result = ControlClient(args.control).call(name, **params)
    except ControlError as exc:
        code = EXIT_UNREACHABLE if "not reachable" in str(exc) else EXIT_USAGE
        raise CommandError(str(exc), code) from None
    print(json.dumps(result, ensure_ascii=False))
    return 0


def _local(text: str, tz: ZoneInfo) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--at: not an ISO date-time: {text!r}", EXIT_USAGE) from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment
