"""Fee Paid (37) as each library system applies it to the patron's fines, chosen by dialect.

koha (also generic, folio): C4/SIP/ILS/Transaction/FeePayment.pm `pay` with the account's
  `disallow_overpayment` set (what a card kiosk needs; Koha's default would keep the excess
  as a credit): first the amount against the whole balance (more: refused), then a fee id
  (CG) pays that line only and an unknown one is refused; no fee id: oldest fines first
  (Koha::Account->pay over the outstanding debits).
evergreen: OpenILS/SIP/Transaction/FeePayment.pm `do_fee_payment`: a fee id must be one of
  the patron's open bills ("no bill" otherwise) and the amount at most that bill's balance
  (overpayment refused: the Perl has a typo there, `sreen_msg`, so a real server may fail
  instead of answering; we answer the refusal); no fee id: the bills with a balance, oldest
  first, and refused as overpayment when money is left over; no bills: refused.

Assumptions, not verified against a running server: Evergreen's "have_balance" history is
oldest first; a Koha fee id of another patron's line is refused (Koha's `find` does not check
the owner); Koha refuses a fee id paid beyond its line instead of keeping a credit (our model
keeps no credits). The screen texts are ours. "Oldest" is the order the fines were added to
the library (fines carry no date in the model). Pure: the Library and `now` come in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from simulators.ils.formats import SCREEN, money
from simulators.models.ils import Library, Refusal

EVERGREEN_NO_BILL = "No bills to pay"
EVERGREEN_OVERPAYMENT = "Overpayment not allowed"

Answer = tuple[bool, str]  # payment accepted, screen message (AF)


def pay(
    library: Library, dialect: str, patron: str, amount: Decimal, now: datetime,
    fine_id: str | None,
) -> Answer:  # fmt: skip
    """Apply one Fee Paid to `patron`'s fines as the `dialect`'s server would."""
    with library.lock:
        known = library.patron(patron) is not None and amount > 0  # else the model's refusal
        rule = RULES.get(dialect, _koha_refusal)
        refusal = rule(library, patron, amount, fine_id) if known else None
        if refusal is not None:
            return False, refusal
        outcome = library.pay(patron, amount, now, fine_id=fine_id)
    if outcome.refusal is not None:
        return False, SCREEN[outcome.refusal]
    return True, f"Sumokėta {money(amount)} {library.rules.currency}"


def _koha_refusal(
    library: Library, patron: str, amount: Decimal, fine_id: str | None
) -> str | None:
    if amount > library.balance(patron):  # disallow_overpayment: the whole balance first
        return SCREEN[Refusal.OVERPAYMENT]
    if fine_id:
        line = _line(library, patron, fine_id)
        if line is None:
            return SCREEN[Refusal.UNKNOWN_FINE]
        if amount > line:
            return SCREEN[Refusal.OVERPAYMENT]
    return None  # the model pays the line, or the oldest fines first


def _evergreen_refusal(
    library: Library, patron: str, amount: Decimal, fine_id: str | None
) -> str | None:
    if fine_id:
        line = _line(library, patron, fine_id)
        if line is None:
            return EVERGREEN_NO_BILL
        return EVERGREEN_OVERPAYMENT if amount > line else None
    owed = library.balance(patron)
    if owed <= 0:
        return EVERGREEN_NO_BILL
    return EVERGREEN_OVERPAYMENT if amount > owed else None


def _line(library: Library, patron: str, fine_id: str) -> Decimal | None:
    """What is still owed on `fine_id`, when it is one of `patron`'s open fines."""
    return next((f.outstanding for f in library.fines_of(patron) if f.fine_id == fine_id), None)


Rule = Callable[[Library, str, Decimal, str | None], str | None]
RULES: dict[str, Rule] = {
    "koha": _koha_refusal,
    "generic": _koha_refusal,
    "folio": _koha_refusal,
    "evergreen": _evergreen_refusal,
}
