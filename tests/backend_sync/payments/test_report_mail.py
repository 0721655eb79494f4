"""The report's text (e-mail body, `kiosk payments report` without a format) and the
message: Lithuanian plural forms, every mismatch and reconciliation-list payment named."""

from __future__ import annotations

import pytest

from backend_sync.payments.report_mail import attachment, report_message, summary
from backend_sync.payments.report_words import payments_count
from kiosk.core.payments.report import build_day_report, report_from_journal
from kiosk.i18n import Catalogs
from tests.backend_sync.payments.samples import (
    CLOSES,
    CLOSES_DAY_BEFORE,
    DAY,
    DAY_BEFORE_LATE,
    RECORDS,
    sample_journal,
)

MONEY = Catalogs().translator("lt").money


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1 mokėjimas"), (2, "2 mokėjimai"), (9, "9 mokėjimai"), (10, "10 mokėjimų"),
     (11, "11 mokėjimų"), (15, "15 mokėjimų"), (21, "21 mokėjimas"), (22, "22 mokėjimai"),
     (0, "0 mokėjimų"), (111, "111 mokėjimų")],
)  # fmt: skip
def test_lithuanian_plural_forms(n: int, text: str) -> None:
    assert payments_count(n) == text


def test_the_text_names_totals_mismatches_reversals_and_the_list() -> None:
    text = summary(report_from_journal(sample_journal(), DAY), MONEY, "Biblioteka")
    assert "Iš viso: 22,20 € (mokėjimų: 8, apmokėta: 5)" in text
    assert "centras: 14,20 €; su terminalu: Sutampa (kioskas 3 / 16,70 €" in text
    assert "NESUTAMPA: kioskas šilainiai: terminalas 2 / 7,00 €, kioskas 2 / 8,00 €" in text
    assert "Atšaukta: 1 mokėjimas (15,00 €)" in text
    assert "Sutikrinimo sąraše: 1 mokėjimas" in text
    assert "p-5 3,00 €, trace 104, čekis 14: Ryšys nutrūko" in text


def test_a_balanced_day_has_a_plain_subject() -> None:
    balanced = [c for c in CLOSES if c.kiosk_id == "centras"]
    centras = [r for r in RECORDS if r.kiosk_id == "centras"]
    report = build_day_report(
        DAY, centras, balanced, day_before=[DAY_BEFORE_LATE], closes_day_before=CLOSES_DAY_BEFORE
    )
    assert report.balanced
    message = report_message(report, "csv", MONEY, to=["a@b.lt", "c@d.lt"], from_address="k@b.lt")
    assert message["Subject"] == "Mokėjimų ataskaita 2026-11-25"
    assert message["To"] == "a@b.lt, c@d.lt"


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="pdf or csv"):
        attachment(build_day_report(DAY, [], []), "xlsx", MONEY)
