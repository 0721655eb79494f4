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
        try:
            importlib.import_module(name).register(subparsers)
        except ModuleNotFoundError as exc:  # a production install has no simulators' extra
            extra = OPTIONAL_EXTRAS.get((exc.name or "").split(".")[0])
            if extra is None:
                raise
            _needs_extra(subparsers, name.rsplit(".", 1)[1], extra)
    return parser


# Libraries only the simulators use (the `sim` extra in pyproject.toml): a kiosk installed
# without it still runs every other command; these say what to install.
OPTIONAL_EXTRAS = {"flask": "sim", "aiosmtpd": "sim"}


def _needs_extra(subparsers: argparse._SubParsersAction, command: str, extra: str) -> None:
    def refuse(args: argparse.Namespace) -> int:
        raise CommandError(
            f"`kiosk {command}` needs the simulators, which this installation leaves out: "
            f"install knygomatas[{extra}] (the development checkout's scripts/install has it)",
            EXIT_USAGE,
        )

    parser = subparsers.choices.get(command)
    if parser is None:  # the import failed before register(): a stand-in that says why
        parser = subparsers.add_parser(
            command, help=f"(needs knygomatas[{extra}]: not installed here)", add_help=False
        )
        parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    parser.set_defaults(func=refuse)  # a part registered already keeps its own actions


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
