"""Reading a patron's fees from the library system's answer (fine lines, fee amount) into
OwedFees, and money as integer cents."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kiosk.core.model import Patron
from kiosk.core.payments.owed import cents, fee_of, money, owed_fees


def patron(lines: tuple[str, ...], amount: str | None) -> Patron:
    fee = Decimal(amount) if amount is not None else None
    return Patron("2100000005", "Ona", True, True, fine_items=lines, fee_amount=fee,
                  currency="EUR")  # fmt: skip


@pytest.mark.parametrize(
    ("line", "fee_id", "amount", "description"),
    [("F0001 3.00 Delspinigiai: Šarūnas", "F0001", 300, "Delspinigiai: Šarūnas"),
     ("9,40 Sugadinta knyga", "", 940, "Sugadinta knyga"),
     ("F7 0.60", "F7", 60, "")],
)  # fmt: skip
def test_fine_lines(line, fee_id, amount, description) -> None:
    fee = fee_of(line)
    assert (fee.fee_id, fee.amount_cents, fee.description) == (fee_id, amount, description)


def test_a_line_without_an_amount_is_skipped() -> None:
    assert fee_of("Knyga be sumos") is None
    owed = owed_fees(patron(("Knyga be sumos", "F1 2.00 x"), "2.00"))
    assert [f.fee_id for f in owed.fees] == ["F1"] and owed.named


def test_the_library_systems_total_wins() -> None:
    owed = owed_fees(patron(("F1 2.00 a", "F2 1.00 b"), "3.50"))
    assert owed.total_cents == 350 and len(owed.fees) == 2


def test_a_total_without_lines_is_one_unnamed_fee() -> None:
    owed = owed_fees(patron((), "4.20"))
    assert owed.total_cents == 420 and [f.amount_cents for f in owed.fees] == [420]
    assert not owed.named


def test_nothing_owed() -> None:
    owed = owed_fees(patron((), None))
    assert owed.fees == () and owed.total_cents == 0


def test_money_is_exact() -> None:
    assert cents("12.40") == 1240 and cents(Decimal("0.1")) == 10
    assert money(1240) == Decimal("12.40")
    with pytest.raises(ValueError, match="two decimals"):
        cents("1.234")
    with pytest.raises(ValueError, match="not an amount"):
        cents("abc")
