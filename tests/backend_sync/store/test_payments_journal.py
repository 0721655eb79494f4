"""The SQLite payment journal: durable settings (WAL, synchronous=FULL), one row per payment
replaced on every write, the readers the report and the staff screen use, terminal closes,
a reopened file, and a row it cannot read."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

import pytest
from sqlalchemy import text

from backend_sync.store.payments_journal import SqlitePaymentJournal
from kiosk.core.payments.fees import Allocation, Posting
from kiosk.core.payments.journal import JournalEntry
from kiosk.core.payments.journal_codec import JournalFormatError
from kiosk.core.payments.records import BrandCount, TerminalClose
from kiosk.core.payments.saga import PaymentHold, State, begin
from kiosk.core.payments.terminal import Approved
from kiosk.core.vocabulary import FeeType

DAY = date(2026, 11, 25)
APPROVAL = Approved(41, 7, 1240, "************1111", "Visa", "000041", "52500001",
                    ("PAYMENT", "Visa"), ("MERCHANT",))  # fmt: skip


def entry(payment_id: str, state: State, hour: int = 12, **kw) -> JournalEntry:
    allocation = Allocation((Posting(300, FeeType.OVERDUE, "F0001", "Delspinigiai"),
                             Posting(940, FeeType.DAMAGE, "F0002")), 1240)  # fmt: skip
    saga = begin(payment_id, "2100000005", PaymentHold.REVERSAL, allocation)
    from dataclasses import replace

    saga = replace(saga, state=state, approval=APPROVAL, recorded_cents=kw.pop("recorded", 0))
    return JournalEntry(saga, "kiosk-1", "EUR", datetime(2026, 11, 25, hour), **kw)


@pytest.fixture
def journal(tmp_path):
    j = SqlitePaymentJournal.open(tmp_path / "var" / "payments.sqlite")
    yield j
    j.close()


def test_durable_settings(journal) -> None:
    with journal.engine.connect() as db:
        assert db.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_an_entry_round_trips_and_is_replaced(journal) -> None:
    first = entry("p1", State.WRITTEN_AHEAD)
    asyncio.run(journal.write(first))
    assert journal.entry("p1") == first
    later = entry("p1", State.PAID, recorded=1240, settled_at=datetime(2026, 11, 25, 12, 1),
                  ils_ids=("a", "b"), sold=True)  # fmt: skip
    asyncio.run(journal.write(later))
    assert journal.entry("p1") == later
    (record,) = journal.payments_on(DAY)
    assert record.state == "paid" and record.charged_cents == 1240
    assert [(p.fee_id, p.recorded, p.ils_transaction_id) for p in record.postings] == [
        ("F0001", True, "a"), ("F0002", True, "b")]  # fmt: skip
    assert record.library_card_masked.endswith("0005") and "2100" not in record.library_card_masked
    assert (record.trace_number, record.receipt_number, record.card_brand) == (41, 7, "Visa")


def test_readers_by_day_open_and_unsettled(journal) -> None:
    rows = [entry("late", State.PAID, 15, recorded=1240, sold=True),
            entry("early", State.POSTING, 9),
            entry("staff", State.TO_STAFF, 10, recorded=300, told_staff=True),
            entry("untold", State.TO_STAFF, 11),
            entry("gone", State.REVERSED, 13)]  # fmt: skip
    for row in rows:
        journal.write_now(row)
    assert [r.payment_id for r in journal.payments_on(DAY)] == ["early", "staff", "untold",
                                                                "gone", "late"]  # fmt: skip
    assert journal.payments_on(date(2026, 11, 26)) == []
    assert [e.saga.payment_id for e in journal.open_entries_now()] == ["early", "untold"]
    assert [r.payment_id for r in journal.unsettled()] == ["early", "staff", "untold"]
    partly = journal.payments_on(DAY)[1]
    assert [p.recorded for p in partly.postings] == [True, False]
    assert journal.state_counts() == {"paid": 1, "posting_to_ils": 1, "to_staff": 2,
                                      "reversed": 1}  # fmt: skip


def test_terminal_closes(journal) -> None:
    close = TerminalClose("kiosk-1", datetime(2026, 11, 25, 22), 2, 1540,
                          (BrandCount("Visa", 2, 1540),))  # fmt: skip
    asyncio.run(journal.write_close(close))
    assert journal.closes_on(DAY) == [close]
    assert journal.closes_on(date(2026, 11, 24)) == []


def test_survives_a_reopen(tmp_path) -> None:
    path = tmp_path / "payments.sqlite"
    first = SqlitePaymentJournal.open(path)
    first.write_now(entry("p1", State.AUTHORISED))
    first.close()
    again = SqlitePaymentJournal.open(path)
    assert again.entry("p1").saga.state is State.AUTHORISED
    again.close()


def test_a_row_it_cannot_read_is_named(journal) -> None:
    journal.write_now(entry("p1", State.PAID))
    with journal.engine.begin() as db:
        db.execute(text("UPDATE payments SET data = '{\"version\": 1}'"))
    with pytest.raises(JournalFormatError, match="unreadable journal row"):
        journal.payments_on(DAY)
    with journal.engine.begin() as db:
        db.execute(text("UPDATE payments SET data = '{\"version\": 9}'"))
    with pytest.raises(JournalFormatError, match="version 9"):
        journal.entry("p1")


def test_no_pin_and_no_full_bank_card_on_disk(journal, tmp_path) -> None:
    journal.write_now(entry("p1", State.PAID))
    journal.close()
    raw = b"".join(p.read_bytes() for p in (tmp_path / "var").iterdir())
    assert b"4111111111111111" not in raw and b"5678" not in raw
