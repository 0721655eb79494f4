"""`kiosk console hash-password`: make `[console] password_hash` for the simulator console.

The technician console (`kiosk sim up`) listens on 127.0.0.1; to serve it on another
address ([console] host) it needs a password, stored only as a salted scrypt line. The
password is read twice from the terminal without echo, or once from standard input with
--stdin; the line goes to standard output. The password is never printed, logged or stored.
See docs/security.md.
"""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
import warnings

from kiosk.commands.common import EXIT_OK, EXIT_USAGE, CommandError
from kiosk.core.circulation.staff_auth import SALT_BYTES
from simulators.console.guard import MIN_PASSWORD, hash_password


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "console", help="the simulator console: its password hash", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    sub = parser.add_subparsers(dest="console_command", metavar="ACTION", required=True)
    hashing = sub.add_parser(
        "hash-password",
        help=f"print the password_hash line for a console password ({MIN_PASSWORD}+ characters)",
        description="Ask for the console password twice (no echo) and print the salted scrypt "
        "line to paste into [console] password_hash. Exit 2 if the two differ or the password "
        f"is shorter than {MIN_PASSWORD} characters.",
    )
    hashing.add_argument(
        "--stdin", action="store_true",
        help="read the password from the first line of standard input instead of the terminal",
    )  # fmt: skip
    hashing.set_defaults(func=run_hash_password)


def run_hash_password(args: argparse.Namespace) -> int:
    password = _from_stdin() if args.stdin else _from_terminal()
    try:
        line = hash_password(password, secrets.token_bytes(SALT_BYTES))
    except ValueError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    print(line)
    if not args.stdin:
        print(f'paste into [console]: password_hash = "{line}"', file=sys.stderr)
    return EXIT_OK


def _from_stdin() -> str:
    first = sys.stdin.readline().rstrip("\r\n")
    if not first:
        raise CommandError("no password on standard input", EXIT_USAGE)
    return first


def _from_terminal() -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("error", getpass.GetPassWarning)  # never echo a password
        try:
            password = getpass.getpass("Console password: ")
            again = getpass.getpass("The same password again: ")
        except (EOFError, getpass.GetPassWarning):
            raise CommandError(
                "no terminal to type the password on without echo (use --stdin)", EXIT_USAGE
            ) from None
    if password != again:
        raise CommandError("the two passwords differ; nothing was made", EXIT_USAGE)
    return password
