"""`kiosk payments …`: card payments of fines, for technicians and tests (the same desk the
touch screens use: kiosk/core/payments/desk.py).

kiosk payments pay --card N --pin - (--all | --fee ID [--fee ID …]) [--amount EUR]
    take a payment on the [payment_terminal] for the patron's fines, recorded at the library
    system before the card is charged for good. JSON out. Exit 0 paid; 1 declined, cancelled,
    refused (by the library system or the kiosk's rules) or sent to staff; 2 usage; 3 the
    terminal or the library system cannot be reached (nothing charged).
    --amount with --all pays that much, oldest fees first.
kiosk payments list [--day YYYY-MM-DD] [--json]
    the day's payments from the journal (default today in [kiosk] timezone).
kiosk payments status
    the terminal's status and the reconciliation list (payments not settled). Exit 0 ready
    and nothing unsettled, 1 something unsettled, 3 the terminal is not ready (cannot be
    reached, end-of-day required, …: its text says which).
kiosk payments end-of-day
    close the terminal's day (its batch) and journal its totals. Exit 0, 1 refused.
kiosk payments recover
    settle what a crash left in the journal (the kiosk does this at start-up; run it only
    while the kiosk app is stopped).
kiosk payments resolve PAYMENT_ID --note "what was done"
    take a payment off the reconciliation list once staff settled it by hand (refunded at
    the desk, recorded at the library system …). Exit 0 done, 1 no such unsettled payment.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from kiosk.commands.common import (
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CommandError,
    settings_from,
)
from kiosk.commands.payments_report import register_report
from kiosk.core.clock import SystemClock
from kiosk.core.payments.desk import EndOfDayFailed, PaymentDesk
from kiosk.core.payments.fees import Choice, PayAll, PayAmount, PayChosen
from kiosk.core.payments.results import ChoiceRefused, NotPaid, Paid, PaymentResult, SentToStaff
from kiosk.settings import Settings
from kiosk.wiring.attempts import pin_counted_library_from
from kiosk.wiring.library import library_from
from kiosk.wiring.payment import payment_desk_from, payment_journal_from

UNREACHABLE = ("offline", "terminal_unavailable", "busy")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "payments",
        help="card payments of fines: pay, list, status, end-of-day, recover, report",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="payments_command", metavar="ACTION", required=True)
    pay = sub.add_parser(
        "pay",
        help="pay a patron's fines on the terminal (exit 0 paid, 1 not paid, 3 unreachable)",
        description="Pay fines by card: recorded at the library system before the card is "
        "charged for good. JSON out; exit 0 paid, 1 declined/refused/sent to staff, 2 usage, "
        "3 terminal or library system unreachable.",
    )
    pay.add_argument("--card", required=True, help="the patron's library card number")
    pay.add_argument("--pin", help="the patron's PIN ('-' reads it from stdin, out of `ps`)")
    what = pay.add_mutually_exclusive_group(required=True)
    what.add_argument("--all", action="store_true", help="every fee the patron owes")
    what.add_argument("--fee", action="append", metavar="ID", help="a fee by its identifier")
    pay.add_argument("--amount", metavar="EUR", help="with --all: pay this much, oldest first")
    pay.set_defaults(func=run_pay)
    listing = sub.add_parser("list", help="the day's payments from the journal",
                             description="The day's payments, oldest first.")  # fmt: skip
    listing.add_argument("--day", type=date.fromisoformat, metavar="YYYY-MM-DD",
                         help="which day (default today in [kiosk] timezone)")  # fmt: skip
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(func=run_list)
    sub.add_parser(
        "status", help="terminal status and the payments not settled (reconciliation list)",
        description="The terminal's status and the reconciliation list. Exit 0 ready and "
        "nothing unsettled, 1 unsettled payments, 3 terminal not ready (unreachable, …).",
    ).set_defaults(func=run_status)  # fmt: skip
    sub.add_parser(
        "end-of-day", help="close the terminal's day and journal its totals",
        description="Run the terminal's end-of-day (closes its batch); its totals go to the "
        "journal for the accountant's report. Exit 0 closed, 1 refused.",
    ).set_defaults(func=run_end_of_day)  # fmt: skip
    sub.add_parser(
        "recover", help="settle what a crash left in the journal (kiosk app stopped)",
        description="Settle every payment a crash left open (reverse, book or send to "
        "staff); the kiosk does this at start-up. Run it only while the kiosk app is stopped.",
    ).set_defaults(func=run_recover)  # fmt: skip
    resolve = sub.add_parser(
        "resolve", help="take a payment off the reconciliation list once staff settled it",
        description="Staff settled a payment of the reconciliation list by hand: say what "
        "was done; the note goes to the journal. Exit 0 done, 1 no such unsettled payment.",
    )  # fmt: skip
    resolve.add_argument("payment_id", help="as `kiosk payments status` lists it")
    resolve.add_argument("--note", required=True, help="what staff did (refund, record …)")
    resolve.set_defaults(func=run_resolve)
    register_report(sub)


def choice_of(args: argparse.Namespace) -> Choice:
    if args.amount is None:
        return PayAll() if args.all else PayChosen(tuple(args.fee))
    if not args.all:
        raise CommandError("--amount pays oldest first: use it with --all", EXIT_USAGE)
    try:
        cents = Decimal(args.amount.replace(",", ".")) * 100
    except InvalidOperation:
        raise CommandError(f"--amount {args.amount!r} is not an amount", EXIT_USAGE) from None
    if cents != cents.to_integral_value():
        raise CommandError(f"--amount {args.amount!r} has more than 2 decimals", EXIT_USAGE)
    return PayAmount(int(cents))


def run_pay(args: argparse.Namespace) -> int:
    choice = choice_of(args)
    pin = sys.stdin.readline().rstrip("\r\n") if args.pin == "-" else args.pin
    settings = settings_from(args)

    async def pay(desk: PaymentDesk) -> PaymentResult:
        return await desk.pay(args.card, pin or None, choice)

    result = _with_desk(settings, pay)
    print(json.dumps(result_json(result), ensure_ascii=False))
    match result:
        case Paid():
            return EXIT_OK
        case NotPaid(why=why) if why in UNREACHABLE:
            return EXIT_UNREACHABLE
    return EXIT_REFUSED


def result_json(result: PaymentResult) -> dict[str, Any]:
    match result:
        case Paid(record=record, new_balance_cents=balance, cardholder_receipt_lines=lines):
            return {"result": "paid", "new_balance_cents": balance,
                    "receipt_lines": list(lines), **_jsonable(record)}  # fmt: skip
        case NotPaid(record=record, why=why, text=text):
            return {"result": "not_paid", "why": why, "text": text,
                    **(_jsonable(record) if record else {})}  # fmt: skip
        case SentToStaff(record=record):
            return {"result": "sent_to_staff", **_jsonable(record)}
        case ChoiceRefused(refusal=refusal):
            return {"result": "choice_refused", "why": refusal.reason, "text": refusal.detail}
    raise AssertionError(result)


def run_list(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    day = args.day or SystemClock(settings.kiosk.timezone).now().date()
    journal = payment_journal_from(settings)
    try:
        records = journal.payments_on(day)
    finally:
        journal.close()
    if args.json:
        rows = [_jsonable(r) for r in records]
        print(json.dumps({"day": day.isoformat(), "payments": rows}, ensure_ascii=False))
        return EXIT_OK
    print(f"{day.isoformat()}: {len(records)} payment(s)")
    for r in records:
        amount = f"{r.amount_cents / 100:>8.2f} {r.currency}"
        print(f"{r.started_at:%H:%M:%S}  {r.payment_id}  {r.state:<13} {amount}  card "
              f"{r.library_card_masked}  receipt {r.receipt_number or '—'}"
              f"{'  ' + r.reason if r.reason else ''}")  # fmt: skip
    return EXIT_OK


def run_status(args: argparse.Namespace) -> int:
    settings = settings_from(args)

    async def status(desk: PaymentDesk) -> dict[str, Any]:
        try:
            terminal = await desk.terminal_status()
        except Exception as exc:  # the adapter failed: say so, list the journal all the same
            return {"ready": False, "text": f"not answering: {exc}", "software_version": ""}
        return {"ready": terminal.ready, "text": terminal.text,
                "software_version": terminal.software_version}  # fmt: skip

    terminal = _with_desk(settings, status, library=False)
    journal = payment_journal_from(settings)
    try:
        unsettled = [_jsonable(r) for r in journal.unsettled()]
    finally:
        journal.close()
    print(json.dumps({"terminal": terminal, "unsettled": unsettled}, ensure_ascii=False))
    if not terminal["ready"]:
        return EXIT_UNREACHABLE
    return EXIT_REFUSED if unsettled else EXIT_OK


def run_end_of_day(args: argparse.Namespace) -> int:
    settings = settings_from(args)

    async def close(desk: PaymentDesk) -> dict[str, Any]:
        try:
            return {"closed": True, **_jsonable(await desk.end_of_day())}
        except EndOfDayFailed as exc:
            return {"closed": False, "text": str(exc)}

    result = _with_desk(settings, close, library=False)
    print(json.dumps(result, ensure_ascii=False))
    return EXIT_OK if result["closed"] else EXIT_REFUSED


def run_recover(args: argparse.Namespace) -> int:
    settings = settings_from(args)

    async def recover(desk: PaymentDesk) -> list[dict[str, Any]]:
        return [_jsonable(r) for r in await desk.recover()]

    records = _with_desk(settings, recover)
    print(json.dumps({"recovered": records}, ensure_ascii=False))
    return EXIT_REFUSED if any(r["state"] == "to_staff" for r in records) else EXIT_OK


def run_resolve(args: argparse.Namespace) -> int:
    if not args.note.strip():
        raise CommandError("--note must say what was done", EXIT_USAGE)
    journal = payment_journal_from(settings_from(args))
    try:
        done = journal.resolve(args.payment_id, args.note)
    finally:
        journal.close()
    print(json.dumps({"payment_id": args.payment_id, "resolved": done}, ensure_ascii=False))
    return EXIT_OK if done else EXIT_REFUSED


def _with_desk(settings: Settings, work: Any, *, library: bool = True) -> Any:
    """Run `work(desk)` on a desk built from the settings, closing what it opened."""
    if settings.payment_terminal is None:
        raise CommandError("the configuration has no [payment_terminal] table", EXIT_USAGE)
    if library and settings.ils is None:
        raise CommandError("the configuration has no [ils] table", EXIT_USAGE)
    journal = payment_journal_from(settings)
    lib = pin_counted_library_from(settings, library_from(settings)) if library else _NoLibrary()
    clock = SystemClock(settings.kiosk.timezone)
    desk = payment_desk_from(settings, lib, clock, journal=journal)  # type: ignore[arg-type]

    async def run() -> Any:
        try:
            return await work(desk)
        finally:
            await desk.terminal.close()
            await lib.close()

    try:
        return asyncio.run(run())
    finally:
        journal.close()


class _NoLibrary:
    """For the commands that never reach the library system (status, end-of-day)."""

    async def close(self) -> None:
        return None


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    return value.value if hasattr(value, "value") else value
