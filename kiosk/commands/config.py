"""`kiosk config check`: validate a configuration file and print what it configures."""

from __future__ import annotations

import argparse
import json
import sys

from kiosk.commands.common import settings_from
from kiosk.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "config", help="check the configuration file", description=__doc__
    )
    sub = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    check = sub.add_parser(
        "check",
        help="validate the file; print the configured tables as JSON (secrets hidden)",
        description=(
            "Validate the configuration; exit 2 with one line naming the key if wrong.\n"
            "Warnings (e.g. no [ils] table: the app would run the scripted demo) go to stderr."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    summary = settings.model_dump(mode="json", exclude_none=True)
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    for warning in warnings(settings):
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def warnings(settings: Settings) -> list[str]:
    """What is valid but probably not meant: printed on stderr, the exit status stays 0."""
    found = []
    if settings.ils is None:
        found.append(
            "no [ils] table: `kiosk run` would show the scripted demo (an in-process library"
            " simulator), not a real library system"
        )
    return found
