"""The fees a patron owes, read from the library system's patron answer (the fine lines and
the fee amount) into `OwedFee`s the allocation (fees.py) works on. Pure: no I/O.

A fine line is "[ID ]AMOUNT DESCRIPTION" (SIP2 AV as Koha and our simulator send it; the same
shape kiosk/core/circulation/renewals.py shows on My account). A line without an identifier
makes the fees unnamed: the patron pays all or an amount, applied oldest first. The library
system's order is the fees' age (the lines carry no date).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from kiosk.core.model import Patron
from kiosk.core.payments.fees import OwedFee
from kiosk.core.payments.results import OwedFees
from kiosk.core.vocabulary import FeeType

_LINE = re.compile(r"^(?:(\S+)\s+)?(\d+[.,]\d{2})(?:\s+(.*))?$")


def cents(amount: Decimal | str) -> int:
    """Money as integer cents; ValueError for what is not an amount with at most 2 decimals."""
    try:
        value = Decimal(str(amount).replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"{amount!r} is not an amount of money") from None
    scaled = value * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount!r} has more than two decimals")
    return int(scaled)


def money(cents_: int) -> Decimal:
    """Integer cents as the Decimal the library system port takes (7.50)."""
    return Decimal(cents_) / 100


def fee_of(line: str) -> OwedFee | None:
    """One fine line, or None when it names no amount (a line we cannot read)."""
    match = _LINE.match(line.strip())
    if match is None:
        return None
    fee_id, amount, description = match.groups()
    return OwedFee(cents(amount), FeeType.OTHER_UNKNOWN, fee_id or "", None,
                   (description or "").strip())  # fmt: skip


def owed_fees(patron: Patron) -> OwedFees:
    """The patron's fees; the total is the library system's own when it reports one."""
    fees = tuple(f for f in map(fee_of, patron.fine_items) if f is not None and f.amount_cents)
    lines_total = sum(f.amount_cents for f in fees)
    total = cents(patron.fee_amount) if patron.fee_amount is not None else lines_total
    if total > 0 and not fees:  # an amount owed, but no lines: one unnamed fee of the total
        fees = (OwedFee(total, FeeType.OTHER_UNKNOWN, "", None, ""),)
    return OwedFees(fees, total, patron.currency or "EUR")
