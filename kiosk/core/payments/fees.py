"""Fee allocation: which of a patron's fees a card payment pays, as the postings sent to the
library system. Pure: no I/O, no clock, integer cents only (never floats).

Rules:
  - The patron pays all they owe, chosen fees (by the library system's fee identifier), or an
    amount. Chosen fees are paid whole, by identifier.
  - An amount is spread over the fees oldest first, the way Koha and Evergreen apply a payment
    that names no fee. When the library system names every fee, each part is posted against
    its fee by identifier; otherwise the parts are posted unnamed, in the same oldest-first
    order, so the library system applies them exactly as allocated here.
  - A mix of named and unnamed fees is treated as unnamed: an unnamed posting may land on an
    older named fee, so naming some and not others could pay a fee twice.
  - Refusals are words-as-codes (`REFUSALS`): below_minimum, more_than_owed,
    partial_not_allowed, unknown_fee, fees_not_named, nothing_owed, nothing_chosen,
    not_positive.
  - "Partial payment" means leaving a fee partly paid. Paying some fees whole is not partial.
  - The minimum is checked against the total charged to the card.

Never decides how the payment is held at the terminal (saga.py) nor speaks a wire protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from kiosk.core.vocabulary import FeeType

Refusal = Literal[
    "below_minimum",  # the total is under the configured minimum card payment
    "more_than_owed",  # an amount larger than what the patron owes
    "partial_not_allowed",  # the amount would leave a fee partly paid, and config forbids it
    "unknown_fee",  # a chosen fee identifier the patron does not owe
    "fees_not_named",  # fees were chosen, but the library system names no fees
    "nothing_owed",  # the patron owes nothing
    "nothing_chosen",  # an empty choice
    "not_positive",  # an amount of zero or less
]
REFUSALS: tuple[Refusal, ...] = (
    "below_minimum", "more_than_owed", "partial_not_allowed", "unknown_fee", "fees_not_named",
    "nothing_owed", "nothing_chosen", "not_positive",
)  # fmt: skip


@dataclass(frozen=True)
class OwedFee:
    """One fee the patron owes, as the library system lists it."""

    amount_cents: int  # outstanding
    fee_type: FeeType = FeeType.OTHER_UNKNOWN
    fee_id: str = ""  # the library system's identifier; "" when it names none
    charged_on: date | None = None  # None: the library system's listing order stands for age
    description: str = ""  # title or what the fee is for

    def __post_init__(self) -> None:
        if not isinstance(self.amount_cents, int) or isinstance(self.amount_cents, bool):
            raise TypeError("amount_cents must be an int (cents), never a float")


@dataclass(frozen=True)
class PayAll:
    """Everything the patron owes."""


@dataclass(frozen=True)
class PayChosen:
    fee_ids: tuple[str, ...]


@dataclass(frozen=True)
class PayAmount:
    amount_cents: int


Choice = PayAll | PayChosen | PayAmount


@dataclass(frozen=True)
class FeeRules:
    minimum_cents: int = 0
    partial_allowed: bool = True


@dataclass(frozen=True)
class Posting:
    """One fee payment to record at the library system."""

    amount_cents: int
    fee_type: FeeType
    fee_id: str = ""  # "" : unnamed, the library system applies it oldest first
    description: str = ""


@dataclass(frozen=True)
class Allocation:
    postings: tuple[Posting, ...]
    owed_before_cents: int  # the patron's total before paying: recovery compares with after

    @property
    def total_cents(self) -> int:
        return sum(p.amount_cents for p in self.postings)

    @property
    def owed_after_cents(self) -> int:
        return self.owed_before_cents - self.total_cents


@dataclass(frozen=True)
class AllocationRefused:
    reason: Refusal
    detail: str = ""


def oldest_first(fees: Sequence[OwedFee]) -> list[OwedFee]:
    """Fees in the order a payment that names none is applied: dated fees by date (ties and
    undated ones keep the library system's order), undated ones after the dated."""
    indexed = list(enumerate(fees))
    indexed.sort(key=lambda pair: (pair[1].charged_on or date.max, pair[0]))
    return [fee for _, fee in indexed if fee.amount_cents > 0]


def allocate(
    fees: Sequence[OwedFee], choice: Choice, rules: FeeRules = FeeRules()
) -> Allocation | AllocationRefused:
    """The postings for `choice`, or why the kiosk refuses to take the payment."""
    owed = oldest_first(fees)
    total = sum(f.amount_cents for f in owed)
    if total <= 0:
        return AllocationRefused("nothing_owed")
    named = all(f.fee_id for f in owed)
    match choice:
        case PayAll():
            postings = [_posting(f, f.amount_cents, named) for f in owed]
        case PayChosen(fee_ids=ids):
            chosen = _chosen(owed, ids, named)
            if isinstance(chosen, AllocationRefused):
                return chosen
            postings = [_posting(f, f.amount_cents, True) for f in chosen]
        case PayAmount(amount_cents=amount):
            spread = _spread(owed, amount, total, rules)
            if isinstance(spread, AllocationRefused):
                return spread
            postings = [_posting(f, part, named) for f, part in spread]
    allocation = Allocation(tuple(postings), total)
    if allocation.total_cents < rules.minimum_cents:
        return AllocationRefused(
            "below_minimum", f"{allocation.total_cents} < {rules.minimum_cents} cents"
        )
    return allocation


def _posting(fee: OwedFee, amount: int, named: bool) -> Posting:
    return Posting(amount, fee.fee_type, fee.fee_id if named else "", fee.description)


def _chosen(
    owed: list[OwedFee], ids: tuple[str, ...], named: bool
) -> list[OwedFee] | AllocationRefused:
    if not ids:
        return AllocationRefused("nothing_chosen")
    if not named:
        return AllocationRefused("fees_not_named", "the library system does not name its fees")
    by_id = {f.fee_id: f for f in owed}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        return AllocationRefused("unknown_fee", ", ".join(unknown))
    wanted = set(ids)
    return [f for f in owed if f.fee_id in wanted]  # oldest first, each once


def _spread(
    owed: list[OwedFee], amount: int, total: int, rules: FeeRules
) -> list[tuple[OwedFee, int]] | AllocationRefused:
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError("amount_cents must be an int (cents), never a float")
    if amount <= 0:
        return AllocationRefused("not_positive")
    if amount > total:
        return AllocationRefused("more_than_owed", f"{amount} > {total} cents")
    parts: list[tuple[OwedFee, int]] = []
    left = amount
    for fee in owed:
        if left == 0:
            break
        part = min(left, fee.amount_cents)
        parts.append((fee, part))
        left -= part
    if parts[-1][1] < parts[-1][0].amount_cents and not rules.partial_allowed:
        return AllocationRefused("partial_not_allowed", "the amount would split a fee")
    return parts
