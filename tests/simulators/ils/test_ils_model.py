"""The circulation rules of the ILS model, pure: a library built in code, `now` passed in."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from simulators.models.ils import (
    Circulation,
    Fine,
    Hold,
    Item,
    Library,
    Loan,
    Location,
    Patron,
    Refusal,
    Rules,
)

NOW = datetime(2026, 11, 25, 12, 0)


@pytest.fixture
def lib() -> Library:
    library = Library(
        Rules(),
        {
            "ABONEMENTAS": Location("ABONEMENTAS", "Abonementas", "AVB"),
            "KNYGOMATAS-1": Location("KNYGOMATAS-1", "Knygomatas", "AVB"),
            "FILIALAS": Location("FILIALAS", "Filialas", "ZAL"),
        },
    )
    library.add_patron(Patron("P1", "Ona Žemaitytė", "1234"))
    library.add_patron(Patron("P2", "Jonas Petraitis", "2345"))
    library.add_patron(Patron("KID", "Emilija", "1111", category="child"))
    library.add_item(Item("B1", "Metai", "Kristijonas Donelaitis"))
    library.add_item(Item("B2", "Marti", "Žemaitė"))
    library.add_item(Item("B3", "Dievų miškas", "Balys Sruoga"))
    library.add_item(Item("CD", "Baltaragio malūnas", item_type="audiobook", parts=2))
    library.add_item(Item("REF", "Lietuvių kalbos žodynas", item_type="reference"))
    library.add_item(Item("Z1", "Sodybų tuštėjimo metas", home="FILIALAS"))
    return library


def test_checkout_lends_with_the_item_types_loan_period(lib: Library) -> None:
    book = lib.checkout("P1", "B1", NOW)
    disc = lib.checkout("P1", "CD", NOW)
    assert book.ok and disc.ok
    assert book.loan is not None and book.loan.due == datetime(2026, 12, 23, 23, 59, 59)
    assert disc.loan is not None and disc.loan.due.date() == date(2026, 12, 9)
    assert lib.circulation("B1") is Circulation.CHARGED
    assert lib.count("checkout", "B1") == 1


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"blocked": "Negrąžinti leidiniai"}, Refusal.PATRON_BLOCKED),
        ({"expires": date(2026, 11, 1)}, Refusal.CARD_EXPIRED),
        ({"card_lost": True}, Refusal.CARD_LOST),
    ],
)
def test_barred_patrons_cannot_borrow_renew_or_hold(lib: Library, change, refusal) -> None:
    lib.checkout("P1", "B2", NOW)
    lib.add_patron(Patron("P1", "Ona Žemaitytė", "1234", **change))
    assert lib.checkout("P1", "B1", NOW).refusal is refusal
    assert lib.renew("P1", "B2", NOW).refusal is refusal
    assert lib.place_hold("P1", "B3", "ABONEMENTAS", NOW).refusal is refusal
    assert lib.flags("P1", NOW).charge_denied
    assert lib.count("checkout", "B1") == 0


def test_fines_at_the_limit_block_and_paying_them_unblocks(lib: Library) -> None:
    lib.add_fine(Fine("F1", "P1", Decimal("3.00"), "Delspinigiai", "04"))
    lib.add_fine(Fine("F2", "P1", Decimal("2.40"), "Sugadinta knyga", "03"))
    assert lib.flags("P1", NOW).excessive_fines
    assert lib.checkout("P1", "B1", NOW).refusal is Refusal.EXCESSIVE_FINES
    assert lib.pay("P1", Decimal("9.99"), NOW).refusal is Refusal.OVERPAYMENT
    assert lib.pay("P1", Decimal("0"), NOW).refusal is Refusal.BAD_AMOUNT
    assert lib.pay("P1", Decimal("1.00"), NOW, fine_id="F9").refusal is Refusal.UNKNOWN_FINE
    assert lib.pay("P1", Decimal("3.50"), NOW).ok  # oldest first: F1 whole, F2 by 0.50
    assert lib.balance("P1") == Decimal("1.90")
    assert [f.fine_id for f in lib.fines_of("P1")] == ["F2"]
    assert lib.checkout("P1", "B1", NOW).ok
    assert lib.count("fee_paid", "P1") == 1


def test_loan_limit_per_category(lib: Library) -> None:
    for barcode in ("B1", "B2", "B3"):
        assert lib.checkout("KID", barcode, NOW).ok
    assert lib.flags("KID", NOW).too_many_charged
    assert lib.checkout("KID", "CD", NOW).refusal is Refusal.LOAN_LIMIT
    assert lib.renew("KID", "B1", NOW).ok  # the limit stops new loans, not renewals


def test_reference_items_are_not_for_loan(lib: Library) -> None:
    assert lib.checkout("P1", "REF", NOW).refusal is Refusal.NOT_FOR_LOAN
    assert lib.place_hold("P1", "REF", "ABONEMENTAS", NOW).refusal is Refusal.NOT_FOR_LOAN


def test_checkout_of_an_item_on_another_card_or_own_card(lib: Library) -> None:
    lib.checkout("P1", "B1", NOW)
    assert lib.checkout("P2", "B1", NOW).refusal is Refusal.ON_LOAN_TO_OTHER
    assert lib.checkout("P1", "B1", NOW).refusal is Refusal.ALREADY_ON_YOUR_CARD
    again = lib.checkout("P1", "B1", NOW + timedelta(days=3), renew_own=True)  # Koha
    assert again.ok and again.renewed
    assert lib.count("checkout", "B1") == 1 and lib.count("renew", "B1") == 1


def test_wrong_pin_refuses_checkout(lib: Library) -> None:
    assert lib.checkout("P1", "B1", NOW, pin="0000").refusal is Refusal.BAD_PIN
    assert lib.checkout("P1", "B1", NOW, pin="1234").ok
    assert lib.checkout("NOPE", "B2", NOW).refusal is Refusal.UNKNOWN_PATRON
    assert lib.checkout("P1", "NOPE", NOW).refusal is Refusal.UNKNOWN_ITEM


def test_renewal_limit_and_waiting_patrons_refuse_renewal(lib: Library) -> None:
    lib.checkout("P1", "B1", NOW)
    first = lib.renew("P1", "B1", NOW + timedelta(days=20))
    assert first.ok and first.loan is not None and first.loan.due.date() == date(2027, 1, 12)
    assert lib.renew("P1", "B1", NOW + timedelta(days=21)).ok
    assert lib.renew("P1", "B1", NOW + timedelta(days=22)).refusal is Refusal.RENEWAL_LIMIT
    lib.checkout("P1", "B2", NOW)
    lib.place_hold("P2", "B2", "ABONEMENTAS", NOW)
    assert lib.renew("P1", "B2", NOW).refusal is Refusal.HOLDS_QUEUED
    assert lib.renew("P2", "B2", NOW).refusal is Refusal.NOT_YOUR_LOAN
    assert lib.renew("P1", "B3", NOW).refusal is Refusal.NOT_ON_LOAN


def test_renew_all_renews_what_it_can(lib: Library) -> None:
    lib.checkout("P1", "B1", NOW)
    lib.checkout("P1", "B2", NOW)
    lib.place_hold("P2", "B2", "ABONEMENTAS", NOW)
    results = dict(lib.renew_all("P1", NOW + timedelta(days=1)))
    assert results["B1"].ok
    assert results["B2"].refusal is Refusal.HOLDS_QUEUED


def test_checkin_traps_a_hold_for_this_branch_on_the_hold_shelf(lib: Library) -> None:
    lib.checkout("P1", "B1", NOW)
    lib.place_hold("P2", "B1", "KNYGOMATAS-1", NOW)
    back = lib.checkin("B1", "ABONEMENTAS", NOW + timedelta(days=2))
    assert back.ok and back.hold is not None and back.hold.patron == "P2"
    assert back.transit_to == "KNYGOMATAS-1"
    assert back.hold.expires == date(2026, 12, 4)
    assert lib.circulation("B1") is Circulation.ON_HOLD_SHELF
    assert lib.checkout("P1", "B1", NOW).refusal is Refusal.ON_HOLD_FOR_OTHER
    pickup = lib.checkout("P2", "B1", NOW + timedelta(days=3))
    assert pickup.ok and pickup.hold is not None  # the hold is filled and gone
    assert lib.holds_of("P2") == []


def test_checkin_of_an_item_held_in_another_branch_sends_it_there(lib: Library) -> None:
    lib.checkout("P1", "B1", NOW)
    lib.place_hold("P2", "B1", "FILIALAS", NOW)
    back = lib.checkin("B1", "ABONEMENTAS", NOW)
    assert back.hold is not None and back.hold.in_transit
    assert lib.circulation("B1") is Circulation.IN_TRANSIT
    arrived = lib.checkin("B1", "FILIALAS", NOW + timedelta(days=1))
    assert arrived.ok and arrived.hold is not None and arrived.hold.waiting_since is not None
    assert lib.circulation("B1") is Circulation.ON_HOLD_SHELF


def test_checkin_elsewhere_sends_the_item_home(lib: Library) -> None:
    lib.checkout("P1", "Z1", NOW)
    back = lib.checkin("Z1", "ABONEMENTAS", NOW)
    assert back.ok and back.hold is None and back.transit_to == "FILIALAS"
    assert lib.circulation("Z1") is Circulation.IN_TRANSIT


def test_checkin_refusals_change_nothing(lib: Library) -> None:
    assert lib.checkin("B1", "ABONEMENTAS", NOW).refusal is Refusal.NOT_ON_LOAN
    assert lib.checkin("NOPE", "ABONEMENTAS", NOW).refusal is Refusal.UNKNOWN_ITEM
    assert lib.count("checkin") == 0


def test_late_return_is_fined_per_day_up_to_a_cap(lib: Library) -> None:
    lib.add_loan(Loan("B1", "P1", NOW - timedelta(days=40), NOW - timedelta(days=3)))
    lib.add_loan(Loan("B2", "P1", NOW - timedelta(days=90), NOW - timedelta(days=60)))
    first = lib.checkin("B1", "ABONEMENTAS", NOW)
    second = lib.checkin("B2", "ABONEMENTAS", NOW)
    assert first.fine is not None and first.fine.amount == Decimal("0.30")
    assert first.fine.fee_type == "04"
    assert second.fine is not None and second.fine.amount == Decimal("3.00")
    assert lib.balance("P1") == Decimal("3.30")


def test_return_date_given_by_the_kiosk_decides_the_fine(lib: Library) -> None:
    lib.add_loan(Loan("B1", "P1", NOW - timedelta(days=40), NOW - timedelta(days=3)))
    back = lib.checkin("B1", "ABONEMENTAS", NOW, returned=NOW - timedelta(days=5))
    assert back.ok and back.fine is None


def test_no_block_checkout_skips_blocks_and_keeps_the_kiosks_dates(lib: Library) -> None:
    lib.add_patron(Patron("P1", "Ona", "1234", blocked="Užblokuota"))
    lib.checkout("P2", "B1", NOW - timedelta(days=5))
    when = NOW - timedelta(days=1)
    due = datetime(2026, 12, 20, 20, 0)
    done = lib.checkout("P1", "B1", when, no_block=True, due=due)
    assert done.ok and done.loan == Loan("B1", "P1", when, due)
    assert lib.count("checkin", "B1") == 1  # it was physically returned before


def test_holds_place_change_cancel_and_limits(lib: Library) -> None:
    placed = lib.place_hold("P2", "B1", "KNYGOMATAS-1", NOW)
    assert placed.ok and placed.hold is not None and lib.queue_position(placed.hold) == 1
    assert lib.place_hold("P2", "B1", "ABONEMENTAS", NOW).refusal is Refusal.HOLD_EXISTS
    assert lib.change_hold("P2", "B1", "FILIALAS").hold.pickup == "FILIALAS"  # type: ignore[union-attr]
    assert lib.cancel_hold("P2", "B1").ok
    assert lib.cancel_hold("P2", "B1").refusal is Refusal.HOLD_NOT_FOUND
    for n in range(5):
        lib.add_item(Item(f"X{n}", f"Knyga {n}"))
        assert lib.place_hold("P1", f"X{n}", "ABONEMENTAS", NOW).ok
    assert lib.place_hold("P1", "B3", "ABONEMENTAS", NOW).refusal is Refusal.HOLD_LIMIT


def test_block_and_enable(lib: Library) -> None:
    assert lib.block("P1", "Kortelė paliko aparate").ok
    assert lib.flags("P1", NOW).blocked
    assert lib.enable("P1").ok
    assert not lib.flags("P1", NOW).charge_denied
    assert lib.block("NOPE", "").refusal is Refusal.UNKNOWN_PATRON


def test_records_must_refer_to_known_patrons_and_items(lib: Library) -> None:
    with pytest.raises(ValueError, match="unknown item"):
        lib.add_loan(Loan("NOPE", "P1", NOW, NOW))
    with pytest.raises(ValueError, match="unknown patron"):
        lib.add_hold(Hold("H1", "NOPE", "B1", NOW, "ABONEMENTAS"))
