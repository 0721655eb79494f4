"""The day's report as a PDF (fpdf2, wrapped here only): A4 landscape, DejaVu Sans so every
Lithuanian letter renders, money as "12,50 €". The reconciliation with the terminal comes
first after the totals, and every mismatch is also written as a sentence in bold, so it
cannot be overlooked.

The font comes from the Debian package fonts-dejavu-core; without it the renderer refuses
with ReportFontMissing naming the file and the package. Returns bytes; writes no file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF

from backend_sync.payments import report_words as words
from kiosk.core.payments.report import DayReport, Total

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT = "DejaVu"
# millimetres; each table spans the 277 mm between the margins of A4 landscape
PAYMENT_WIDTHS = (16, 20, 14, 20, 22, 15, 20, 26, 14, 14, 14, 11, 10, 15, 16, 30)
KIOSK_PAYMENT_WIDTHS = (16, 16, 22, 24, 17, 22, 30, 15, 15, 15, 12, 10, 16, 18, 29)
TOTAL_WIDTHS = (50, 90, 25, 30)
RECONCILIATION_WIDTHS = (24, 34, 20, 20, 20, 20, 26, 24, 26, 63)


class ReportFontMissing(Exception):
    """The PDF needs a font that covers Lithuanian letters, and it is not there."""


def render_pdf(
    report: DayReport,
    money: words.Amount,
    *,
    library_name: str = "",
    font: Path = DEJAVU,
) -> bytes:
    pdf = _document(font)
    pdf.set_font(FONT, "B", 14)
    pdf.cell(0, 8, f"{words.TITLE}: {report.day.isoformat()}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    if library_name:
        pdf.cell(0, 6, library_name, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(
        0, 6, f"{words.ALL_KIOSKS}: {money(report.charged_cents)}", new_x="LMARGIN", new_y="NEXT"
    )

    _heading(pdf, words.SECTIONS["reconciliation"])
    for rec in report.mismatches:
        pdf.set_font(FONT, "B", 10)
        pdf.set_text_color(180, 0, 0)
        pdf.multi_cell(0, 6, words.mismatch_sentence(rec, money), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    rows = [words.reconciliation_row(s.reconciliation, money) for s in report.kiosks]
    _table(pdf, words.RECONCILIATION_HEADINGS, rows, RECONCILIATION_WIDTHS)

    for key, per_kiosk, overall in (
        ("by_brand", lambda s: s.by_brand, report.by_brand),
        ("by_fee_type", lambda s: s.by_fee_type, report.by_fee_type),
    ):
        _heading(pdf, words.SECTIONS[key])
        rows = [
            row for s in report.kiosks for row in _total_rows(s.kiosk_id, per_kiosk(s), key, money)
        ]
        rows += _total_rows(words.ALL_KIOSKS, overall, key, money)
        _table(pdf, words.TOTAL_HEADINGS, rows, TOTAL_WIDTHS)

    for section in report.kiosks:
        _heading(pdf, f"{words.SECTIONS['payments']}: {section.kiosk_id}")
        rows = [  # the kiosk is in the heading, the day in the title: the time is enough
            [line.at.strftime("%H:%M"), *words.payment_row(line, money)[2:]]
            for line in section.lines
        ]
        _table(pdf, words.PAYMENT_HEADINGS[1:], rows, KIOSK_PAYMENT_WIDTHS, size=6.5)
    for key, lines in (("reversals", report.reversals), ("to_staff", report.reconciliation_list)):
        _heading(pdf, words.SECTIONS[key])
        rows = [words.payment_row(line, money) for line in lines]
        _table(pdf, words.PAYMENT_HEADINGS, rows, PAYMENT_WIDTHS, size=6.5)
    return bytes(pdf.output())


def _document(font: Path) -> FPDF:
    if not font.is_file():
        raise ReportFontMissing(
            f"the PDF report needs the font {font}; install the Debian package "
            "fonts-dejavu-core (scripts/install does), or use the CSV report"
        )
    bold = font.with_name(font.stem + "-Bold" + font.suffix)
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_font(FONT, "", str(font))
    pdf.add_font(FONT, "B", str(bold if bold.is_file() else font))
    pdf.add_page()
    return pdf


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 8)


def _table(
    pdf: FPDF,
    headings: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    size: float = 8,
) -> None:
    pdf.set_font(FONT, "", size)
    with pdf.table(
        col_widths=tuple(widths), width=sum(widths), align="LEFT", text_align="LEFT"
    ) as table:
        for row in [headings, *rows]:
            cells = table.row()
            for text in row:
                cells.cell(text)


def _total_rows(kiosk: str, totals: tuple[Total, ...], key: str, money: words.Amount) -> list:
    name = words.fee_type_words if key == "by_fee_type" else str
    return [[kiosk, name(t.key), str(t.count), money(t.amount_cents)] for t in totals]
