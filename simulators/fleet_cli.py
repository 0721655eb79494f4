"""`kiosk sim up`: every simulator the config names, plus the technician web console.

    kiosk sim up [--config config/demo.toml] [--console-port 8090] [--any-ports] [--out DIR]

Starts the ILS, RFID, locker, printer and booking simulators on the ports the config
expects (simulators/fleet.py), serves the console on 127.0.0.1 (or [console] host, with its
password; docs/security.md), prints one JSON object
saying where each is, and runs until Ctrl-C or SIGTERM, then stops them all.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from kiosk.commands.common import (
    EXIT_USAGE,
    CommandError,
    announce,
    setup_logging_without_config,
    wait_for_stop,
)
from kiosk.settings import DEFAULT_CONFIG_ENV, load_settings
from simulators.console.app import Console, create_app
from simulators.console.server import ConsoleServer
from simulators.control import LOOPBACK
from simulators.fleet import Fleet, FleetError, FleetOptions

DEFAULT_CONFIG = "config/demo.toml"
DEFAULT_CONSOLE_PORT = 8090


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "up",
        help="start every simulator the config names, and the web console",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        default=argparse.SUPPRESS,  # `kiosk --config FILE sim up` works too
        help=f"the kiosk config whose tables name the simulators (${DEFAULT_CONFIG_ENV}, "
        f"else {DEFAULT_CONFIG})",
    )
    parser.add_argument(
        "--console-port", type=int, default=DEFAULT_CONSOLE_PORT,
        help=f"web console port on 127.0.0.1 (default {DEFAULT_CONSOLE_PORT}; 0: any)",
    )  # fmt: skip
    parser.add_argument("--no-console", action="store_true", help="simulators only")
    parser.add_argument(
        "--any-ports", action="store_true",
        help="pick free ports instead of the config's (the printed JSON says which)",
    )  # fmt: skip
    parser.add_argument(
        "--out", default="var/sim-printer", help="printer receipts folder (var/sim-printer)"
    )
    parser.add_argument(
        "--time-scale", type=float, default=1.0,
        help="RFID realism delays multiplied by this (0: answer at once)",
    )  # fmt: skip
    parser.add_argument(
        "--refresh-s", type=float, default=2.0, help="console refresh period (0: off)"
    )
    parser.set_defaults(func=run)


def _config_path(args: argparse.Namespace) -> Path:
    given = getattr(args, "config", None)
    return Path(given or os.environ.get(DEFAULT_CONFIG_ENV) or DEFAULT_CONFIG)


def run(args: argparse.Namespace) -> int:
    setup_logging_without_config(args)
    settings = load_settings(_config_path(args))
    options = FleetOptions(
        any_ports=args.any_ports, out_dir=Path(args.out), time_scale=args.time_scale
    )
    try:
        fleet = Fleet(settings, options).start()
    except FleetError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    console: ConsoleServer | None = None
    try:
        described: dict[str, object] = dict(fleet.describe())
        if not args.no_console:
            console = start_console(
                fleet,
                0 if args.any_ports else args.console_port,
                args.refresh_s,
                host=settings.console.host,
                password_hash=settings.console.password_hash.get_secret_value() or None,
            )
            described["console"] = console.url
        announce(json.dumps(described, ensure_ascii=False))
        wait_for_stop()
    finally:
        if console is not None:
            console.stop()
        fleet.stop()
    return 0


def start_console(
    fleet: Fleet,
    port: int,
    refresh_s: float = 2.0,
    *,
    host: str = LOOPBACK,
    password_hash: str | None = None,
) -> ConsoleServer:
    """The web console over a running fleet (stops the fleet if the port is taken); on
    ``host`` ([console] host, loopback by default) with ``password_hash`` when set."""
    printer = fleet.running.get("printer")
    out = Path(printer.extra["out_dir"]) if printer else None
    console = Console(fleet.controls(), fleet.catalogue, out)
    app = create_app(console, refresh_s, password_hash=password_hash)
    try:
        return ConsoleServer(app, port, host).start()
    except OSError as exc:
        fleet.stop()
        raise CommandError(f"cannot serve the console on port {port}: {exc}", EXIT_USAGE) from None
