"""SIP2 item requests -> responses: 11 Checkout, 09 Checkin, 29 Renew, 65 Renew All,
17 Item Information, 19 Item Status Update, 15 Hold (spec 2.00, the messages of those names;
checkin alert fields CV/CT/CY/DA are the 3M extensions Koha and Evergreen send).

A handler returns None when the server must close the connection instead of answering (a
Koha or Evergreen SIPServer dies in its unimplemented checkout_no_block). Never touches a
socket or the clock: `ctx.now` is the time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from backend_sync.sip2.codec import Message, make
from backend_sync.sip2.mapping import item_status_code, return_alert_code
from kiosk.core.vocabulary import ItemStatus, ReturnAlert
from simulators.ils.formats import (
    SCREEN,
    Context,
    money,
    parse_sip_date,
    screen,
    sip_date,
    yes_no,
)
from simulators.models.ils import Circulation, Hold, Item, Outcome, Refusal
from simulators.models.ils_catalogue import end_of_day

if TYPE_CHECKING:
    from simulators.ils.handlers import Acs

# The model's states in the kiosk's words; the codes come from the client's own table.
CIRCULATION_STATUS = {
    state: item_status_code(status)
    for state, status in {
        Circulation.AVAILABLE: ItemStatus.AVAILABLE,
        Circulation.CHARGED: ItemStatus.CHARGED,
        Circulation.ON_HOLD_SHELF: ItemStatus.WAITING_ON_HOLD_SHELF,
        Circulation.IN_TRANSIT: ItemStatus.IN_TRANSIT,
        Circulation.LOST: ItemStatus.LOST,
        Circulation.MISSING: ItemStatus.MISSING,
    }.items()
}
SORT_BIN = {"hold": "H1", "transit": "T1", "shelf": "R1"}  # CL: what the return sorter does


def _no_block(acs: Acs, req: Message, for_renewal: bool = False) -> bool | None:
    """True/False: treat as no-block or not; None: this server dies on it (close)."""
    if req.fixed_value("no_block") != "Y":
        return False
    match acs.options.dialect.no_block:
        case "honour":
            return True
        case "ignore":
            return False
        case _:
            return True if for_renewal else None


def _offline_dates(req: Message, ctx: Context) -> tuple[datetime, datetime | None]:
    """No-block: the transaction happened at its transaction date, due when the kiosk said."""
    when = parse_sip_date(req.fixed_value("transaction_date")) or ctx.now
    return when, parse_sip_date(req.fixed_value("nb_due_date"))


def _item_fields(item: Item | None) -> list[tuple[str, str | None]]:
    if item is None:
        return [("AJ", "")]
    properties = item.properties or (f"Komplektas: {item.parts} dalys" if item.parts > 1 else "")
    return [("AJ", item.title), ("CK", item.media_type), ("CH", properties or None)]


def _loan_response(
    acs: Acs, req: Message, ctx: Context, command: str, outcome: Outcome | None
) -> Message:
    """12 and 30 share one layout."""
    library = acs.library
    barcode = req.get("AB") or (outcome.loan.item if outcome and outcome.loan else "")
    item = library.item(barcode)
    ok = outcome is not None and outcome.ok
    loan = outcome.loan if outcome is not None and outcome.ok else None
    due = loan.due.strftime(acs.options.dialect.due_date_format) if loan else ""
    message = SCREEN[Refusal.OFFLINE] if outcome is None else screen(outcome.refusal)
    if ok and item is not None and item.parts > 1:
        message = f"Patikrinkite, ar paėmėte visas {item.parts} komplekto dalis"
    fixed = {
        "ok": "1" if ok else "0",
        "renewal_ok": yes_no(bool(outcome and outcome.renewed)),
        "magnetic_media": "U" if item is None else yes_no(item.magnetic_media),
        "desensitize": "Y" if ok else "N",
        "transaction_date": sip_date(ctx.now),
    }
    fields = [
        ("AO", req.get("AO") or ""),
        ("AA", req.get("AA") or ""),
        ("AB", barcode),
        *_item_fields(item),
        ("AH", due),
        ("AF", message),
    ]
    return make(command, fixed, fields)


def checkout(acs: Acs, req: Message, ctx: Context) -> Message | None:
    no_block = _no_block(acs, req)
    if no_block is None:
        return None
    if not ctx.online:
        return _loan_response(acs, req, ctx, "12", None)
    own = acs.options.dialect.own_item_checkout
    policy = req.fixed_value("sc_renewal_policy")
    renew_own = own == "renew" or (own == "renew-if-policy" and policy == "Y")
    when, due = _offline_dates(req, ctx) if no_block else (ctx.now, None)
    pin = req.get("AD") or None
    outcome = acs.library.checkout(
        req.get("AA") or "", req.get("AB") or "", when,
        pin=pin, no_block=no_block, due=due, renew_own=renew_own,
    )  # fmt: skip
    return _loan_response(acs, req, ctx, "12", outcome)


def renew(acs: Acs, req: Message, ctx: Context) -> Message:
    if not ctx.online:
        return _loan_response(acs, req, ctx, "30", None)
    no_block = bool(_no_block(acs, req, for_renewal=True))
    when, due = _offline_dates(req, ctx) if no_block else (ctx.now, None)
    patron, pin = req.get("AA") or "", req.get("AD")
    item = req.get("AB") or _loan_titled(acs, patron, req.get("AJ") or "")
    if pin and not acs.library.check_pin(patron, pin):
        outcome = Outcome(Refusal.BAD_PIN)
    else:
        outcome = acs.library.renew(patron, item, when, no_block=no_block, due=due)
    return _loan_response(acs, req, ctx, "30", outcome)


def _loan_titled(acs: Acs, patron: str, title: str) -> str:
    """29 may name the title (AJ) instead of the item: the patron's loan of that title."""
    for loan in acs.library.loans_of(patron):
        item = acs.library.item(loan.item)
        if title and item is not None and item.title == title:
            return item.barcode
    return ""


