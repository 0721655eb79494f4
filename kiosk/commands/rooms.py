"""`kiosk rooms …`: technician and staff commands for room bookings.

list, availability (the room board), bookings (staff: the day by room), book, cancel, checkin,
refresh, queue. Reads come from the local cache after a refresh attempt, so they answer (marked
"possibly stale") when the booking system is down; book and cancel need it. The patron is the
one the ILS names for --card; staff may book for someone the ILS does not reach with --name and
--email (an admin booking). The adapters come from the wiring (kiosk/wiring/rooms.py).
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
from datetime import datetime, time
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from backend_sync.rooms.libcal_client import LibCalRequestError
from kiosk.commands.common import (
    EXIT_REFUSED,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    CommandError,
    settings_from,
)
from kiosk.core.privacy import mask_card
from kiosk.core.rooms.board import board
from kiosk.core.rooms.desk import BoardView, RoomDesk
from kiosk.core.rooms.errors import BookingSystemUnavailable, RoomsError
from kiosk.core.rooms.model import Booking, Patron
from kiosk.core.rooms.patrons import KnownPatrons, patron_from_ils
from kiosk.i18n import Catalogs
from kiosk.settings import Settings
from kiosk.ui.presenters.rooms import capacity_text, closed_status, room_row, span, stale_text
from kiosk.ui.presenters.rooms_build import board_view
from kiosk.wiring.rooms import rooms_from


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rooms", help="room bookings: board, book, check in, cancel, refresh", description=__doc__
    )
    parser.add_argument(
        "--now",
        metavar="ISO",
        help="act as if it were this local time; only against a simulator (a [rooms] base_url"
        " on this machine: localhost, 127.x.x.x, ::1), refused otherwise",
    )
    parser.add_argument(
        "--language",
        choices=("lt", "en", "ru", "uk", "pl"),
        help="language of list and availability (default: the screen's first, [ui] languages)",
    )
    sub = parser.add_subparsers(dest="rooms_command", metavar="ACTION", required=True)
    _add(sub, "list", "the bookable spaces with their category and capacity", run_list)
    board = _add(sub, "availability", "the room board: free now / next, free stretches", run_board)
    board.add_argument("--space", type=int, help="only this space id")
    _add(sub, "bookings", "staff: today's bookings by room (cancelled ones too)", run_bookings)
    book = _add(sub, "book", "book a space today for a patron", run_book)
    book.add_argument("--space", type=int, required=True, help="space id (see `rooms list`)")
    book.add_argument("--from", dest="start", required=True, metavar="HH:MM", help="start")
    book.add_argument("--to", dest="end", required=True, metavar="HH:MM", help="end")
    book.add_argument("--people", type=int, default=1, help="group size (checked against capacity)")
    _patron_options(book)
    cancel = _add(sub, "cancel", "cancel a booking of the patron", run_cancel)
    cancel.add_argument("booking_id", help="the booking id, e.g. cs_ABCD2345")
    _patron_options(cancel)
    checkin = _add(sub, "checkin", "check a patron in to their booking", run_checkin)
    checkin.add_argument("booking_id", help="the booking id")
    _patron_options(checkin)
    refresh = _add(
        sub, "refresh", "fetch the day's picture from the booking system now", run_refresh
    )
    refresh.add_argument("--full", action="store_true", help="also locations, categories, spaces")
    _add(sub, "queue", "check-ins waiting for the booking system (and refused ones)", run_queue)


def _add(sub, name: str, help_text: str, func) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(func=func)
    return parser


def _patron_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--card", help="the patron's library card (name and e-mail from the ILS)")
    parser.add_argument("--name", help="staff booking: the patron's full name (without --card)")
    parser.add_argument("--email", help="staff booking: the patron's e-mail (without --card)")


# ---- wiring ----------------------------------------------------------------------------------
class _Context:
    def __init__(self, args: argparse.Namespace) -> None:
        self.settings: Settings = settings_from(args)
        if self.settings.rooms is None:
            raise CommandError("the configuration has no [rooms] table", EXIT_USAGE)
        self.tz = ZoneInfo(self.settings.kiosk.timezone)
        if args.now and not is_simulator(self.settings.rooms.base_url):
            raise CommandError(
                "--now is only for a simulator (a loopback [rooms] base_url); "
                f"{self.settings.rooms.base_url} is a real booking system: nothing was done",
                EXIT_USAGE,
            )
        self.now = _now(args.now, self.tz)
        self.rooms = rooms_from(self.settings)
        language = getattr(args, "language", None) or self.settings.ui.languages[0]
        self.tr = Catalogs().translator(language)  # the words the touch screen uses

    def close(self) -> None:
        self.rooms.system.close()  # type: ignore[attr-defined]
        self.rooms.cache.close()


def _run(args: argparse.Namespace, action) -> int:
    ctx = _Context(args)
    try:
        return action(ctx)
    except LibCalRequestError as exc:
        raise CommandError(f"booking system refused the request: {exc}", EXIT_USAGE) from None
    except BookingSystemUnavailable as exc:
        raise CommandError(f"booking system unreachable: {exc}", EXIT_UNREACHABLE) from None
    except RoomsError as exc:
        raise CommandError(f"refused: {exc}", EXIT_REFUSED) from None
    finally:
        ctx.close()


def is_simulator(base_url: str) -> bool:
    """A booking system on this machine (loopback) is a simulator: only there may a command
    pretend another time (a real one would get real bookings and the kiosk's shared cache a
    refresh time in the future)."""
    host = urlsplit(base_url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _now(text: str | None, tz: ZoneInfo) -> datetime:
    if not text:
        return datetime.now(tz)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--now: not an ISO date-time: {text!r}", EXIT_USAGE) from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


def _desk(ctx: _Context, args: argparse.Namespace) -> tuple[RoomDesk, str]:
    """The desk with the patron named by --card (through the ILS) or --name/--email."""
    if args.card:
        patron = _ils_patron(ctx.settings, args.card)
        return RoomDesk(ctx.rooms, KnownPatrons(*([patron] if patron else []))), args.card
    if not (args.name and args.email):
        raise CommandError("name the patron: --card CARD, or --name and --email", EXIT_USAGE)
    first, _, last = args.name.strip().rpartition(" ")
    patron = Patron("staff-booking", first, last, args.email.strip())
    return RoomDesk(ctx.rooms, KnownPatrons(patron)), patron.card


def _ils_patron(settings: Settings, card: str) -> Patron | None:
    if settings.ils is None:
        raise CommandError("--card needs the [ils] table (or use --name and --email)", EXIT_USAGE)
    from kiosk.core.errors import LibrarySystemError
    from kiosk.wiring.library import library_from

    async def lookup():
        client = library_from(settings)
        try:
            return await client.patron(card)
        finally:
            await client.close()

    try:
        record = asyncio.run(lookup())
    except LibrarySystemError as exc:
        raise CommandError(f"library system: {exc}", EXIT_UNREACHABLE) from None
    return patron_from_ils(record)


def _print(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def _booking_json(b: Booking) -> dict:
    return {
        "booking_id": b.booking_id,
        "space_id": b.space_id,
        "from": b.start.strftime("%H:%M"),
        "to": b.end.strftime("%H:%M"),
        "status": b.status,
        "checked_in": b.checked_in,
        "patron": f"{b.first_name} {b.last_name[:1]}.".strip(),
    }


def _freshness(ctx: _Context) -> str:
    """When the picture was fetched, in the screen's words (and "possibly out of date")."""
    snap = ctx.rooms.snapshot(ctx.now)
    stale = stale_text(snap.refreshed_at, snap.stale, ctx.tr)
    if stale or snap.refreshed_at is None:
        return stale or ctx.tr.gettext("The booking system is not answering; no rooms to show yet.")
    return ctx.tr.gettext("Last updated at %(time)s") % {"time": ctx.tr.time(snap.refreshed_at)}


