"""The ILS simulator's SIP2 request -> response mapping: one Acs per server, dispatch by command.

Owns 93 Login, 99 SC Status (-> 98 with BX built from the supported set) and 15 Hold here;
patron messages live in patron_handlers.py, item messages in item_handlers.py. Pure: a
decoded request and a Context in, a response Message out (or None: close the connection).
Framing, checksums, resends and login order are the session's (session.py), sockets and
faults the server's (server.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from backend_sync.sip2.codec import Message, make
from backend_sync.sip2.spec import SUPPORTED_MESSAGES
from simulators.ils.dialects import ServerOptions
from simulators.ils.formats import SCREEN, Context, screen, sip_date, yes_no
from simulators.ils.item_handlers import ITEM_HANDLERS
from simulators.ils.patron_handlers import PATRON_HANDLERS
from simulators.models.ils import Circulation, Library, Outcome, Refusal
from simulators.models.ils_catalogue import end_of_day


@dataclass(frozen=True)
class Account:
    """A SIP2 login (93 CN/CO) and the location its transactions happen at."""

    user: str
    password: str
    location: str = ""


class Acs:
    """The automated circulation system: answers decoded requests from the Library."""

    def __init__(
        self, library: Library, accounts: Iterable[Account], options: ServerOptions
    ) -> None:
        self.library = library
        self.accounts = {a.user: a for a in accounts}
        self.options = options

    def login(self, req: Message) -> tuple[Message, Account | None]:
        account = self.accounts.get(req.get("CN") or "")
        if account is None or account.password != (req.get("CO") or ""):
            return make("94", {"ok": "0"}, []), None
        location = req.get("CP") or account.location
        return make("94", {"ok": "1"}, []), Account(account.user, account.password, location)

    def respond(self, req: Message, ctx: Context) -> Message | None:
        """The response to an answerable request (not 93/97: those are the session's)."""
        handler = HANDLERS[req.command]
        return handler(self, req, ctx)


def acs_status(acs: Acs, req: Message, ctx: Context) -> Message:
    options = acs.options
    supported = options.supported
    bx = "".join(yes_no(code in supported) for code in SUPPORTED_MESSAGES)
    fixed = {
        "online_status": yes_no(ctx.online),
        "checkin_ok": yes_no(ctx.online and "09" in supported),
        "checkout_ok": yes_no(ctx.online and "11" in supported),
        "acs_renewal_policy": yes_no("29" in supported),
        "status_update_ok": yes_no("19" in supported),
        "offline_ok": yes_no(options.dialect.offline_ok),
        "timeout_period": f"{options.timeout_period:03d}" if ctx.online else "000",
        "retries_allowed": f"{options.retries_allowed:03d}",
        "date_time_sync": sip_date(ctx.now),
        "protocol_version": "2.00",
    }
    fields = [
        ("AO", acs.library.institution),
        ("AM", acs.library.name),
        ("BX", bx),
        ("AN", ctx.location or None),
        ("AF", options.screen_message or (None if ctx.online else SCREEN[Refusal.OFFLINE])),
    ]
    return make("98", fixed, fields)


def hold(acs: Acs, req: Message, ctx: Context) -> Message:
    library = acs.library
    patron, pin = req.get("AA") or "", req.get("AD")
    barcode = req.get("AB") or _copy_of(library, req.get("AJ") or "")
    pickup = req.get("BS") or ctx.location
    if not ctx.online:
        outcome = Outcome(Refusal.OFFLINE)
    elif pin and not library.check_pin(patron, pin):
        outcome = Outcome(Refusal.BAD_PIN)
    else:
        match req.fixed_value("hold_mode"):
            case "-":
                outcome = library.cancel_hold(patron, barcode)
            case "*":
                outcome = library.change_hold(patron, barcode, req.get("BS") or "")
            case _:
                outcome = library.place_hold(patron, barcode, pickup, ctx.now)
    item = library.item(barcode)
    placed = outcome.hold if outcome.ok and req.fixed_value("hold_mode") != "-" else None
    available = item is not None and library.circulation(barcode) is Circulation.AVAILABLE
    fields = [
        ("BW", sip_date(end_of_day(placed.expires)) if placed and placed.expires else None),
        ("BR", str(library.queue_position(placed)) if placed else None),
        ("BS", placed.pickup if placed else None),
        ("AO", req.get("AO") or ""),
        ("AA", patron),
        ("AB", barcode or None),
        ("AJ", item.title if item else None),
        ("AF", screen(outcome.refusal) or "Rezervacija priimta"),
    ]
    fixed = {
        "ok": "1" if outcome.ok else "0",
        "available": yes_no(available),
        "transaction_date": sip_date(ctx.now),
    }
    return make("16", fixed, fields)


def _copy_of(library: Library, title: str) -> str:
    """A title-level hold lands on the first lendable copy of that title."""
    for item in library.items():
        if title and item.title == title and library.rules.loan_days_for(item.item_type) > 0:
            return item.barcode
    return ""


Handler = Callable[[Acs, Message, Context], "Message | None"]
HANDLERS: dict[str, Handler] = {
    "99": acs_status,
    "15": hold,
    **PATRON_HANDLERS,
    **ITEM_HANDLERS,
}
