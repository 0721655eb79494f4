"""Between the kiosk's model (kiosk/core/model.py) and SIP2 messages. Pure: `now` is passed in.

Requests are built here with every required field (required-but-unused ones sent empty), and
responses are read into model values; nothing outside backend_sync/sip2 sees a field id.

The one place SIP2 codes live: the tables below translate the core's vocabulary
(kiosk/core/vocabulary.py) to and from the codes of SIP2 2.00 (circulation status, alert type,
desensitize, fee type, payment type, hold mode, language), both ways. The ILS simulator reads
them from here too, so the two ends cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from backend_sync.sip2.codec import Message, make
from backend_sync.sip2.dates import BLANK_DATE, format_sip_date, parse_sip_date
from backend_sync.sip2.spec import PATRON_STATUS_FLAGS, SUMMARY_POSITIONS, SUPPORTED_MESSAGES
from kiosk.core.model import (
    HoldResult,
    Item,
    LibraryStatus,
    LoanResult,
    Patron,
    PaymentResult,
    RenewAllResult,
    ReturnResult,
)
from kiosk.core.vocabulary import (
    Desensitize,
    FeeType,
    HoldMode,
    ItemStatus,
    PaymentMethod,
    ReturnAlert,
)

# ---- codes <-> the core's words ------------------------------------------------------------

# Circulation status (spec: Item Information Response, fixed field 1).
ITEM_STATUS_CODES: dict[ItemStatus, str] = {
    ItemStatus.OTHER: "01",
    ItemStatus.ON_ORDER: "02",
    ItemStatus.AVAILABLE: "03",
    ItemStatus.CHARGED: "04",
    ItemStatus.CHARGED_NOT_TO_BE_RECALLED: "05",
    ItemStatus.IN_PROCESS: "06",
    ItemStatus.RECALLED: "07",
    ItemStatus.WAITING_ON_HOLD_SHELF: "08",
    ItemStatus.WAITING_TO_BE_RESHELVED: "09",
    ItemStatus.IN_TRANSIT: "10",
    ItemStatus.CLAIMED_RETURNED: "11",
    ItemStatus.LOST: "12",
    ItemStatus.MISSING: "13",
}
# Alert type (CV, 2.00 extension used by Koha, Evergreen, FOLIO).
RETURN_ALERT_CODES: dict[ReturnAlert, str] = {
    ReturnAlert.UNKNOWN: "00",
    ReturnAlert.HOLD_HERE: "01",
    ReturnAlert.HOLD_ELSEWHERE: "02",
    ReturnAlert.INTERLIBRARY_TRANSIT: "03",
    ReturnAlert.IN_TRANSIT: "04",
    ReturnAlert.OTHER: "99",
}
DESENSITIZE_CODES: dict[Desensitize, str] = {
    Desensitize.YES: "Y",
    Desensitize.NO: "N",
    Desensitize.UNKNOWN: "U",
}
FEE_TYPE_CODES: dict[FeeType, str] = {
    FeeType.OTHER_UNKNOWN: "01",
    FeeType.ADMINISTRATIVE: "02",
    FeeType.DAMAGE: "03",
    FeeType.OVERDUE: "04",
    FeeType.PROCESSING: "05",
    FeeType.RENTAL: "06",
    FeeType.REPLACEMENT: "07",
    FeeType.COMPUTER_ACCESS: "08",
    FeeType.HOLD_FEE: "09",
}
# Payment type: 2.00 knows cash (00), VISA (01) and credit card (02); a debit card is sent as
# "credit card", the nearest it has, and VISA reads back as a credit card.
PAYMENT_METHOD_CODES: dict[PaymentMethod, str] = {
    PaymentMethod.CASH: "00",
    PaymentMethod.CREDIT_CARD: "02",
    PaymentMethod.DEBIT_CARD: "02",
}
HOLD_MODE_CODES: dict[HoldMode, str] = {
    HoldMode.PLACE: "+",
    HoldMode.CANCEL: "-",
    HoldMode.CHANGE: "*",
}
# Language (spec: three digits). Only the codes the kiosk has a catalogue word for.
LANGUAGE_CODES: dict[str, str] = {"": "000", "en": "001"}


def item_status(code: str) -> ItemStatus:
    """A circulation status code; one outside the spec reads as OTHER."""
    return _ITEM_STATUSES.get(code.strip(), ItemStatus.OTHER)


def item_status_code(status: ItemStatus) -> str:
    return ITEM_STATUS_CODES[status]


def return_alert(code: str) -> ReturnAlert:
    """The alert type of a checkin response: NONE when it names none, OTHER when the code is
    outside the table."""
    code = code.strip()
    return _RETURN_ALERTS.get(code, ReturnAlert.OTHER) if code else ReturnAlert.NONE


def return_alert_code(alert: ReturnAlert) -> str:
    """ "" for NONE (the field is left out)."""
    return RETURN_ALERT_CODES.get(alert, "")


def desensitize(code: str) -> Desensitize:
    return _DESENSITIZE.get(code, Desensitize.UNKNOWN)


def desensitize_code(value: Desensitize) -> str:
    return DESENSITIZE_CODES[value]


def fee_type(code: str) -> FeeType:
    return _FEE_TYPES.get(code.strip(), FeeType.OTHER_UNKNOWN)


def fee_type_code(value: FeeType) -> str:
    return FEE_TYPE_CODES[value]


def payment_method(code: str) -> PaymentMethod:
    return {"00": PaymentMethod.CASH}.get(code.strip(), PaymentMethod.CREDIT_CARD)


def payment_method_code(value: PaymentMethod) -> str:
    return PAYMENT_METHOD_CODES[value]


def hold_mode(code: str) -> HoldMode:
    return _HOLD_MODES[code]


def hold_mode_code(mode: HoldMode) -> str:
    return HOLD_MODE_CODES[mode]


def language(code: str) -> str:
    """A SIP2 language code as the kiosk's language code ("" when it has none for it)."""
    return _LANGUAGES.get(code.strip(), "")