# ---- the actions -----------------------------------------------------------------------------
def run_list(args: argparse.Namespace) -> int:
    def action(ctx: _Context) -> int:
        ctx.rooms.refresh_if_due(ctx.now)
        snap = ctx.rooms.snapshot(ctx.now)
        names = {c.cid: c.name for c in snap.categories}
        for s in sorted(snap.spaces, key=lambda s: (s.cid, s.name)):
            people = capacity_text(s.capacity, ctx.tr)
            print(f"{s.id:>6}  {s.name:<28} {names.get(s.cid, '?'):<28} {people}")
        print(_freshness(ctx))
        return 0

    return _run(args, action)


def run_board(args: argparse.Namespace) -> int:
    def action(ctx: _Context) -> int:
        ctx.rooms.refresh_if_due(ctx.now)
        snap = ctx.rooms.snapshot(ctx.now)
        view = board_view(
            BoardView(board(snap, ctx.now), snap.refreshed_at, snap.stale), snap, ctx.now
        )
        for row in sorted(view.rows, key=lambda r: r.name):
            if args.space and row.space_id != args.space:
                continue
            shown = room_row(row, ctx.tr)
            closed = row.closed_today and not row.bookable
            state = closed_status(row, ctx.tr) if closed else shown.status
            runs = ", ".join(span(start, end, ctx.tr) for start, end in row.free_runs)
            free = ctx.tr.gettext("Free today: %(times)s") % {"times": runs} if runs else ""
            print(f"{row.space_id:>6}  {row.name:<28} {state:<34} {free}".rstrip())
        print(_freshness(ctx))
        return 0

    return _run(args, action)


