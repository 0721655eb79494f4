"""How the ILS simulator writes its answers: SIP2 dates, money, patron status, screen messages.

Pure formatting shared by the SIP2 handlers; no state. Screen messages (AF) are Lithuanian,
as the library's own system would send them; an encoding without Lithuanian letters (cp850)
loses the diacritics in the codec, never the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from simulators.ils.dialects import SIP_DATE
from simulators.models.ils import PatronFlags, Refusal

_SIP_DATE = re.compile(r"(\d{8})[ 0-9A-Z]{4}(\d{6})")


@dataclass(frozen=True)
class Context:
    """What a handler knows besides the request: the time, where the kiosk is, ACS state."""

    now: datetime
    location: str  # the logged-in account's location (93 CP, or the data file's)
    online: bool = True


def sip_date(moment: datetime) -> str:
    """YYYYMMDDZZZZHHMMSS with a blank zone: the library's local time (spec, preferred)."""
    return moment.strftime(SIP_DATE)


def parse_sip_date(text: str) -> datetime | None:
    """A SIP2 date from a request, or None when blank or unreadable (the zone is ignored)."""
    match = _SIP_DATE.fullmatch(text)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        return None


def money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def parse_money(text: str) -> Decimal | None:
    """A fee amount as kiosks send it: "1.20", "1,20" or "120" (whole euros)."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def patron_status(flags: PatronFlags | None) -> str:
    """The 14 characters: Y where the privilege is denied / the condition is true."""
    if flags is None:  # unknown patron: everything denied
        return "YYYY" + " " * 10
    positions = (
        flags.charge_denied, flags.renewal_denied, False, flags.hold_denied, flags.card_lost,
        flags.too_many_charged, flags.too_many_overdue, False, False, False,
        flags.excessive_fines, False, False, False,
    )  # fmt: skip
    return "".join("Y" if on else " " for on in positions)


def yes_no(value: bool) -> str:
    return "Y" if value else "N"


SCREEN: dict[Refusal, str] = {
    Refusal.UNKNOWN_PATRON: "Skaitytojas nerastas",
    Refusal.BAD_PIN: "Neteisingas PIN kodas",
    Refusal.PATRON_BLOCKED: "Skaitytojo pažymėjimas užblokuotas",
    Refusal.CARD_EXPIRED: "Skaitytojo pažymėjimo galiojimas pasibaigė",
    Refusal.CARD_LOST: "Skaitytojo pažymėjimas paskelbtas pamestu",
    Refusal.EXCESSIVE_FINES: "Per didelė skola: sumokėkite delspinigius",
    Refusal.LOAN_LIMIT: "Pasiektas leidinių skaičiaus limitas",
    Refusal.UNKNOWN_ITEM: "Leidinys nerastas",
    Refusal.NOT_FOR_LOAN: "Leidinys skirtas tik skaityklai",
    Refusal.ITEM_LOST: "Leidinys pažymėtas kaip prarastas",
    Refusal.ON_LOAN_TO_OTHER: "Leidinys išduotas kitam skaitytojui",
    Refusal.ALREADY_ON_YOUR_CARD: "Leidinys jau išduotas jums",
    Refusal.ON_HOLD_FOR_OTHER: "Leidinys rezervuotas kitam skaitytojui",
    Refusal.NOT_ON_LOAN: "Leidinys nebuvo išduotas",
    Refusal.NOT_YOUR_LOAN: "Leidinys išduotas ne jums",
    Refusal.RENEWAL_LIMIT: "Pratęsimų limitas išnaudotas",
    Refusal.HOLDS_QUEUED: "Leidinio laukia kiti skaitytojai",
    Refusal.NO_FINES: "Skolų nėra",
    Refusal.BAD_AMOUNT: "Neteisinga suma",
    Refusal.OVERPAYMENT: "Suma didesnė už skolą",
    Refusal.UNKNOWN_FINE: "Mokestis nerastas",
    Refusal.HOLD_EXISTS: "Šis leidinys jau rezervuotas jums",
    Refusal.HOLD_NOT_FOUND: "Rezervacija nerasta",
    Refusal.HOLD_LIMIT: "Pasiektas rezervacijų limitas",
    Refusal.OFFLINE: "Bibliotekos sistema laikinai nepasiekiama",
}


def screen(refusal: Refusal | None) -> str | None:
    return None if refusal is None else SCREEN[refusal]
