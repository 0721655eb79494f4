"""Fee allocation (kiosk/core/payments/fees.py): tables and properties, integer cents only."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.payments.fees import (
    Allocation,
    AllocationRefused,
    FeeRules,
    OwedFee,
    PayAll,
    PayAmount,
    PayChosen,
    Posting,
    allocate,
    oldest_first,
)
from kiosk.core.vocabulary import FeeType

LATE = OwedFee(300, FeeType.OVERDUE, "F1", date(2026, 3, 1), "Delspinigiai")
DAMAGE = OwedFee(940, FeeType.DAMAGE, "F2", date(2026, 5, 2), "Sugadinta knyga")
LOST = OwedFee(1500, FeeType.REPLACEMENT, "F3", date(2026, 1, 9), "Pamesta knyga")
NAMED = (LATE, DAMAGE, LOST)  # listed out of date order on purpose
UNNAMED = tuple(OwedFee(f.amount_cents, f.fee_type, "", f.charged_on, f.description) for f in NAMED)


def postings(result) -> list[tuple[str, FeeType, int]]:
    assert isinstance(result, Allocation), result
    return [(p.fee_id, p.fee_type, p.amount_cents) for p in result.postings]


def test_pay_all_by_id_oldest_first() -> None:
    result = allocate(NAMED, PayAll())
    assert postings(result) == [
        ("F3", FeeType.REPLACEMENT, 1500), ("F1", FeeType.OVERDUE, 300),
        ("F2", FeeType.DAMAGE, 940),
    ]  # fmt: skip
    assert result.total_cents == result.owed_before_cents == 2740
    assert result.owed_after_cents == 0


def test_pay_all_unnamed() -> None:
    assert [fid for fid, _, _ in postings(allocate(UNNAMED, PayAll()))] == ["", "", ""]


def test_chosen_fees_by_id_paid_whole() -> None:
    result = allocate(NAMED, PayChosen(("F2", "F1", "F2")))
    assert postings(result) == [("F1", FeeType.OVERDUE, 300), ("F2", FeeType.DAMAGE, 940)]
    assert result.owed_after_cents == 1500


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (1500, [("F3", 1500)]),
        (1600, [("F3", 1500), ("F1", 100)]),
        (1800, [("F3", 1500), ("F1", 300)]),
        (2740, [("F3", 1500), ("F1", 300), ("F2", 940)]),
        (1, [("F3", 1)]),
    ],
)
def test_an_amount_oldest_first_by_id(amount: int, expected) -> None:
    result = allocate(NAMED, PayAmount(amount))
    assert [(fid, cents) for fid, _, cents in postings(result)] == expected


def test_an_amount_unnamed_keeps_the_same_split() -> None:
    result = allocate(UNNAMED, PayAmount(1600))
    assert [(p.fee_id, p.fee_type, p.amount_cents) for p in result.postings] == [
        ("", FeeType.REPLACEMENT, 1500), ("", FeeType.OVERDUE, 100),
    ]  # fmt: skip


def test_a_mix_of_named_and_unnamed_is_paid_unnamed() -> None:
    mixed = (LATE, UNNAMED[2])
    assert [fid for fid, _, _ in postings(allocate(mixed, PayAll()))] == ["", ""]
    assert allocate(mixed, PayChosen(("F1",))) == AllocationRefused(
        "fees_not_named", "the library system does not name its fees"
    )


def test_undated_fees_keep_the_listing_order_after_dated_ones() -> None:
    a, b = OwedFee(100, fee_id="A"), OwedFee(200, fee_id="B")
    assert oldest_first([a, LATE, b]) == [LATE, a, b]
    assert oldest_first([OwedFee(0, fee_id="Z"), OwedFee(-50, fee_id="C"), a]) == [a]


@pytest.mark.parametrize(
    ("fees", "choice", "rules", "reason"),
    [
        (NAMED, PayAmount(2741), FeeRules(), "more_than_owed"),
        (NAMED, PayAmount(0), FeeRules(), "not_positive"),
        (NAMED, PayAmount(-5), FeeRules(), "not_positive"),
        (NAMED, PayAmount(1600), FeeRules(partial_allowed=False), "partial_not_allowed"),
        (NAMED, PayAmount(150), FeeRules(minimum_cents=200), "below_minimum"),
        (NAMED, PayChosen(("F1",)), FeeRules(minimum_cents=500), "below_minimum"),
        (NAMED, PayChosen(("F1", "F9")), FeeRules(), "unknown_fee"),
        (NAMED, PayChosen(()), FeeRules(), "nothing_chosen"),
        (UNNAMED, PayChosen(("F1",)), FeeRules(), "fees_not_named"),
        ((), PayAll(), FeeRules(), "nothing_owed"),
        ((OwedFee(-100, fee_id="C"),), PayAll(), FeeRules(), "nothing_owed"),
    ],
)
def test_refusals(fees, choice, rules, reason: str) -> None:
    result = allocate(fees, choice, rules)
    assert isinstance(result, AllocationRefused) and result.reason == reason


def test_whole_fees_are_not_partial() -> None:
    no_split = FeeRules(partial_allowed=False)
    assert postings(allocate(NAMED, PayAmount(1800), no_split))[-1] == ("F1", FeeType.OVERDUE, 300)
    assert isinstance(allocate(NAMED, PayChosen(("F2",)), no_split), Allocation)


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        OwedFee(3.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        allocate(NAMED, PayAmount(3.5))  # type: ignore[arg-type]


fees_st = st.lists(
    st.builds(
        OwedFee,
        amount_cents=st.integers(-500, 50_000),
        fee_type=st.sampled_from(list(FeeType)),
        fee_id=st.one_of(st.just(""), st.text("ABCDEF0123", min_size=1, max_size=3)),
        charged_on=st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2030, 1, 1))),
    ),
    max_size=8,
).filter(lambda fs: len({f.fee_id for f in fs if f.fee_id}) == len([f for f in fs if f.fee_id]))


def _check(fees: list[OwedFee], result, paid: int | None) -> None:
    if isinstance(result, AllocationRefused):
        return
    owed = {id(f): f.amount_cents for f in fees if f.amount_cents > 0}
    total = sum(owed.values())
    assert all(p.amount_cents > 0 for p in result.postings)
    assert result.total_cents <= total == result.owed_before_cents
    assert result.owed_after_cents >= 0
    if paid is not None:
        assert result.total_cents == paid
    named = {f.fee_id: f.amount_cents for f in fees if f.fee_id and f.amount_cents > 0}
    for p in result.postings:
        if p.fee_id:
            assert p.amount_cents <= named[p.fee_id]
    assert len({p.fee_id for p in result.postings if p.fee_id}) == len(
        [p for p in result.postings if p.fee_id]
    )


@given(fees_st, st.integers(-100, 300_000), st.booleans(), st.integers(0, 1000))
def test_an_amount_never_exceeds_what_is_owed(fees, amount, partial, minimum) -> None:
    result = allocate(fees, PayAmount(amount), FeeRules(minimum, partial))
    _check(fees, result, amount)
    total = sum(f.amount_cents for f in fees if f.amount_cents > 0)
    if 0 < amount <= total and amount >= minimum and partial:
        assert isinstance(result, Allocation)


@given(fees_st, st.data())
def test_pay_all_and_chosen_pay_whole_fees(fees, data) -> None:
    _check(fees, allocate(fees, PayAll()), None)
    ids = [f.fee_id for f in fees if f.fee_id and f.amount_cents > 0]
    chosen = data.draw(st.lists(st.sampled_from(ids), max_size=4)) if ids else []
    result = allocate(fees, PayChosen(tuple(chosen)))
    _check(fees, result, None)
    if isinstance(result, Allocation):
        assert result.postings == tuple(
            Posting(f.amount_cents, f.fee_type, f.fee_id, f.description)
            for f in oldest_first(fees)
            if f.fee_id in set(chosen)
        )
