"""The PDF, read back with a real PDF parser (pypdf): Lithuanian letters, the totals, the
mismatch sentence; and a clear refusal when the font is missing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from backend_sync.payments.report_pdf import ReportFontMissing, render_pdf
from kiosk.core.payments.report import build_day_report, report_from_journal
from kiosk.i18n import Catalogs
from tests.backend_sync.payments.samples import ALL_LETTERS, DAY, sample_journal

MONEY = Catalogs().translator("lt").money


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture(scope="module")
def text() -> str:
    report = report_from_journal(sample_journal(), DAY)
    data = render_pdf(report, MONEY, library_name="Šiaulių apskrities viešoji biblioteka")
    assert data.startswith(b"%PDF-")
    return pdf_text(data)


def test_lithuanian_letters_survive(text: str) -> None:
    for letter in ALL_LETTERS + ALL_LETTERS.upper()[5]:  # and a capital Š
        assert letter in text, letter
    assert "Šiaulių apskrities viešoji biblioteka" in text
    assert "Mokėjimų kortele dienos ataskaita: 2026-11-25" in text


def test_the_totals_are_there_in_euros(text: str) -> None:
    assert "Iš viso: 22,20 €" in text
    assert "Iš viso Visa 3 16,00 €" in text
    assert "Iš viso Delspinigiai 2 3,70 €" in text
    assert "12,50 €" in text


def test_the_mismatch_is_a_sentence_of_its_own(text: str) -> None:
    assert (
        "NESUTAMPA: kioskas šilainiai: terminalas 2 / 7,00 €, kioskas 2 / 8,00 €, skirtumas -1,00 €"
    ) in text
    assert "centras Sutampa 3 16,70 € 3 16,70 € 0,00 €" in text


def test_cards_are_masked_and_payments_listed(text: str) -> None:
    assert "************4242" in text
    assert "4242424242424242" not in text
    for pid in ("p-1", "p-4", "p-5", "p-8"):
        assert pid in text


def test_an_empty_day_is_a_valid_pdf() -> None:
    text = pdf_text(render_pdf(build_day_report(DAY, [], []), MONEY))
    assert "Iš viso: 0,00 €" in text


def test_a_missing_font_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ReportFontMissing, match="fonts-dejavu-core"):
        render_pdf(build_day_report(DAY, [], []), MONEY, font=tmp_path / "DejaVuSans.ttf")
