"""`kiosk ils …`: technician commands that talk to the configured library system over SIP2.

Each prints one JSON object. Exit 0 when the ACS says ok, 1 when it refuses (its screen
message is printed), 2 for a usage or configuration error, 3 when it cannot be reached.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from kiosk.commands.common import (
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CommandError,
    settings_from,
)
from kiosk.core.errors import LibrarySystemError, LibraryUnavailable
from kiosk.core.ports import LibrarySystem
from kiosk.core.privacy import mask_card
from kiosk.core.vocabulary import ItemStatus
from kiosk.wiring.attempts import pin_counted_library_from
from kiosk.wiring.library import library_from


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ils",
        help="talk to the library system (SIP2) as the kiosk would",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="ils_command", metavar="ACTION", required=True)
    sub.add_parser(
        "status", help="connect, log in, print the ACS status and what it supports"
    ).set_defaults(func=run_status)
    patron = sub.add_parser("patron", help="patron information (loans, holds, fines)")
    patron.add_argument("card", help="the patron's card number")
    _pin_option(patron)
    patron.set_defaults(func=run_patron)
    checkout = sub.add_parser("checkout", help="lend ITEM to the patron with CARD")
    checkout.add_argument("card", help="the patron's card number")
    checkout.add_argument("item", help="the item's barcode")
    _pin_option(checkout)
    checkout.set_defaults(func=run_checkout)
    checkin = sub.add_parser("checkin", help="return ITEM")
    checkin.add_argument("item", help="the item's barcode")
    checkin.set_defaults(func=run_checkin)
    renew = sub.add_parser("renew", help="renew ITEM for the patron with CARD")
    renew.add_argument("card", help="the patron's card number")
    renew.add_argument("item", help="the item's barcode")
    _pin_option(renew)
    renew.set_defaults(func=run_renew)
    item = sub.add_parser("item", help="item information (status, due date, holds)")
    item.add_argument("item", help="the item's barcode")
    item.set_defaults(func=run_item)


def _pin_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pin", help="the patron's PIN ('-' reads it from stdin, keeping it out of `ps`)"
    )


def _pin(args: argparse.Namespace) -> str | None:
    if args.pin == "-":
        return sys.stdin.readline().rstrip("\r\n")
    return args.pin


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _print(result: Any, **masked_cards: str) -> None:
    data = _jsonable(result)
    for key in masked_cards:
        if isinstance(data, dict) and data.get(key):
            data[key] = mask_card(data[key])
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _run(args: argparse.Namespace, action: Callable[[LibrarySystem], Awaitable[int]]) -> int:
    settings = settings_from(args)
    if settings.ils is None:
        raise CommandError(
            "the configuration has no [ils] table (see config/kiosk.example.toml)", EXIT_USAGE
        )

    async def main() -> int:
        client = library_from(settings)
        try:
            return await action(pin_counted_library_from(settings, client))
        finally:
            await client.close()

    try:
        return asyncio.run(main())
    except LibraryUnavailable as exc:
        raise CommandError(f"library system unreachable: {exc}", EXIT_UNREACHABLE) from None
    except LibrarySystemError as exc:
        raise CommandError(f"library system error: {exc}", EXIT_REFUSED) from None


def _refusal(ok: bool, messages: tuple[str, ...]) -> int:
    if ok:
        return EXIT_OK
    print("; ".join(messages) or "refused by the library system", file=sys.stderr)
    return EXIT_REFUSED


def run_status(args: argparse.Namespace) -> int:
    async def action(ils: LibrarySystem) -> int:
        status = await ils.status()
        _print(status)
        return EXIT_OK if status.online else EXIT_REFUSED

    return _run(args, action)


def run_patron(args: argparse.Namespace) -> int:
    pin = _pin(args)

    async def action(ils: LibrarySystem) -> int:
        patron = await ils.patron(args.card, pin, details="charged")
        if pin is not None and patron.pin_valid is False:
            # Nothing about the patron (name, e-mail, phone) goes to whoever typed a wrong PIN.
            print("wrong PIN", file=sys.stderr)
            return EXIT_REFUSED
        holds = await ils.patron(args.card, pin, details="hold")
        fines = await ils.patron(args.card, pin, details="fine")
        patron = dataclasses.replace(
            patron, hold_items=holds.hold_items, fine_items=fines.fine_items
        )
        _print(patron, card="card")
        return _refusal(bool(patron.valid), patron.screen_messages)

    return _run(args, action)


def run_checkout(args: argparse.Namespace) -> int:
    return _loan(args, "checkout")


def run_renew(args: argparse.Namespace) -> int:
    return _loan(args, "renew")


def _loan(args: argparse.Namespace, kind: str) -> int:
    """A checkout or a renewal: the same arguments, the same LoanResult."""
    pin = _pin(args)

    async def action(ils: LibrarySystem) -> int:
        call = ils.checkout if kind == "checkout" else ils.renew
        result = await call(args.card, args.item, pin)
        _print(result, card="card")
        return _refusal(result.ok, result.screen_messages)

    return _run(args, action)


def run_checkin(args: argparse.Namespace) -> int:
    async def action(ils: LibrarySystem) -> int:
        result = await ils.checkin(args.item)
        _print(result, patron_card="patron_card", hold_patron_id="hold_patron_id")
        return _refusal(result.ok, result.screen_messages)

    return _run(args, action)


def run_item(args: argparse.Namespace) -> int:
    async def action(ils: LibrarySystem) -> int:
        item = await ils.item(args.item)
        _print(item)
        known = item.circulation_status not in (ItemStatus.OTHER, ItemStatus.MISSING)
        return _refusal(known, item.screen_messages)

    return _run(args, action)
