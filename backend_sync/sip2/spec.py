"""The SIP2 2.00 message catalogue: command ids, fixed fields with their exact widths, field ids.

Data only, straight from the 3M SIP2 2.00 specification (rev 2.12) and its common vendor
extensions; the codec (codec.py) reads this table and never hard-codes a layout itself.

    <2-char command><fixed fields, no ids, exact widths><ID value|ID value|...>[AYn AZxxxx]<CR>
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    FLAG = "flag"  # one character from `allowed`
    COUNT = "count"  # digits, blank padding tolerated
    DATE = "date"  # YYYYMMDDZZZZHHMMSS (18), all blanks tolerated
    STATUS = "status"  # Y/N/blank per position (patron status, summary)
    TEXT = "text"  # anything of the exact width


@dataclass(frozen=True)
class Fixed:
    name: str
    width: int
    kind: Kind = Kind.TEXT
    allowed: str = ""


@dataclass(frozen=True)
class MessageSpec:
    command: str
    name: str
    fixed: tuple[Fixed, ...]
    required: tuple[str, ...] = ()
    repeatable: tuple[str, ...] = ()
    request: bool = True

    @property
    def fixed_length(self) -> int:
        return 2 + sum(f.width for f in self.fixed)


def _date(name: str = "transaction_date") -> Fixed:
    return Fixed(name, 18, Kind.DATE)


def _flag(name: str, allowed: str) -> Fixed:
    return Fixed(name, 1, Kind.FLAG, allowed)


def _count(name: str, width: int = 4) -> Fixed:
    return Fixed(name, width, Kind.COUNT)


_YN = "YN"
_YNU = "YNU"
_OK = "01"
_PATRON_STATUS = Fixed("patron_status", 14, Kind.STATUS)
_LANGUAGE = Fixed("language", 3)
_ITEM_LISTS = ("AS", "AT", "AU", "AV", "BU", "CD")
_MESSAGES_LISTS = ("AF", "AG")

_CHECKOUT_RESPONSE_FIXED = (
    _flag("ok", _OK),
    _flag("renewal_ok", _YN),
    _flag("magnetic_media", _YNU),
    _flag("desensitize", _YNU),
    _date(),
)

SPECS: dict[str, MessageSpec] = {
    spec.command: spec
    for spec in (
        MessageSpec(
            "93", "login", (_flag("uid_algorithm", "0"), _flag("pwd_algorithm", "0")), ("CN", "CO")
        ),
        MessageSpec("94", "login_response", (_flag("ok", _OK),), request=False),
        MessageSpec(
            "99",
            "sc_status",
            (
                _flag("status_code", "012"),
                _count("max_print_width", 3),
                Fixed("protocol_version", 4),
            ),
        ),
        MessageSpec(
            "98",
            "acs_status",
            (
                _flag("online_status", _YN),
                _flag("checkin_ok", _YN),
                _flag("checkout_ok", _YN),
                _flag("acs_renewal_policy", _YN),
                _flag("status_update_ok", _YN),
                _flag("offline_ok", _YN),
                _count("timeout_period", 3),
                _count("retries_allowed", 3),
                _date("date_time_sync"),
                Fixed("protocol_version", 4),
            ),
            ("AO", "BX"),
            _MESSAGES_LISTS,
            request=False,
        ),
        MessageSpec("97", "request_acs_resend", ()),
        MessageSpec("96", "request_sc_resend", (), request=False),
        MessageSpec("23", "patron_status_request", (_LANGUAGE, _date()), ("AO", "AA", "AC", "AD")),
        MessageSpec(
            "24",
            "patron_status_response",
            (_PATRON_STATUS, _LANGUAGE, _date()),
            ("AO", "AA", "AE"),
            _MESSAGES_LISTS,
            request=False,
        ),
        MessageSpec(
            "63",
            "patron_information",
            (_LANGUAGE, _date(), Fixed("summary", 10, Kind.STATUS)),
            ("AO", "AA"),
        ),
        MessageSpec(
            "64",
            "patron_information_response",
            (
                _PATRON_STATUS,
                _LANGUAGE,
                _date(),
                _count("hold_items_count"),
                _count("overdue_items_count"),
                _count("charged_items_count"),
                _count("fine_items_count"),
                _count("recall_items_count"),
                _count("unavailable_holds_count"),
            ),
            ("AO", "AA", "AE"),
            _ITEM_LISTS + _MESSAGES_LISTS,
            request=False,
        ),
        MessageSpec(
            "11",
            "checkout",
            (
                _flag("sc_renewal_policy", _YN),
                _flag("no_block", _YN),
                _date(),
                _date("nb_due_date"),
            ),
            ("AO", "AA", "AB", "AC"),
        ),
        MessageSpec(
            "12",
            "checkout_response",
            _CHECKOUT_RESPONSE_FIXED,
            ("AO", "AA", "AB", "AJ", "AH"),
            _MESSAGES_LISTS,
            request=False,
        ),
        MessageSpec(
            "09",
            "checkin",
            (_flag("no_block", _YN), _date(), _date("return_date")),
            ("AP", "AO", "AB", "AC"),
        ),
        MessageSpec(
            "10",
            "checkin_response",
            (
                _flag("ok", _OK),
                _flag("resensitize", _YN),
                _flag("magnetic_media", _YNU),
                _flag("alert", _YN),
                _date(),
            ),
            ("AO", "AB", "AQ"),
            _MESSAGES_LISTS,
            request=False,
        ),
        MessageSpec(
            "01", "block_patron", (_flag("card_retained", _YN), _date()), ("AO", "AL", "AA", "AC")
        ),
        MessageSpec("35", "end_patron_session", (_date(),), ("AO", "AA")),
        MessageSpec(
            "36",
            "end_session_response",
            (_flag("end_session", _YN), _date()),
            ("AO", "AA"),
            _MESSAGES_LISTS,
            request=False,
        ),
        MessageSpec(
            "37",
            "fee_paid",
            (
                _date(),
                Fixed("fee_type", 2, Kind.COUNT),
                Fixed("payment_type", 2, Kind.COUNT),
                Fixed("currency_type", 3),
            ),
            ("BV", "AO", "AA"),
        ),
        MessageSpec(
            "38",
            "fee_paid_response",
            (_flag("payment_accepted", _YN), _date()),
            ("AO", "AA"),
            _MESSAGES_LISTS,
            request=False,
        ),
        MessageSpec("17", "item_information", (_date(),), ("AO", "AB")),
        MessageSpec(
            "18",
            "item_information_response",
            (
                Fixed("circulation_status", 2, Kind.COUNT),
                Fixed("security_marker", 2, Kind.COUNT),
                Fixed("fee_type", 2, Kind.COUNT),
                _date(),
            ),
            ("AB", "AJ"),
            _MESSAGES_LISTS,
            request=False,
        ),
        MessageSpec("19", "item_status_update", (_date(),), ("AO", "AB", "CH")),
        MessageSpec(
            "20",
            "item_status_update_response",
            (_flag("item_properties_ok", _OK), _date()),
            ("AB",),
            _MESSAGES_LISTS,
            request=False,
        ),
        MessageSpec("25", "patron_enable", (_date(),), ("AO", "AA")),
        MessageSpec(
            "26",
            "patron_enable_response",
            (_PATRON_STATUS, _LANGUAGE, _date()),
            ("AO", "AA", "AE"),
            _MESSAGES_LISTS,
            request=False,
        ),
        MessageSpec("15", "hold", (_flag("hold_mode", "+-*"), _date()), ("AO", "AA")),
        MessageSpec(
            "16",
            "hold_response",
            (_flag("ok", _OK), _flag("available", _YN), _date()),
            ("AO", "AA"),
            _MESSAGES_LISTS,
            request=False,
        ),
        MessageSpec(
            "29",
            "renew",
            (
                _flag("third_party_allowed", _YN),
                _flag("no_block", _YN),
                _date(),
                _date("nb_due_date"),
            ),
            ("AO", "AA"),
        ),
        MessageSpec(
            "30",
            "renew_response",
            _CHECKOUT_RESPONSE_FIXED,
            ("AO", "AA", "AB", "AJ", "AH"),
            _MESSAGES_LISTS,
            request=False,
        ),
        MessageSpec("65", "renew_all", (_date(),), ("AO", "AA")),
        MessageSpec(
            "66",
            "renew_all_response",
            (_flag("ok", _OK), _count("renewed_count"), _count("unrenewed_count"), _date()),
            ("AO",),
            ("BM", "BN", *_MESSAGES_LISTS),
            request=False,
        ),
    )
}

SPECS_BY_NAME: dict[str, MessageSpec] = {spec.name: spec for spec in SPECS.values()}

# What a response to each request is (01 Block Patron is answered with 24).
RESPONSE_TO: dict[str, str] = {
    "93": "94", "99": "98", "23": "24", "63": "64", "11": "12", "09": "10", "01": "24",
    "35": "36", "37": "38", "17": "18", "19": "20", "25": "26", "15": "16", "29": "30",
    "65": "66",
}  # fmt: skip

# Positions of the 98 message's BX "supported messages" field (spec, ACS Status).
SUPPORTED_MESSAGES = (
    "23", "11", "09", "01", "99", "97", "93", "63", "35", "37", "17", "19", "25", "15", "29", "65",
)  # fmt: skip

PATRON_STATUS_FLAGS = (
    "charge_denied", "renewal_denied", "recall_denied", "hold_denied", "card_lost",
    "too_many_charged", "too_many_overdue", "too_many_renewals", "too_many_claims_returned",
    "too_many_lost", "excessive_fines", "excessive_fees", "recall_overdue", "too_many_billed",
)  # fmt: skip

SUMMARY_POSITIONS = ("hold", "overdue", "charged", "fine", "recall", "unavailable_holds")

FIELD_NAMES: dict[str, str] = {
    "AA": "patron identifier", "AB": "item identifier", "AC": "terminal password",
    "AD": "patron password", "AE": "personal name", "AF": "screen message", "AG": "print line",
    "AH": "due date", "AJ": "title identifier", "AL": "blocked card msg", "AM": "library name",
    "AN": "terminal location", "AO": "institution id", "AP": "current location",
    "AQ": "permanent location", "AS": "hold items", "AT": "overdue items", "AU": "charged items",
    "AV": "fine items", "AY": "sequence number", "AZ": "checksum", "BD": "home address",
    "BE": "e-mail address", "BF": "home phone number", "BG": "owner", "BH": "currency type",
    "BI": "cancel", "BK": "transaction id", "BL": "valid patron", "BM": "renewed items",
    "BN": "unrenewed items", "BO": "fee acknowledged", "BP": "start item", "BQ": "end item",
    "BR": "queue position", "BS": "pickup location", "BT": "fee type", "BU": "recall items",
    "BV": "fee amount", "BW": "expiration date", "BX": "supported messages", "BY": "hold type",
    "BZ": "hold items limit", "CA": "overdue items limit", "CB": "charged items limit",
    "CC": "fee limit", "CD": "unavailable hold items", "CF": "hold queue length",
    "CG": "fee identifier", "CH": "item properties", "CI": "security inhibit",
    "CJ": "recall date", "CK": "media type", "CL": "sort bin", "CM": "hold pickup date",
    "CN": "login user id", "CO": "login password", "CP": "location code",
    "CQ": "valid patron password",
    # 3M extensions
    "CR": "collection code", "CS": "call number", "CT": "destination location",
    "CV": "alert type", "CY": "hold patron id", "DA": "hold patron name",
}  # fmt: skip

SECRET_FIELDS = frozenset({"AD", "CO", "AC"})