def run_bookings(args: argparse.Namespace) -> int:
    def action(ctx: _Context) -> int:
        ctx.rooms.refresh_if_due(ctx.now)
        desk = RoomDesk(ctx.rooms, KnownPatrons())
        for space, bookings in desk.day_by_room(ctx.now):
            print(f"{space.id:>6}  {space.name}")
            for b in bookings:
                mark = " ✓" if b.checked_in else ""
                print(
                    f"        {b.start:%H:%M}-{b.end:%H:%M}  {b.booking_id:<14} {b.status:<20}"
                    f" {b.first_name} {b.last_name[:1]}.{mark}"
                )
        print(_freshness(ctx))
        return 0

    return _run(args, action)


def run_book(args: argparse.Namespace) -> int:
    def action(ctx: _Context) -> int:
        desk, card = _desk(ctx, args)
        start, end = _today_at(ctx, args.start), _today_at(ctx, args.end)
        ctx.rooms.refresh_if_due(ctx.now)
        booking = desk.book(card, args.space, start, end, ctx.now, group_size=args.people)
        _print({"booked": _booking_json(booking), "card": mask_card(args.card or "")})
        return 0

    return _run(args, action)


def run_cancel(args: argparse.Namespace) -> int:
    def action(ctx: _Context) -> int:
        desk, card = _desk(ctx, args)
        ctx.rooms.refresh_if_due(ctx.now)
        _print({"cancelled": _booking_json(desk.cancel(card, args.booking_id, ctx.now))})
        return 0

    return _run(args, action)


def run_checkin(args: argparse.Namespace) -> int:
    def action(ctx: _Context) -> int:
        desk, card = _desk(ctx, args)
        ctx.rooms.refresh_if_due(ctx.now)
        outcome = desk.check_in(card, args.booking_id, ctx.now)
        _print({"checked_in": _booking_json(outcome.booking), "queued": outcome.queued})
        return 0

    return _run(args, action)


def run_refresh(args: argparse.Namespace) -> int:
    def action(ctx: _Context) -> int:
        report = ctx.rooms.refresh(ctx.now, full=args.full)
        _print({**report.__dict__, "requests": ctx.rooms.system.requests_made})  # type: ignore[attr-defined]
        return 0 if report.ok else EXIT_UNREACHABLE

    return _run(args, action)


def run_queue(args: argparse.Namespace) -> int:
    def action(ctx: _Context) -> int:
        _print([q.__dict__ for q in ctx.rooms.cache.queued_check_ins(state=None)])
        return 0

    return _run(args, action)


def _today_at(ctx: _Context, text: str) -> datetime:
    try:
        clock = time.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a time of day (HH:MM): {text!r}", EXIT_USAGE) from None
    return datetime.combine(ctx.now.date(), clock, ctx.tz)
