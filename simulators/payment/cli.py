"""`kiosk sim payment`: run the ZVT card-terminal simulator, or act on a running one.

Without an action it runs: ZVT on TCP (tcp://127.0.0.1:PORT, the kiosk's [payment_terminal]
url) and, with --serial-pty, ZVT with serial framing on a pseudo-terminal; prints one JSON line
with the URLs and serves until Ctrl-C. The actions (fault, card, journal, totals, drop, nak,
status) call a running simulator's control API (--control URL, or $KIOSK_SIM_PAYMENT_CONTROL,
default port 10084).

Faults: approve (clear all), decline, pin, card_removed, timeout, busy,
drop_after_authorisation, end_of_day_needed.
"""

from __future__ import annotations

import argparse
import json
import os

from kiosk.commands.common import (
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CommandError,
    announce,
    wait_for_stop,
)
from simulators.control import ControlClient, ControlError
from simulators.models.payment_terminal import FAULTS, Timings

DEFAULT_PORT = 20007  # ZVT's ECR port
DEFAULT_CONTROL_PORT = 10084
CONTROL_ENV = "KIOSK_SIM_PAYMENT_CONTROL"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "payment", help="ZVT card payment terminal (TCP and serial pty)", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port (0 = any)")
    parser.add_argument("--control-port", type=int, default=DEFAULT_CONTROL_PORT,
                        help="control API port on 127.0.0.1")  # fmt: skip
    parser.add_argument("--serial-pty", action="store_true",
                        help="also speak ZVT serial framing on a pseudo-terminal")  # fmt: skip
    parser.add_argument("--password", type=int, default=0, help="ECR password (6 digits)")
    parser.add_argument("--terminal-id", type=int, default=52500001, help="8-digit terminal id")
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="multiply every realism delay (0 = answer at once)")  # fmt: skip
    parser.set_defaults(func=run_simulator)
    actions = parser.add_subparsers(dest="payment_action", metavar="ACTION")
    fault = actions.add_parser("fault", help="shape the next card dialogues")
    fault.add_argument(
        "name", choices=("approve", *FAULTS), metavar="NAME",
        help="one of: " + ", ".join(("approve", *FAULTS)),
    )  # fmt: skip
    fault.add_argument("--count", type=int, default=1, help="how many (0 = until cleared)")
    fault.set_defaults(func=run_action, action="fault")
    card = actions.add_parser("card", help="the card the next patron presents")
    card.add_argument("--brand", default="Visa")
    card.add_argument("--card-type", type=int, default=10, help="ZVT card-type id (10 Visa)")
    card.add_argument("--pan", default="4111111111111111")
    card.set_defaults(func=run_action, action="card")
    for name, text in (
        ("status", "print the simulator's state as JSON"),
        ("journal", "print every transaction: trace, receipt no., amount, state"),
        ("totals", "print the open batch's totals (what end-of-day would report)"),
        ("drop", "hang up every TCP connection"),
    ):
        sub = actions.add_parser(name, help=text)
        sub.set_defaults(func=run_action, action=name)
    nak = actions.add_parser("nak", help="serial: answer the next frames with NAK")
    nak.add_argument("--frames", type=int, default=1)
    nak.set_defaults(func=run_action, action="nak")
    for sub in (fault, card, nak, *[actions.choices[n] for n in ("status", "journal", "totals",
                                                                  "drop")]):  # fmt: skip
        sub.add_argument(
            "--control", metavar="URL",
            default=os.environ.get(CONTROL_ENV, f"http://127.0.0.1:{DEFAULT_CONTROL_PORT}"),
            help=f"control API of the running simulator (default ${CONTROL_ENV})",
        )  # fmt: skip


def run_action(args: argparse.Namespace) -> int:
    params: dict[str, object] = {}
    if args.action == "fault":
        params = {"name": args.name, "count": args.count}
    elif args.action == "card":
        params = {"brand": args.brand, "card_type": args.card_type, "pan": args.pan}
    elif args.action == "nak":
        params = {"frames": args.frames}
    try:
        result = ControlClient(args.control).call(args.action, **params)
    except ControlError as exc:
        code = EXIT_UNREACHABLE if "not reachable" in str(exc) else EXIT_USAGE
        raise CommandError(str(exc), code) from None
    print(json.dumps(result, ensure_ascii=False))
    return 0


def run_simulator(args: argparse.Namespace) -> int:
    from simulators.models.payment_terminal import PaymentTerminalModel
    from simulators.payment.app import PaymentSimulator

    model = PaymentTerminalModel(terminal_id=args.terminal_id, password=args.password)
    try:
        sim = PaymentSimulator(
            model, port=args.port, control_port=args.control_port, serial_pty=args.serial_pty,
            timings=Timings().scaled(args.time_scale),
        ).start()  # fmt: skip
    except OSError as exc:
        raise CommandError(f"cannot start the payment simulator: {exc}", EXIT_USAGE) from None
    status = sim.status()
    announce(json.dumps({k: status[k] for k in ("tcp_url", "pty_path", "control_url")}))
    try:
        wait_for_stop()
    finally:
        sim.stop()
    return 0