def language_code(lang: str) -> str:
    return LANGUAGE_CODES.get(lang, "000")


_ITEM_STATUSES = {code: status for status, code in ITEM_STATUS_CODES.items()}
_RETURN_ALERTS = {code: alert for alert, code in RETURN_ALERT_CODES.items()}
_DESENSITIZE = {code: value for value, code in DESENSITIZE_CODES.items()}
_FEE_TYPES = {code: value for value, code in FEE_TYPE_CODES.items()}
_HOLD_MODES = {code: mode for mode, code in HOLD_MODE_CODES.items()}
_LANGUAGES = {code: lang for lang, code in LANGUAGE_CODES.items()}


@dataclass(frozen=True)
class Terminal:
    """Who we are to the ACS: from the [ils] settings."""

    institution: str
    location: str = ""
    terminal_password: str = ""
    nb_due_date: str = "blank"  # or "transaction-date"
    language: str = "000"


def login(user: str, password: str, location: str) -> Message:
    return make(
        "93",
        {"uid_algorithm": "0", "pwd_algorithm": "0"},
        [("CN", user), ("CO", password), ("CP", location or None)],
    )


def sc_status(max_print_width: int = 40, status_code: str = "0") -> Message:
    fixed = {
        "status_code": status_code,
        "max_print_width": f"{max_print_width:03d}",
        "protocol_version": "2.00",
    }
    return make("99", fixed, [])


def patron_information(
    t: Terminal, now: datetime, card: str, pin: str | None, details: str
) -> Message:
    summary = "".join("Y" if name == details else " " for name in SUMMARY_POSITIONS).ljust(10)
    fixed = {"language": t.language, "transaction_date": format_sip_date(now), "summary": summary}
    fields = [("AO", t.institution), ("AA", card), ("AC", t.terminal_password), ("AD", pin)]
    if details:
        fields += [("BP", "1"), ("BQ", "9999")]
    return make("63", fixed, fields)


def checkout(
    t: Terminal,
    now: datetime,
    card: str,
    item: str,
    pin: str | None,
    no_block_at: datetime | None,
    due: datetime | None,
) -> Message:
    when = no_block_at or now
    fixed = {
        "sc_renewal_policy": "N",
        "no_block": "Y" if no_block_at else "N",
        "transaction_date": format_sip_date(when),
        "nb_due_date": _nb_due(t, when, due),
    }
    fields = [
        ("AO", t.institution),
        ("AA", card),
        ("AB", item),
        ("AC", t.terminal_password),
        ("AD", pin),
    ]
    return make("11", fixed, fields)


def checkin(
    t: Terminal, now: datetime, item: str, no_block_at: datetime | None, location: str
) -> Message:
    when = no_block_at or now
    fixed = {
        "no_block": "Y" if no_block_at else "N",
        "transaction_date": format_sip_date(when),
        "return_date": format_sip_date(when),
    }
    fields = [
        ("AP", location or t.location),
        ("AO", t.institution),
        ("AB", item),
        ("AC", t.terminal_password),
    ]
    return make("09", fixed, fields)


