"""`kiosk staff hash-pin`: make the local technician credential, `[circulation] staff_pin_hash`.

The kiosk checks a staff card's PIN at the ILS; only when the ILS cannot be reached does it
fall back to this one technician PIN (docs/circulation.md, "Staff sign-in"). The PIN is read
twice from the terminal without echo (getpass), or once from standard input with --stdin
(for provisioning scripts); the hash line goes to standard output, nothing else does. Never
prints, logs or stores the PIN itself.
"""

from __future__ import annotations

import argparse
import getpass
import secrets
import sys
import warnings

from kiosk.commands.common import EXIT_OK, EXIT_USAGE, CommandError
from kiosk.core.circulation.staff_auth import SALT_BYTES, PinFormatError, check_pin_format, hash_pin


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "staff", help="staff sign-in: the local technician PIN", description=__doc__
    )
    sub = parser.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    hashing = sub.add_parser(
        "hash-pin",
        help="print the staff_pin_hash line for a technician PIN (4 to 6 digits)",
        description="Ask for the technician PIN twice (no echo) and print the salted scrypt "
        "hash to paste into [circulation] staff_pin_hash. Exit 2 if the PINs differ or are "
        "not 4 to 6 digits.",
    )
    hashing.add_argument(
        "--stdin",
        action="store_true",
        help="read the PIN from the first line of standard input instead of the terminal",
    )
    hashing.set_defaults(func=run_hash_pin)


def run_hash_pin(args: argparse.Namespace) -> int:
    pin = _from_stdin() if args.stdin else _from_terminal()
    try:
        check_pin_format(pin)
    except PinFormatError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    line = hash_pin(pin, secrets.token_bytes(SALT_BYTES)).line()
    print(line)
    if not args.stdin:
        print(f'paste into [circulation]: staff_pin_hash = "{line}"', file=sys.stderr)
    return EXIT_OK


def _from_stdin() -> str:
    first = sys.stdin.readline()
    if not first:
        raise CommandError("no PIN on standard input", EXIT_USAGE)
    return first.strip()


def _from_terminal() -> str:
    with warnings.catch_warnings():
        # getpass falls back to echoing when it has no terminal: refuse rather than show a PIN
        warnings.simplefilter("error", getpass.GetPassWarning)
        try:
            pin = getpass.getpass("Technician PIN (4 to 6 digits): ")
            again = getpass.getpass("The same PIN again: ")
        except (EOFError, getpass.GetPassWarning):
            raise CommandError(
                "no terminal to type the PIN on without echo (use --stdin to pipe one in)",
                EXIT_USAGE,
            ) from None
    if pin != again:
        raise CommandError("the two PINs differ; nothing was made", EXIT_USAGE)
    return pin.strip()
