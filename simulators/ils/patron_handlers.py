"""SIP2 patron requests -> responses: 23 Patron Status, 63 Patron Information, 01 Block Patron,
25 Patron Enable, 35 End Patron Session, 37 Fee Paid (spec 2.00, the messages of those names).

Each handler reads a decoded request and the Library, applies at most one transaction, and
builds the response with the codec's `make`. Never touches a socket or the clock (`ctx.now`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from backend_sync.sip2.codec import Message, make
from backend_sync.sip2.spec import SUMMARY_POSITIONS
from simulators.ils import fee_payments
from simulators.ils.formats import (
    SCREEN,
    Context,
    money,
    parse_money,
    patron_status,
    screen,
    sip_date,
    yes_no,
)
from simulators.models.ils import Library, Refusal

if TYPE_CHECKING:
    from simulators.ils.handlers import Acs


def _ids(req: Message) -> tuple[str, str]:
    return req.get("AO") or "", req.get("AA") or ""


def _validity(library: Library, req: Message) -> list[tuple[str, str | None]]:
    """BL always; CQ only when the request carried a PIN (AD), as Koha and Evergreen do."""
    patron = req.get("AA") or ""
    known = library.patron(patron) is not None
    fields: list[tuple[str, str | None]] = [("BL", yes_no(known))]
    pin = req.get("AD")
    if pin is not None:
        fields.append(("CQ", yes_no(library.check_pin(patron, pin))))
    return fields


def _why_blocked(library: Library, patron: str, ctx: Context) -> str | None:
    refusal = library.refusal_for_patron(patron, ctx.now, "charge")
    if refusal is Refusal.PATRON_BLOCKED:
        record = library.patron(patron)
        return record.blocked if record else None
    return screen(refusal) if refusal is not Refusal.UNKNOWN_PATRON else None


def status_response(acs: Acs, req: Message, ctx: Context, command: str = "24") -> Message:
    """24 (also the answer to 01) and 26: the patron status with validity and balance."""
    library = acs.library
    institution, patron = _ids(req)
    record = library.patron(patron)
    flags = library.flags(patron, ctx.now) if record else None
    language = req.fixed_value("language") if req.command == "23" else "000"
    fields: list[tuple[str, str | None]] = [
        ("AO", institution),
        ("AA", patron),
        ("AE", record.name if record else ""),
        *_validity(library, req),
    ]
    if command == "24" and record is not None:
        fields += [("BH", library.rules.currency), ("BV", money(library.balance(patron)))]
    why = _why_blocked(library, patron, ctx) if record else SCREEN[Refusal.UNKNOWN_PATRON]
    fields.append(("AF", why))
    fixed = {"patron_status": patron_status(flags), "language": language}
    return make(command, {**fixed, "transaction_date": sip_date(ctx.now)}, fields)


def patron_information(acs: Acs, req: Message, ctx: Context) -> Message:
    library = acs.library
    institution, patron = _ids(req)
    record = library.patron(patron)
    if record is None:
        return _unknown_patron_information(req, ctx)
    holds = library.holds_of(patron)
    unavailable = [h for h in holds if h.waiting_since is None]
    hold_items = [h for h in holds if h.waiting_since is not None]
    if acs.options.dialect.holds_in_as == "all":  # Evergreen, FOLIO (Libki PR #246)
        hold_items = holds
    overdue = library.overdue_of(patron, ctx.now)
    loans = library.loans_of(patron)
    fines = library.fines_of(patron)
    lists = {
        "hold": ("AS", [h.item for h in hold_items]),
        "overdue": ("AT", [loan.item for loan in overdue]),
        "charged": ("AU", [loan.item for loan in loans]),
        "fine": (
            "AV",
            [f"{f.fine_id} {money(f.outstanding)} {f.description}"[:255] for f in fines],
        ),
        "recall": ("BU", []),
        "unavailable_holds": ("CD", [h.item for h in unavailable]),
    }
    rules = library.rules
    fields: list[tuple[str, str | None]] = [
        ("AO", institution),
        ("AA", patron),
        ("AE", record.name),
        ("BZ", f"{rules.max_holds:04d}"),
        ("CA", f"{rules.max_overdue:04d}"),
        ("CB", f"{min(rules.max_loans_for(record.category), 9999):04d}"),
        *_validity(library, req),
        ("BH", rules.currency),
        ("BV", money(library.balance(patron))),
        ("CC", money(rules.fine_limit)),
        *_summary_list(req, lists),
        ("BD", record.address or None),
        ("BE", record.email or None),
        ("BF", record.phone or None),
        ("AF", _why_blocked(library, patron, ctx)),
    ]
    counts = (hold_items, overdue, loans, fines, [], unavailable)
    fixed = {
        "patron_status": patron_status(library.flags(patron, ctx.now)),
        "language": record.language,
        "transaction_date": sip_date(ctx.now),
    }
    names = ("hold_items_count", "overdue_items_count", "charged_items_count",
             "fine_items_count", "recall_items_count", "unavailable_holds_count")  # fmt: skip
    fixed.update({name: f"{min(len(c), 9999):04d}" for name, c in zip(names, counts, strict=True)})
    return make("64", fixed, fields)


def _summary_list(
    req: Message, lists: dict[str, tuple[str, list[str]]]
) -> list[tuple[str, str | None]]:
    """The one list the summary asks for (its first Y), cut to the BP..BQ range (1-based)."""
    summary = req.fixed_value("summary")
    wanted = next((SUMMARY_POSITIONS[i] for i, c in enumerate(summary[:6]) if c == "Y"), None)
    if wanted is None:
        return []
    field_id, values = lists[wanted]
    start = _position(req.get("BP"), 1)
    end = _position(req.get("BQ"), len(values))
    return [(field_id, value) for value in values[max(start, 1) - 1 : max(end, 0)]]


def _position(text: str | None, default: int) -> int:
    return int(text) if text and text.strip().isdigit() else default


def _unknown_patron_information(req: Message, ctx: Context) -> Message:
    institution, patron = _ids(req)
    fixed = {
        "patron_status": patron_status(None),
        "language": "000",
        "transaction_date": sip_date(ctx.now),
        **{name: "0000" for name in (
            "hold_items_count", "overdue_items_count", "charged_items_count",
            "fine_items_count", "recall_items_count", "unavailable_holds_count",
        )},
    }  # fmt: skip
    fields = [("AO", institution), ("AA", patron), ("AE", ""), ("BL", "N")]
    return make("64", fixed, [*fields, ("AF", screen(Refusal.UNKNOWN_PATRON))])


def block_patron(acs: Acs, req: Message, ctx: Context) -> Message:
    if ctx.online:
        acs.library.block(req.get("AA") or "", req.get("AL") or "")
    return status_response(acs, req, ctx, "24")


def patron_enable(acs: Acs, req: Message, ctx: Context) -> Message:
    if ctx.online:
        acs.library.enable(req.get("AA") or "")
    return status_response(acs, req, ctx, "26")


def end_session(acs: Acs, req: Message, ctx: Context) -> Message:
    institution, patron = _ids(req)
    fields = [("AO", institution), ("AA", patron), ("AF", "Iki pasimatymo!")]
    return make("36", {"end_session": "Y", "transaction_date": sip_date(ctx.now)}, fields)


def fee_paid(acs: Acs, req: Message, ctx: Context) -> Message:
    institution, patron = _ids(req)
    accepted, message = _pay(acs.library, req, ctx, acs.options.dialect.name)
    transaction = req.get("BK") or acs.library.new_id("P")
    fields = [("AO", institution), ("AA", patron), ("BK", transaction), ("AF", message)]
    return make(
        "38", {"payment_accepted": yes_no(accepted), "transaction_date": sip_date(ctx.now)}, fields
    )


def _pay(library: Library, req: Message, ctx: Context, dialect: str) -> tuple[bool, str]:
    currency = library.rules.currency
    given_currency = req.fixed_value("currency_type").strip()
    amount = parse_money(req.get("BV") or "")
    if not ctx.online:
        return False, SCREEN[Refusal.OFFLINE]
    if given_currency and given_currency != currency:
        return False, f"Mokėjimai priimami tik {currency}"
    if amount is None:
        return False, SCREEN[Refusal.BAD_AMOUNT]
    patron, fine_id = req.get("AA") or "", req.get("CG") or None
    return fee_payments.pay(library, dialect, patron, amount, ctx.now, fine_id)


PatronHandler = Callable[["Acs", Message, Context], Message]
PATRON_HANDLERS: dict[str, PatronHandler] = {
    "23": status_response,
    "63": patron_information,
    "01": block_patron,
    "25": patron_enable,
    "35": end_session,
    "37": fee_paid,
}
