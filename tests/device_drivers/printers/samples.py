"""The sample sessions of the golden tests: a checkout, a return, a renewal, a payment and a
locker slip, with Lithuanian titles. Shared by the printer tests (imported by file path)."""

from __future__ import annotations

from datetime import date, datetime

from kiosk.core.receipts import ItemKind, LockerPickup, Receipt, ReceiptItem

WHEN = datetime(2026, 11, 25, 14, 30)
COMMON = {
    "library_name": "Apskrities viešoji biblioteka",
    "kiosk_id": "demo-1",
    "issued_at": WHEN,
    "opening_hours": ("I–V 10:00–19:00", "VI 10:00–15:00"),
    "message": "Ačiū, kad skaitote!",
}
TITLES = (
    "Žalgirio mūšis: „Kryžiuočių“ ordino žlugimas",
    "Šventųjų ąžuolų giesmės",
    "Ūkininko užrašai ir Įvairūs ėjimai",
)


def _items(kind: ItemKind, due: date | None) -> tuple[ReceiptItem, ...]:
    return tuple(
        ReceiptItem(kind, title, f"LT00{n}", due=due) for n, title in enumerate(TITLES, start=1)
    )


SAMPLES: dict[str, Receipt] = {
    "checkout": Receipt.for_card(
        "20001234567", items=_items(ItemKind.BORROWED, date(2026, 12, 16)), **COMMON
    ),
    "return": Receipt.for_card("20001234567", items=_items(ItemKind.RETURNED, None)[:2], **COMMON),
    "renewal": Receipt.for_card(
        "20001234567", items=_items(ItemKind.RENEWED, date(2027, 1, 6))[:1], **COMMON
    ),
    "payment": Receipt.for_card(
        "20001234567",
        items=(
            ReceiptItem(ItemKind.PAID, "Delspinigiai: „Šventųjų ąžuolų giesmės“", amount_cents=120),
            ReceiptItem(ItemKind.PAID, "Spausdinimo paslaugos", amount_cents=45),
        ),
        payment_reference="AVB-2026-000042",
        **COMMON,
    ),
    "locker": Receipt.for_card(
        "20001234567",
        items=(ReceiptItem(ItemKind.LOADED, TITLES[1], "LT002", compartment="12"),),
        pickup=LockerPickup(
            "Knygomatas prie įėjimo", "12", "4821", date(2026, 11, 30), "KNYGOMATAS:A:12:4821"
        ),
        **COMMON,
    ),
}
