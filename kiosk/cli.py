"""The `kiosk` command: parse the command line, hand over to a subcommand, map errors to exit codes.

Exit codes shared by every subcommand: 0 ok, 1 refused or failed as reported, 2 usage or
configuration error, 3 a device or server could not be reached. Never a traceback for a
user's mistake.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from kiosk import __version__
from kiosk.commands import COMMAND_MODULES
from kiosk.commands.common import EXIT_USAGE, CommandError
from kiosk.settings import ConfigError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit code for usage errors is 2 too
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kiosk",
        description="knygomatas: self-service kiosk and book-locker controller for libraries.",
        epilog="Exit codes: 0 ok, 1 refused/failed, 2 usage or configuration error, "
        "3 device or server unreachable.",
    )
    parser.add_argument("--version", action="version", version=f"knygomatas {__version__}")
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: $KIOSK_CONFIG, then config/kiosk.toml)",
    )
    parser.add_argument(
        "--log-level", choices=["debug", "info", "warning", "error"], help="override [log] level"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"kiosk: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CommandError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