def renew(
    t: Terminal, now: datetime, card: str, item: str, pin: str | None, no_block_at: datetime | None
) -> Message:
    when = no_block_at or now
    fixed = {
        "third_party_allowed": "N",
        "no_block": "Y" if no_block_at else "N",
        "transaction_date": format_sip_date(when),
        "nb_due_date": _nb_due(t, when, None),
    }
    fields = [
        ("AO", t.institution),
        ("AA", card),
        ("AD", pin),
        ("AB", item),
        ("AC", t.terminal_password),
    ]
    return make("29", fixed, fields)


def renew_all(t: Terminal, now: datetime, card: str, pin: str | None) -> Message:
    fields = [("AO", t.institution), ("AA", card), ("AD", pin), ("AC", t.terminal_password)]
    return make("65", {"transaction_date": format_sip_date(now)}, fields)


def item_information(t: Terminal, now: datetime, item: str) -> Message:
    fields = [("AO", t.institution), ("AB", item), ("AC", t.terminal_password)]
    return make("17", {"transaction_date": format_sip_date(now)}, fields)


def end_session(t: Terminal, now: datetime, card: str, pin: str | None) -> Message:
    fields = [("AO", t.institution), ("AA", card), ("AC", t.terminal_password), ("AD", pin)]
    return make("35", {"transaction_date": format_sip_date(now)}, fields)


def fee_paid(
    t: Terminal,
    now: datetime,
    card: str,
    amount: Decimal,
    currency: str,
    fee: FeeType,
    method: PaymentMethod,
    fee_id: str,
    transaction_id: str,
) -> Message:
    fixed = {
        "transaction_date": format_sip_date(now),
        "fee_type": fee_type_code(fee),
        "payment_type": payment_method_code(method),
        "currency_type": currency,
    }
    fields = [
        ("BV", f"{amount:.2f}"),
        ("AO", t.institution),
        ("AA", card),
        ("AC", t.terminal_password),
        ("CG", fee_id or None),
        ("BK", transaction_id or None),
    ]
    return make("37", fixed, fields)


def hold(
    t: Terminal,
    now: datetime,
    card: str,
    mode: HoldMode,
    item: str,
    title: str,
    pickup: str,
    pin: str | None,
) -> Message:
    fields = [
        ("BS", pickup or None),
        ("AO", t.institution),
        ("AA", card),
        ("AD", pin),
        ("AB", item or None),
        ("AJ", title or None),
        ("AC", t.terminal_password),
    ]
    return make(
        "15", {"hold_mode": hold_mode_code(mode), "transaction_date": format_sip_date(now)}, fields
    )


def _nb_due(t: Terminal, when: datetime, due: datetime | None) -> str:
    if due is not None:
        return format_sip_date(due)
    return format_sip_date(when) if t.nb_due_date == "transaction-date" else BLANK_DATE


# ---- responses -> model -------------------------------------------------------------------


def _messages(m: Message) -> tuple[str, ...]:
    return tuple(v for v in m.get_all("AF") if v.strip())


def _yes(value: str) -> bool:
    return value == "Y"


def _money(value: str | None) -> Decimal | None:
    if value is None or not value.strip():
        return None
    try:  # some ACSs format amounts with the locale's decimal comma (FOLIO SIP2-300)
        return Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        return None


