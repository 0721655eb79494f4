"""A realistic payment day for the report tests: an in-memory PaymentJournalReader (tests only)
holding two kiosks' payments of 2026-11-25 (paid, declined, reversed, to_staff, a
pre-authorisation, several fee types, Lithuanian letters), their two end-of-day closes, and
one late payment of the day before that the first kiosk's batch carries in.

Kiosk "centras": closes at 19:00 with 3 payments / 16,70 € = the day before's 23:50 payment
(3,00 €) plus 12,50 € and 1,20 € of the day; its 19:30 payment (0,50 €) is the next batch's.
Kiosk "šilainiai": its close says 2 / 7,00 €, the kiosk charged 2 / 8,00 €: a mismatch of
-1,00 € that the report must show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from kiosk.core.payments.records import (
    BrandCount,
    PaymentRecord,
    RecordedPosting,
    TerminalClose,
)
from kiosk.core.vocabulary import FeeType

DAY = date(2026, 11, 25)
A = "centras"
B = "šilainiai"
ALL_LETTERS = "ąčęėįšųūž"
STAFF_REASON = (
    "Ryšys nutrūko po patvirtinimo; sąskaitą tikrins darbuotojų grupė, "
    "čekį įrašė sumokėjęs žiūrovas"
)


def at(hour: int, minute: int, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute)


def posting(
    cents: int, fee_type: FeeType, recorded: bool = True, ils_id: str = ""
) -> RecordedPosting:
    return RecordedPosting(cents, fee_type, f"F{cents}", recorded, ils_id)


def record(
    pid: str,
    kiosk: str,
    started: datetime,
    state: str,
    postings: tuple[RecordedPosting, ...],
    *,
    brand: str = "Visa",
    trace: int | None = None,
    receipt: int | None = None,
    hold: str = "reversal",
    reason: str = "",
    asked: int | None = None,
    settled: bool = True,
) -> PaymentRecord:
    recorded = sum(p.amount_cents for p in postings if p.recorded)
    return PaymentRecord(
        payment_id=pid,
        kiosk_id=kiosk,
        started_at=started,
        settled_at=started.replace(second=40) if settled else None,
        library_card_masked="**********5678",
        state=state,
        hold_mode=hold,
        amount_cents=asked if asked is not None else sum(p.amount_cents for p in postings),
        recorded_cents=recorded,
        currency="EUR",
        postings=postings,
        trace_number=trace,
        receipt_number=receipt,
        bank_card_masked="************4242" if trace else "",
        card_brand=brand,
        terminal_id="52500012",
        reason=reason,
    )


DAY_BEFORE_LATE = record(
    "p-0",
    A,
    at(23, 50, date(2026, 11, 24)),
    "paid",
    (posting(300, FeeType.OVERDUE, ils_id="ILS-900"),),
    trace=99,
    receipt=9,
)

RECORDS = [
    record(
        "p-1",
        A,
        at(9, 15),
        "paid",
        (
            posting(250, FeeType.OVERDUE, ils_id="ILS-1001"),
            posting(1000, FeeType.DAMAGE, ils_id="ILS-1002"),
        ),
        trace=101,
        receipt=11,
    ),
    record(
        "p-2",
        A,
        at(10, 2),
        "paid",
        (posting(120, FeeType.OVERDUE),),
        brand="Mastercard",
        trace=102,
        receipt=12,
    ),
    record(
        "p-3",
        A,
        at(10, 30),
        "not_charged",
        (posting(700, FeeType.OVERDUE, recorded=False),),  # the journal keeps the allocation
        reason="Kortelė atmesta: bankas nepatvirtino (05)",
    ),
    record(
        "p-4",
        A,
        at(11, 0),
        "reversed",
        (posting(1500, FeeType.REPLACEMENT, recorded=False),),
        brand="Mastercard",
        trace=103,
        receipt=13,
        reason="Biblioteka atmetė mokėjimą: nežinomas mokesčio numeris",
    ),
    record(
        "p-5",
        A,
        at(12, 40),
        "to_staff",
        (posting(300, FeeType.PROCESSING),),
        trace=104,
        receipt=14,
        hold="preauth",
        reason=STAFF_REASON,
    ),
    record("p-6", A, at(19, 30), "paid", (posting(50, FeeType.HOLD_FEE),), trace=105, receipt=15),
    record(
        "p-7",
        B,
        at(9, 40),
        "paid",
        (posting(200, FeeType.RENTAL), posting(100, FeeType.COMPUTER_ACCESS)),
        trace=201,
        receipt=21,
        hold="preauth",
    ),
    record(
        "p-8",
        B,
        at(14, 5),
        "paid",
        (posting(500, FeeType.ADMINISTRATIVE),),
        brand="Maestro",
        trace=202,
        receipt=22,
    ),
]

CLOSES = [
    TerminalClose(
        A, at(19, 0), 3, 1670, (BrandCount("Visa", 2, 1550), BrandCount("Mastercard", 1, 120))
    ),
    TerminalClose(
        B, at(18, 0), 2, 700, (BrandCount("Visa", 1, 200), BrandCount("Maestro", 1, 500))
    ),
]
CLOSES_DAY_BEFORE = [TerminalClose(A, at(23, 30, date(2026, 11, 24)), 5, 4000)]


@dataclass
class InMemoryJournal:
    """PaymentJournalReader over lists (tests only)."""

    records: list[PaymentRecord] = field(default_factory=list)
    closes: list[TerminalClose] = field(default_factory=list)

    def payments_on(self, day: date) -> list[PaymentRecord]:
        found = [r for r in self.records if r.started_at.date() == day]
        return sorted(found, key=lambda r: r.started_at)

    def closes_on(self, day: date) -> list[TerminalClose]:
        return sorted((c for c in self.closes if c.at.date() == day), key=lambda c: c.at)

    def unsettled(self) -> list[PaymentRecord]:
        final = {"paid", "reversed", "not_charged"}
        return sorted((r for r in self.records if r.state not in final), key=lambda r: r.started_at)


def sample_journal() -> InMemoryJournal:
    return InMemoryJournal([DAY_BEFORE_LATE, *RECORDS], [*CLOSES_DAY_BEFORE, *CLOSES])