def renew_all(acs: Acs, req: Message, ctx: Context) -> Message:
    patron, pin = req.get("AA") or "", req.get("AD")
    refusal = None
    if not ctx.online:
        refusal = Refusal.OFFLINE
    elif acs.library.patron(patron) is None:
        refusal = Refusal.UNKNOWN_PATRON
    elif pin and not acs.library.check_pin(patron, pin):
        refusal = Refusal.BAD_PIN
    results = [] if refusal else acs.library.renew_all(patron, ctx.now)
    renewed = [item for item, outcome in results if outcome.ok]
    unrenewed = [item for item, outcome in results if not outcome.ok]
    fixed = {
        "ok": "0" if refusal else "1",
        "renewed_count": f"{len(renewed):04d}",
        "unrenewed_count": f"{len(unrenewed):04d}",
        "transaction_date": sip_date(ctx.now),
    }
    fields = [
        ("AO", req.get("AO") or ""),
        *(("BM", item) for item in renewed),
        *(("BN", item) for item in unrenewed),
        ("AF", screen(refusal) or f"Pratęsta: {len(renewed)}, nepratęsta: {len(unrenewed)}"),
    ]
    return make("66", fixed, fields)


def checkin(acs: Acs, req: Message, ctx: Context) -> Message | None:
    if _no_block(acs, req) is None:
        return None
    library = acs.library
    barcode = req.get("AB") or ""
    item = library.item(barcode)
    location = req.get("AP") or ctx.location
    if ctx.online:
        returned = parse_sip_date(req.fixed_value("return_date"))
        outcome = library.checkin(barcode, location, ctx.now, returned=returned)
    else:
        outcome = Outcome(Refusal.OFFLINE)
    alert = bool(outcome.hold or outcome.transit_to)
    fixed = {
        "ok": "1" if outcome.ok else "0",
        "resensitize": yes_no(outcome.ok),
        "magnetic_media": "U" if item is None else yes_no(item.magnetic_media),
        "alert": yes_no(alert),
        "transaction_date": sip_date(ctx.now),
    }
    fields = [
        ("AO", req.get("AO") or ""),
        ("AB", barcode),
        ("AQ", item.home if item else ""),
        *_item_fields(item),
        ("AA", outcome.loan.patron if outcome.loan else None),
        *_routing(acs, location, outcome),
        ("AF", _checkin_message(outcome)),
    ]
    return make("10", fixed, fields)


