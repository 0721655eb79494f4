"""`kiosk sim feed`: run the new-books feed simulator (an OPAC's RSS/Atom/JSON), or steer one.

kiosk sim feed [--port 8097] [--control-port 8098]
    serves until Ctrl-C; prints one JSON line with the feed URLs and the control URL.
kiosk sim feed ACTION [--control URL] [...]
    status, add-book, remove-book, fail, slow, garbage, oversize, reset-faults, stats:
    the same actions as the control API (POST URL/ACTION).

Thin: parses, builds a FeedSimulator or calls the control API, prints JSON. Errors are one
line (CommandError), never a traceback.
"""

from __future__ import annotations

import argparse
import json

from kiosk.commands.common import (
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CommandError,
    announce,
    wait_for_stop,
)
from simulators.control import ControlClient, ControlError, ControlServer
from simulators.feeds.model import GARBAGE_KINDS, demo_model
from simulators.feeds.server import FeedSimulator

DEFAULT_PORT = 8097
DEFAULT_CONTROL_PORT = 8098
DEFAULT_CONTROL = f"http://127.0.0.1:{DEFAULT_CONTROL_PORT}"

_COUNT = ("--count", int, 1, "how many answers (fail: -1 = every one until reset-faults)")
ACTIONS: dict[str, tuple[str, tuple[tuple[str, type, object, str], ...]]] = {
    "status": ("the list's newest books, version, faults and counts", ()),
    "add-book": (
        "a new acquisition at the front of the list (the ETag changes)",
        (("--title", str, None, "the title, as the catalogue has it"),
         ("--author", str, "", "the author")),
    ),
    "remove-book": ("take a book off the list", (("--biblionumber", int, None, "its number"),)),
    "fail": (
        "the next COUNT answers are an HTTP error",
        (_COUNT, ("--status", int, 500, "HTTP status to answer (500, 503, 404 …)")),
    ),
    "slow": (
        "delay every answer (0 = off)",
        (("--delay-s", float, 2.0, "seconds before each answer, or between pieces with --drip"),
         ("--drip", bool, False, "send the body in 10 pieces, DELAY_S apart")),
    ),
    "garbage": (
        "the next COUNT answers are 200 with something that is not a feed",
        (_COUNT, ("--kind", str, "bytes", f"one of {', '.join(GARBAGE_KINDS)}")),
    ),
    "oversize": (
        "the next COUNT answers are a body of BYTES bytes",
        (_COUNT, ("--bytes", int, 3_000_000, "body size"),
         ("--undeclared", bool, False, "send no Content-Length (the body just runs on)")),
    ),
    "reset-faults": ("end every fault", ()),
    "stats": ("answers given, by kind (ok, not_modified, failed …)", ()),
}  # fmt: skip


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "feed",
        help="the OPAC's new-books feed (Koha-like RSS, Atom, JSON) on loopback",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="feed port (0 = any free port)"
    )
    parser.add_argument(
        "--control-port", type=int, default=DEFAULT_CONTROL_PORT,
        help="control API port (0 = any free port)",
    )  # fmt: skip
    parser.set_defaults(func=serve)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    for name, (help_text, options) in ACTIONS.items():
        sub = actions.add_parser(name, help=help_text, description=help_text)
        sub.add_argument(
            "--control", default=DEFAULT_CONTROL, metavar="URL",
            help=f"the control API URL (default {DEFAULT_CONTROL})",
        )  # fmt: skip
        for flag, kind, default, option_help in options:
            if kind is bool:
                sub.add_argument(flag, action="store_true", help=option_help)
            else:
                sub.add_argument(
                    flag, type=kind, default=default, required=default is None, help=option_help
                )
        sub.set_defaults(func=act, action_name=name)


def serve(args: argparse.Namespace) -> int:
    try:
        sim = FeedSimulator(demo_model(), port=args.port).start()
        control = ControlServer(sim.actions(), port=args.control_port).start()
    except OSError as exc:
        raise CommandError(f"cannot listen on 127.0.0.1: {exc}", EXIT_USAGE) from None
    announce(json.dumps({**sim.urls(), "control": control.url}))
    try:
        wait_for_stop()
    finally:
        control.stop()
        sim.stop()
    return 0


def act(args: argparse.Namespace) -> int:
    _, options = ACTIONS[args.action_name]
    params = {}
    for flag, *_ in options:
        key = flag.removeprefix("--").replace("-", "_")
        params[key] = getattr(args, key)
    try:
        result = ControlClient(args.control).call(args.action_name.replace("-", "_"), **params)
    except ControlError as exc:
        code = EXIT_UNREACHABLE if "not reachable" in str(exc) else EXIT_USAGE
        raise CommandError(str(exc), code) from None
    print(json.dumps(result, ensure_ascii=False))
    return 0
