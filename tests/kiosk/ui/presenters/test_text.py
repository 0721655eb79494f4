"""Screen wording without a window: every status has a word (never colour alone), every
refusal code has plain words in every language, counts use plural forms, money and dates
follow the language."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.i18n import KIOSK_LANGUAGES, Catalogs
from kiosk.ui.presenters import text
from kiosk.ui.presenters.views import (
    AccountView,
    FineLine,
    HoldLine,
    ItemLine,
    LineStatus,
    LoanLine,
)

CATALOGS = Catalogs()
LT = CATALOGS.translator("lt")
EN = CATALOGS.translator("en")
DAY = date(2026, 12, 16)


@pytest.mark.parametrize("status", list(LineStatus))
@pytest.mark.parametrize("language", KIOSK_LANGUAGES)
def test_every_item_status_has_a_word(status: LineStatus, language: str) -> None:
    row = text.item_row(
        ItemLine("1", "Metai", status, DAY, reason="on_hold"), CATALOGS.translator(language)
    )
    assert row.title == "Metai"
    assert row.status.strip()


@pytest.mark.parametrize("table", [text.REFUSALS, text.IDENTIFY_ERRORS, text.PICKUP_ERRORS])
@pytest.mark.parametrize("language", ["lt", "ru", "uk", "pl"])
def test_every_reason_code_reads_as_plain_words(table: dict, language: str) -> None:
    texts = CATALOGS.translator(language)
    for message in table.values():
        assert texts.gettext(message) != message


def test_borrowed_line_shows_the_due_date_in_words() -> None:
    row = text.item_row(ItemLine("1", "Metai", LineStatus.BORROWED, DAY), LT)
    assert row == text.RowText(
        "Metai", "Grąžinti iki 2026 m. gruodžio 16 d.", "Paimta", text.Tone.GOOD
    )


def test_refused_line_gives_the_reason_and_unknown_codes_send_to_a_librarian() -> None:
    refused = text.item_row(ItemLine("1", "Metai", LineStatus.REFUSED, reason="fines"), EN)
    assert refused.detail.startswith("Your fines are over the limit")
    assert refused.tone is text.Tone.BAD
    odd = text.item_row(ItemLine("1", "Metai", LineStatus.REFUSED, reason="???"), EN)
    assert odd.detail == "Please see a librarian."


def test_sets_waiting_for_parts_count_them() -> None:
    line = ItemLine("1", "Kalbos vadovas", LineStatus.WAITING_PARTS, parts_present=1, parts_total=3)
    assert text.item_row(line, LT).detail == "Padėkite visas komplekto dalis: 1 iš 3"


def test_return_sort_instruction() -> None:
    assert text.sort_instruction("", EN) == "Put it in the return box."
    assert text.sort_instruction("B3", EN) == "Put it on shelf B3."


def test_account_overdue_renewed_refused_and_holds_ready_first() -> None:
    view = AccountView(
        "Rūta",
        (
            LoanLine("1", "A", DAY, overdue=True),
            LoanLine("2", "B", DAY, renewed=True),
            LoanLine("3", "C", DAY, refusal="not_renewable"),
        ),
        (HoldLine("Waiting", False, position=2), HoldLine("Ready", True, "Knygomatas", DAY)),
        (FineLine("Delspinigiai", 120), FineLine("Kortelė", 250)),
    )
    assert [text.loan_row(loan, EN).status for loan in view.loans] == [
        "Overdue",
        "Renewed",
        "Not renewed",
    ]
    assert [loan.renewable for loan in view.loans] == [True, False, False]
    assert [hold.title for hold in view.holds_ready_first()] == ["Ready", "Waiting"]
    ready = text.hold_row(view.holds_ready_first()[0], EN)
    assert ready.detail == "Collect at: Knygomatas, until 16 December 2026"
    assert text.fines_total(view, LT) == "Iš viso mokėti: 3,70 €"
    assert text.account_summary(view, LT) == "3 paskolos · 2 rezervacijos"
    assert text.fines_total(AccountView("x"), EN) == "No fines"


def test_session_summary_and_countdown_use_plural_forms() -> None:
    assert text.session_summary(1, 0, 12, LT) == "1 leidinys paimtas · 12 leidinių pratęsta"
    assert text.session_summary(0, 0, 0, EN) == ""
    assert text.countdown(1, EN) == "Your session ends in 1 second."
    assert text.countdown(5, CATALOGS.translator("ru")) == "Сеанс завершится через 5 секунд."
    assert text.more_items(2, CATALOGS.translator("pl")) == "…i jeszcze 2 egzemplarze"