HOLD_HERE, HOLD_ELSEWHERE = ReturnAlert.HOLD_HERE, ReturnAlert.HOLD_ELSEWHERE


def _routing(acs: Acs, location: str, outcome: Outcome) -> list[tuple[str, str | None]]:
    """CL sort bin and the alert: CV 01 hold here, 02 hold elsewhere, 04 send home."""
    hold = outcome.hold
    if hold is not None:
        here = acs.library.branch_of(hold.pickup) == acs.library.branch_of(location)
        patron = acs.library.patron(hold.patron)
        return [
            ("CL", SORT_BIN["hold"] if here else SORT_BIN["transit"]),
            ("CV", return_alert_code(HOLD_HERE if here else HOLD_ELSEWHERE)),
            ("CT", hold.pickup),
            ("CY", hold.patron),
            ("DA", patron.name if patron else ""),
        ]
    if outcome.transit_to:
        return [
            ("CL", SORT_BIN["transit"]),
            ("CV", return_alert_code(ReturnAlert.IN_TRANSIT)),
            ("CT", outcome.transit_to),
        ]
    return [("CL", SORT_BIN["shelf"])] if outcome.ok else []


def _checkin_message(outcome: Outcome) -> str | None:
    if outcome.refusal is not None:
        return SCREEN[outcome.refusal]
    parts = ["Grąžinta"]
    if outcome.hold is not None:
        parts.append("rezervuota kitam skaitytojui")
    if outcome.fine is not None:
        parts.append(f"delspinigiai {money(outcome.fine.amount)} EUR")
    return ", ".join(parts)


def item_information(acs: Acs, req: Message, ctx: Context) -> Message:
    library = acs.library
    barcode = req.get("AB") or ""
    item = library.item(barcode)
    fixed = {"security_marker": "02", "fee_type": "01", "transaction_date": sip_date(ctx.now)}
    if item is None:
        fields = [("AB", barcode), ("AJ", ""), ("AF", SCREEN[Refusal.UNKNOWN_ITEM])]
        unknown = item_status_code(ItemStatus.OTHER)
        return make("18", {"circulation_status": unknown, **fixed}, fields)
    state = library.circulation(barcode)
    holds = library.holds_on(barcode)
    loan = library.loan(barcode)
    shelf = holds[0] if state is Circulation.ON_HOLD_SHELF else None
    reference_only = SCREEN[Refusal.NOT_FOR_LOAN]
    fields: list[tuple[str, str | None]] = [
        ("CF", f"{len(holds)}"),
        ("AH", loan.due.strftime(acs.options.dialect.due_date_format) if loan else None),
        ("CM", _pickup_by(shelf)),
        ("AB", barcode),
        *_item_fields(item),
        ("BG", library.institution),
        ("AQ", item.home),
        ("AP", shelf.pickup if shelf else item.in_transit_to or item.home),
        ("CS", item.call_number or None),
        ("CY", shelf.patron if shelf else None),
        ("AF", None if library.rules.loan_days_for(item.item_type) else reference_only),
    ]
    return make("18", {"circulation_status": CIRCULATION_STATUS[state], **fixed}, fields)


def _pickup_by(hold: Hold | None) -> str | None:
    if hold is None or hold.expires is None:
        return None
    return sip_date(end_of_day(hold.expires))


def item_status_update(acs: Acs, req: Message, ctx: Context) -> Message:
    barcode = req.get("AB") or ""
    outcome = acs.library.set_properties(barcode, req.get("CH") or "") if ctx.online else None
    item = acs.library.item(barcode)
    ok = outcome is not None and outcome.ok
    fields = [("AB", barcode), ("AJ", item.title if item else None), ("CH", req.get("CH"))]
    fixed = {"item_properties_ok": "1" if ok else "0", "transaction_date": sip_date(ctx.now)}
    return make("20", fixed, fields)


ItemHandler = Callable[["Acs", Message, Context], "Message | None"]
ITEM_HANDLERS: dict[str, ItemHandler] = {
    "11": checkout,
    "09": checkin,
    "29": renew,
    "65": renew_all,
    "17": item_information,
    "19": item_status_update,
}
