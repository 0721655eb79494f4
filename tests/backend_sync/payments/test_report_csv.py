"""The CSV for Lithuanian Excel: BOM, semicolons, decimal comma, every section, no formula."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from backend_sync.payments.report_csv import amount, render_csv
from kiosk.core.payments.report import build_day_report, report_from_journal
from tests.backend_sync.payments.samples import (
    ALL_LETTERS,
    DAY,
    RECORDS,
    STAFF_REASON,
    sample_journal,
)


def rows() -> list[list[str]]:
    data = render_csv(report_from_journal(sample_journal(), DAY), "Šiaulių biblioteka")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel looks for
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def section(all_rows: list[list[str]], title: str) -> list[list[str]]:
    start = next(i for i, row in enumerate(all_rows) if row and row[0].startswith(title))
    end = next((i for i in range(start, len(all_rows)) if not all_rows[i]), len(all_rows))
    return all_rows[start + 1 : end]


def test_amounts_use_a_decimal_comma_and_no_currency_sign() -> None:
    assert [amount(c) for c in (0, 5, 1250, 123456, -100)] == [
        "0,00", "0,05", "12,50", "1234,56", "-1,00",
    ]  # fmt: skip


def test_every_payment_line_with_masked_cards_and_numbers() -> None:
    table = section(rows(), "Mokėjimai")
    header, lines = table[0], table[1:]
    assert header[0] == "Kioskas" and "Prašyta, EUR" in header
    assert [line[2] for line in lines] == [f"p-{n}" for n in range(1, 9)]
    first = dict(zip(header, lines[0], strict=True))
    assert first["Banko kortelė"] == "************4242"
    assert first["Skaitytojo pažymėjimas"] == "**********5678"
    assert first["Nuskaičiuota, EUR"] == "12,50"
    assert first["Mokesčių rūšys"] == "Delspinigiai, Sugadintas leidinys"
    assert (first["Trace nr."], first["Čekio nr."]) == ("101", "11")
    assert first["Bibliotekos operacijos"] == "ILS-1001, ILS-1002"
    reasons = {line[2]: line[-1] for line in lines}
    assert reasons["p-5"] == STAFF_REASON  # the semicolon inside is quoted, not a new field
    assert all(letter in "".join(reasons.values()) for letter in ALL_LETTERS)


def test_totals_by_brand_and_fee_type() -> None:
    all_rows = rows()
    brands = section(all_rows, "Sumos pagal kortelės tipą")
    assert ["Iš viso", "Visa", "3", "16,00"] in brands
    fees = section(all_rows, "Sumos pagal mokesčio rūšį")
    assert ["Iš viso", "Delspinigiai", "2", "3,70"] in fees
    assert ["šilainiai", "Naudojimasis kompiuteriu", "1", "1,00"] in fees


def test_the_reconciliation_shows_the_mismatch_and_its_difference() -> None:
    table = section(rows(), "Sutikrinimas")
    assert table[1][:9] == [
        "centras",
        "Sutampa",
        "3",
        "16,70",
        "3",
        "16,70",
        "0,00",
        "3,00",
        "0,50",
    ]
    assert table[2][:7] == ["šilainiai", "NESUTAMPA", "2", "8,00", "2", "7,00", "-1,00"]
    assert table[3] == [
        "NESUTAMPA: kioskas šilainiai: terminalas 2 / 7,00, kioskas 2 / 8,00, skirtumas -1,00"
    ]


def test_reversals_and_the_reconciliation_list() -> None:
    all_rows = rows()
    assert [r[2] for r in section(all_rows, "Atšaukti")[1:]] == ["p-4"]
    assert [r[2] for r in section(all_rows, "Sutikrinimo sąrašas")[1:]] == ["p-5"]


def test_a_text_that_looks_like_a_formula_stays_text() -> None:
    evil = replace(RECORDS[2], reason='=HYPERLINK("http://x","y")')
    data = render_csv(build_day_report(DAY, [evil], [])).decode("utf-8-sig")
    assert "'=HYPERLINK" in data
