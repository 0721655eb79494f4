"""The day's report as CSV for the accountant's spreadsheet: UTF-8 with a byte-order mark (so
Excel reads Lithuanian letters), semicolons between fields and a decimal comma in amounts
("12,50", no currency sign, so Excel takes it as a number), as Lithuanian Excel expects.

One file, sections one after another, each with its own heading row: payments, totals by card
brand and by fee type (per kiosk and for all), the reconciliation with the terminal, the
reversals and the reconciliation list. Pure: returns bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from backend_sync.payments import report_words as words
from kiosk.core.payments.report import DayReport, Total

BOM = "\ufeff"


def amount(cents: int) -> str:
    """12,50 / -1,00: decimal comma, no grouping, no currency (a number in Excel)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole},{part:02d}"


def render_csv(report: DayReport, library_name: str = "") -> bytes:
    out = io.StringIO()
    rows = _SafeWriter(csv.writer(out, delimiter=";", lineterminator="\r\n"))
    currency = f", {report.currency}"
    rows.writerow([words.TITLE, report.day.isoformat(), library_name])
    rows.writerow([])
    rows.writerow([words.SECTIONS["payments"]])
    rows.writerow(_money_headings(words.PAYMENT_HEADINGS, currency, (8, 9, 10)))
    rows.writerows(words.payment_row(line, amount) for line in report.lines)
    rows.writerow([])
    for key, per_kiosk, overall in (
        ("by_brand", lambda s: s.by_brand, report.by_brand),
        ("by_fee_type", lambda s: s.by_fee_type, report.by_fee_type),
    ):
        rows.writerow([words.SECTIONS[key]])
        rows.writerow(_money_headings(words.TOTAL_HEADINGS, currency, (3,)))
        for section in report.kiosks:
            rows.writerows(_total_rows(section.kiosk_id, per_kiosk(section), key))
        rows.writerows(_total_rows(words.ALL_KIOSKS, overall, key))
        rows.writerow([])
    rows.writerow([words.SECTIONS["reconciliation"]])
    rows.writerow(_money_headings(words.RECONCILIATION_HEADINGS, currency, (3, 5, 6, 7, 8)))
    rows.writerows(words.reconciliation_row(s.reconciliation, amount) for s in report.kiosks)
    rows.writerows([words.mismatch_sentence(rec, amount)] for rec in report.mismatches)
    for key, lines in (("reversals", report.reversals), ("to_staff", report.reconciliation_list)):
        rows.writerow([])
        rows.writerow([words.SECTIONS[key]])
        rows.writerow(_money_headings(words.PAYMENT_HEADINGS, currency, (8, 9, 10)))
        rows.writerows(words.payment_row(line, amount) for line in lines)
    return (BOM + out.getvalue()).encode("utf-8")


class _SafeWriter:
    """Text that a spreadsheet would run as a formula ("=…", "+…", "@…", "-x…") is written
    with a leading apostrophe: a reason text from a library system must not become a formula.
    Amounts ("-1,00") stay numbers."""

    def __init__(self, writer: Any) -> None:
        self.writer = writer

    def writerow(self, row: Iterable[str]) -> None:
        self.writer.writerow([_defused(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[str]]) -> None:
        for row in rows:
            self.writerow(row)


def _defused(cell: str) -> str:
    if cell[:1] in ("=", "+", "@", "\t", "\r") or (cell[:1] == "-" and not cell[1:2].isdigit()):
        return "'" + cell
    return cell


def _money_headings(headings: tuple[str, ...], currency: str, money: tuple[int, ...]) -> list[str]:
    return [h + currency if i in money else h for i, h in enumerate(headings)]


def _total_rows(kiosk: str, totals: tuple[Total, ...], key: str) -> list[list[str]]:
    name = words.fee_type_words if key == "by_fee_type" else str
    return [[kiosk, name(t.key), str(t.count), amount(t.amount_cents)] for t in totals]
