"""The receipt as data and its layout: Lithuanian and English text, plural forms, masking,
wrapping to the paper width."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kiosk.core.receipts import (
    Barcode,
    Cut,
    ItemKind,
    LockerPickup,
    QrCode,
    Receipt,
    ReceiptItem,
    as_text,
    layout,
    printer_test_receipt,
)
from kiosk.i18n import Catalogs

CATALOGS = Catalogs()
LT, EN = CATALOGS.translator("lt"), CATALOGS.translator("en")
WHEN = datetime(2026, 11, 25, 14, 30)


def receipt(*items: ReceiptItem, **extra: object) -> Receipt:
    return Receipt.for_card(
        "20001234567",
        library_name="Biblioteka",
        kiosk_id="k-1",
        issued_at=WHEN,
        items=items,
        **extra,
    )


def test_checkout_in_lithuanian_at_58_mm() -> None:
    item = ReceiptItem(ItemKind.BORROWED, "Šventųjų ąžuolų giesmės", "LT001", date(2026, 12, 16))
    assert as_text(layout(receipt(item, message="Ačiū!"), LT, 32), 32) == (
        "           Biblioteka\n"
        "     KVITAS\n"
        "2026-11-25 14:30\n"
        "Savitarnos stotelė: k-1\n"
        "Skaitytojo pažymėjimas:\n"
        "*******4567\n"
        "--------------------------------\n"
        "Paimta\n"
        "1. Šventųjų ąžuolų giesmės\n"
        "   Egzempliorius: LT001\n"
        "   Grąžinti iki: 2026-12-16\n"
        "1 leidinys paimtas\n"
        "--------------------------------\n"
        "             Ačiū!\n"
    )


@pytest.mark.parametrize(
    ("count", "lithuanian", "english"),
    [
        (1, "1 leidinys grąžintas", "1 item returned"),
        (2, "2 leidiniai grąžinti", "2 items returned"),
        (10, "10 leidinių grąžinta", "10 items returned"),
        (11, "11 leidinių grąžinta", "11 items returned"),
        (21, "21 leidinys grąžintas", "21 items returned"),
    ],
)
def test_counts_use_each_languages_plural_forms(count: int, lithuanian: str, english: str) -> None:
    items = [ReceiptItem(ItemKind.RETURNED, f"Knyga {n}") for n in range(count)]
    assert lithuanian in as_text(layout(receipt(*items), LT, 48), 48)
    assert english in as_text(layout(receipt(*items), EN, 48), 48)


def test_money_in_each_language() -> None:
    paid = receipt(ReceiptItem(ItemKind.PAID, "Delspinigiai", amount_cents=1234567))
    assert "Iš viso sumokėta: 12 345,67 €" in as_text(layout(paid, LT, 48), 48)
    assert "Total paid: €12,345.67" in as_text(layout(paid, EN, 48), 48)


def test_payment_reference_and_pickup_slip_carry_codes() -> None:
    slip = receipt(
        payment_reference="AVB-1",
        pickup=LockerPickup("A", "12", "4821", date(2026, 11, 30), "KNYGOMATAS:A:12"),
    )
    blocks = layout(slip, EN, 48)
    assert Barcode("AVB-1") in blocks and QrCode("KNYGOMATAS:A:12") in blocks
    assert blocks[-1] == Cut()
    text = as_text(blocks, 48)
    assert "Pickup code: 4821" in text and "Pick up by: 2026-11-30" in text


def test_patron_is_only_ever_a_masked_card() -> None:
    assert "20001234567" not in as_text(layout(receipt(), LT, 48), 48)
    with pytest.raises(ValueError, match="masked"):
        Receipt(library_name="B", kiosk_id="k", issued_at=WHEN, patron="20001234567")


def test_long_titles_wrap_and_long_words_split() -> None:
    title = "Labai " * 10 + "x" * 70
    text = as_text(layout(receipt(ReceiptItem(ItemKind.BORROWED, title)), LT, 32), 32)
    assert all(len(line) <= 32 for line in text.splitlines())
    assert text.count("x") == 70
    with pytest.raises(ValueError):
        layout(receipt(), LT, 10)


def test_printer_test_receipt_has_every_letter() -> None:
    text = as_text(layout(printer_test_receipt("B", "k-1", WHEN, LT), LT, 48), 48)
    for letters in ("ąčęėįšųūž", "ĄČĘĖĮŠŲŪŽ", "„Knyga“", "1,20 €", "Spausdintuvo bandymas"):
        assert letters in text
