"""The day's report as numbers: lines, totals by brand and fee type, reversals, the
reconciliation list, and the batch-window reconciliation with the terminal's closes."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from kiosk.core.payments.records import TerminalClose
from kiosk.core.payments.report import (
    IlsAck,
    MatchStatus,
    build_day_report,
    masked_bank_card,
    masked_library_card,
    report_from_journal,
)
from kiosk.core.vocabulary import FeeType

# The sample day lives with the renderers' tests; loaded by path because pytest's importlib
# mode only knows the test packages it has collected from.
_SAMPLES = Path(__file__).resolve().parents[3] / "backend_sync" / "payments" / "samples.py"
_spec = importlib.util.spec_from_file_location("payment_day_samples", _SAMPLES)
samples = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = samples
_spec.loader.exec_module(samples)
A, B, CLOSES, DAY, RECORDS = samples.A, samples.B, samples.CLOSES, samples.DAY, samples.RECORDS
at, posting, record, sample_journal = (
    samples.at,
    samples.posting,
    samples.record,
    samples.sample_journal,
)


def report():
    return report_from_journal(sample_journal(), DAY)


def test_every_payment_of_the_day_per_kiosk_oldest_first() -> None:
    r = report()
    assert [s.kiosk_id for s in r.kiosks] == [A, B]
    assert [line.payment_id for line in r.kiosks[0].lines] == [
        "p-1",
        "p-2",
        "p-3",
        "p-4",
        "p-5",
        "p-6",
    ]
    assert [line.payment_id for line in r.kiosks[1].lines] == ["p-7", "p-8"]
    assert "p-0" not in {line.payment_id for line in r.lines}  # the day before's


def test_a_line_carries_what_the_accountant_checks() -> None:
    line = report().kiosks[0].lines[0]
    assert line.library_card == "**********5678"
    assert line.bank_card == "************4242"
    assert line.fee_types == (FeeType.OVERDUE, FeeType.DAMAGE)
    assert (line.asked_cents, line.charged_cents, line.recorded_cents) == (1250, 1250, 1250)
    assert (line.trace_number, line.receipt_number) == (101, 11)
    assert line.ils_ack is IlsAck.RECORDED
    assert line.ils_transaction_ids == ("ILS-1001", "ILS-1002")


def test_ils_acknowledgement_per_line() -> None:
    acks = {line.payment_id: line.ils_ack for line in report().lines}
    assert acks["p-3"] is IlsAck.NONE  # declined at the terminal: nothing sent
    assert acks["p-4"] is IlsAck.REFUSED
    partly = record(
        "x",
        A,
        at(8, 0),
        "reversed",
        (posting(100, FeeType.OVERDUE), posting(50, FeeType.DAMAGE, False)),
    )
    assert build_day_report(DAY, [partly], []).lines[0].ils_ack is IlsAck.PARTLY


def test_totals_count_only_what_was_charged() -> None:
    r = report()
    assert r.charged_cents == 1250 + 120 + 50 + 300 + 500
    assert [(t.key, t.count, t.amount_cents) for t in r.by_brand] == [
        ("Maestro", 1, 500), ("Mastercard", 1, 120), ("Visa", 3, 1600),
    ]  # fmt: skip
    assert {t.key: t.amount_cents for t in r.by_fee_type} == {
        "administrative": 500, "damage": 1000, "overdue": 370, "rental": 200,
        "computer_access": 100, "hold_fee": 50,
    }  # fmt: skip
    assert sum(t.amount_cents for t in r.by_fee_type) == r.charged_cents
    assert r.kiosks[0].charged_cents == 1420
    assert r.kiosks[1].charged_cents == 800


def test_reversals_and_the_reconciliation_list() -> None:
    r = report()
    assert [line.payment_id for line in r.reversals] == ["p-4"]
    assert [line.payment_id for line in r.reconciliation_list] == ["p-5"]
    assert r.reconciliation_list[0].charged_cents == 0  # not counted until staff settle it


def test_the_reconciliation_list_includes_older_unsettled_payments() -> None:
    old = record(
        "p-old",
        B,
        at(16, 0, date(2026, 11, 20)),
        "to_staff",
        (posting(90, FeeType.OVERDUE),),
        trace=7,
        receipt=3,
    )
    journal = sample_journal()
    journal.records.append(old)
    listed = [line.payment_id for line in report_from_journal(journal, DAY).reconciliation_list]
    assert listed == ["p-old", "p-5"]


def test_an_unfinished_payment_is_on_the_list_too() -> None:
    busy = record(
        "p-9",
        B,
        at(15, 0),
        "posting_to_ils",
        (posting(90, FeeType.OVERDUE, False),),
        settled=False,
        trace=203,
        receipt=23,
    )
    r = build_day_report(DAY, [*RECORDS, busy], CLOSES)
    assert "p-9" in [line.payment_id for line in r.reconciliation_list]


def test_the_batch_window_carries_in_the_day_before_and_out_after_the_close() -> None:
    rec = report().kiosks[0].reconciliation
    assert rec.status is MatchStatus.MATCH
    assert (rec.charged_count, rec.charged_cents) == (3, 1670)
    assert (rec.terminal_count, rec.terminal_cents) == (3, 1670)
    assert rec.carried_in_cents == 300
    assert rec.carried_out_cents == 50
    assert rec.difference_cents == 0


def test_a_mismatch_is_shown_with_its_difference() -> None:
    r = report()
    rec = r.kiosks[1].reconciliation
    assert rec.status is MatchStatus.MISMATCH
    assert (rec.charged_cents, rec.terminal_cents, rec.difference_cents) == (800, 700, -100)
    assert r.mismatches == (rec,)
    assert not r.balanced


def test_a_count_mismatch_with_equal_sums_is_a_mismatch() -> None:
    closes = [CLOSES[0], replace(CLOSES[1], count=3, amount_cents=800)]
    rec = build_day_report(DAY, RECORDS, closes).kiosks[1].reconciliation
    assert rec.status is MatchStatus.MISMATCH
    assert rec.difference_cents == 0


def test_payments_without_a_close_are_not_reconciled_and_say_so() -> None:
    r = build_day_report(DAY, RECORDS, [CLOSES[0]])
    rec = r.kiosks[1].reconciliation
    assert rec.status is MatchStatus.NO_CLOSE
    assert rec.difference_cents == -800
    assert rec in r.mismatches


def test_two_closes_on_one_day_add_up() -> None:
    split = [
        TerminalClose(B, at(12, 0), 1, 300),
        TerminalClose(B, at(18, 0), 1, 500),
    ]
    rec = build_day_report(DAY, RECORDS, [CLOSES[0], *split]).kiosks[1].reconciliation
    assert rec.status is MatchStatus.MATCH
    assert len(rec.closes) == 2


def test_an_empty_day() -> None:
    r = build_day_report(DAY, [], [])
    assert r.kiosks == () and r.charged_cents == 0 and r.balanced


def test_a_close_without_payments_is_a_mismatch_when_it_counted_money() -> None:
    r = build_day_report(DAY, [], [TerminalClose(A, at(19, 0), 1, 250)])
    assert r.kiosks[0].reconciliation.status is MatchStatus.MISMATCH
    assert r.kiosks[0].reconciliation.difference_cents == 250


def test_records_of_another_day_are_ignored() -> None:
    r = build_day_report(date(2026, 11, 26), RECORDS, CLOSES)
    assert r.lines == ()


def test_card_numbers_are_masked_whatever_came_in() -> None:
    assert masked_bank_card("4111111111111111") == "************1111"
    assert masked_bank_card("4111 11** **** 1111") == "**** **** **** 1111"
    assert masked_bank_card("") == ""
    assert masked_library_card("2300012345678") == "*********5678"
    assert masked_library_card("****5678") == "****5678"
    leaky = replace(
        RECORDS[0], bank_card_masked="4242424242424242", library_card_masked="23000005678"
    )
    line = build_day_report(DAY, [leaky], []).lines[0]
    assert "424242" not in line.bank_card and "230000" not in line.library_card


def test_the_currency_comes_from_the_journal() -> None:
    assert report().currency == "EUR"
    assert build_day_report(DAY, [replace(RECORDS[0], currency="PLN")], []).currency == "PLN"