def _count(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def acs_status(m: Message) -> LibraryStatus:
    supported = m.get("BX", "") or ""
    timeout = _count(m.fixed_value("timeout_period"))
    retries = _count(m.fixed_value("retries_allowed"))
    return LibraryStatus(
        online=_yes(m.fixed_value("online_status")),
        checkin_ok=_yes(m.fixed_value("checkin_ok")),
        checkout_ok=_yes(m.fixed_value("checkout_ok")),
        renewal_ok=_yes(m.fixed_value("acs_renewal_policy")),
        status_update_ok=_yes(m.fixed_value("status_update_ok")),
        offline_ok=_yes(m.fixed_value("offline_ok")),
        timeout_s=None if timeout in (None, 0, 999) else timeout / 10,
        retries=None if retries in (None, 999) else retries,
        protocol_version=m.fixed_value("protocol_version"),
        supported=frozenset(
            c for c, flag in zip(SUPPORTED_MESSAGES, supported, strict=False) if flag == "Y"
        ),
        institution=m.get("AO", "") or "",
        library_name=m.get("AM", "") or "",
        terminal_location=m.get("AN", "") or "",
        screen_messages=_messages(m),
    )


def patron(m: Message, card: str) -> Patron:
    status = m.fixed_value("patron_status")
    flags = frozenset(
        name for name, c in zip(PATRON_STATUS_FLAGS, status, strict=False) if c == "Y"
    )
    valid, pin_valid = m.get("BL"), m.get("CQ")
    counts = {}
    if m.command == "64":
        for key in (
            "hold_items_count",
            "overdue_items_count",
            "charged_items_count",
            "fine_items_count",
            "recall_items_count",
            "unavailable_holds_count",
        ):
            counts[key.removesuffix("_count")] = _count(m.fixed_value(key))
    return Patron(
        card=m.get("AA", card) or card,
        name=m.get("AE", "") or "",
        valid=None if valid is None else valid == "Y",
        pin_valid=None if pin_valid is None else pin_valid == "Y",
        flags=flags,
        language=language(m.fixed_value("language")),
        email=m.get("BE", "") or "",
        phone=m.get("BF", "") or "",
        fee_amount=_money(m.get("BV")),
        fee_limit=_money(m.get("CC")),
        currency=m.get("BH", "") or "",
        charged_items=tuple(m.get_all("AU")),
        overdue_items=tuple(m.get_all("AT")),
        hold_items=tuple(m.get_all("AS")),
        unavailable_holds=tuple(m.get_all("CD")),
        fine_items=tuple(m.get_all("AV")),
        recall_items=tuple(m.get_all("BU")),
        counts=counts,
        screen_messages=_messages(m),
    )


def item(m: Message) -> Item:
    due_text = m.get("AH", "") or ""
    queue = m.get("CF")
    return Item(
        item_id=m.get("AB", "") or "",
        title=m.get("AJ", "") or "",
        circulation_status=item_status(m.fixed_value("circulation_status")),
        due_date=parse_sip_date(due_text),
        due_date_text=due_text,
        hold_queue_length=int(queue) if queue and queue.strip().isdigit() else None,
        owner=m.get("BG", "") or "",
        current_location=m.get("AP", "") or "",
        permanent_location=m.get("AQ", "") or "",
        media_type=m.get("CK", "") or "",
        fee_amount=_money(m.get("BV")),
        screen_messages=_messages(m),
    )


def loan(m: Message, card: str, item_id: str) -> LoanResult:
    due_text = m.get("AH", "") or ""
    return LoanResult(
        ok=m.fixed_value("ok") == "1",
        item_id=m.get("AB", item_id) or item_id,
        card=m.get("AA", card) or card,
        title=m.get("AJ", "") or "",
        due_date=parse_sip_date(due_text),
        due_date_text=due_text,
        renewal=_yes(m.fixed_value("renewal_ok")),
        desensitize=desensitize(m.fixed_value("desensitize")),
        fee_amount=_money(m.get("BV")),
        currency=m.get("BH", "") or "",
        media_type=m.get("CK", "") or "",
        transaction_id=m.get("BK", "") or "",
        screen_messages=_messages(m),
    )


def returned(m: Message, item_id: str) -> ReturnResult:
    return ReturnResult(
        ok=m.fixed_value("ok") == "1",
        item_id=m.get("AB", item_id) or item_id,
        title=m.get("AJ", "") or "",
        resensitize=m.fixed_value("resensitize") != "N",
        alert=_yes(m.fixed_value("alert")),
        alert_type=return_alert(m.get("CV", "") or ""),
        sort_bin=m.get("CL", "") or "",
        permanent_location=m.get("AQ", "") or "",
        destination=m.get("CT", "") or "",
        hold_patron_id=m.get("CY", "") or "",
        hold_patron_name=m.get("DA", "") or "",
        patron_card=m.get("AA", "") or "",
        screen_messages=_messages(m),
    )


def renewed_all(m: Message) -> RenewAllResult:
    return RenewAllResult(
        ok=m.fixed_value("ok") == "1",
        renewed=tuple(m.get_all("BM")),
        unrenewed=tuple(m.get_all("BN")),
        screen_messages=_messages(m),
    )


def payment(m: Message, card: str) -> PaymentResult:
    return PaymentResult(
        accepted=_yes(m.fixed_value("payment_accepted")),
        card=m.get("AA", card) or card,
        transaction_id=m.get("BK", "") or "",
        screen_messages=_messages(m),
    )


def hold_result(m: Message, card: str) -> HoldResult:
    return HoldResult(
        ok=m.fixed_value("ok") == "1",
        available=_yes(m.fixed_value("available")),
        card=m.get("AA", card) or card,
        item_id=m.get("AB", "") or "",
        title=m.get("AJ", "") or "",
        pickup_location=m.get("BS", "") or "",
        queue_position=m.get("BR", "") or "",
        expiration=parse_sip_date(m.get("BW")),
        screen_messages=_messages(m),
    )
