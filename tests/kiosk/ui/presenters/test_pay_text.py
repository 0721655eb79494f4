"""The payment screen's words without a window: every way a payment can end (every NotPaid
reason of the desk, sent to staff, paid) and every refusal of a choice has plain words in
all five languages; every outcome but "paid" and the two that send the patron to a
librarian says the card was not charged; the terminal's own text is shown as it came; the
stages read in order; amounts follow the language."""

from __future__ import annotations

from typing import get_args

import pytest

from kiosk.core.payments.fees import REFUSALS
from kiosk.core.payments.results import NotPaidWhy
from kiosk.i18n import KIOSK_LANGUAGES, Catalogs
from kiosk.ui.presenters.pay_text import (
    CHOICE_REFUSALS,
    OUTCOMES,
    fee_text,
    pay_texts,
    spoken,
    staff_row,
)
from kiosk.ui.presenters.pay_views import PayFeeLine, PayView, StaffPaymentLine
from kiosk.ui.presenters.text import Tone

CATALOGS = Catalogs()
EN, LT = CATALOGS.translator("en"), CATALOGS.translator("lt")
NOT_CHARGED = {
    "en": "not charged",
    "lt": "nenuskaičiuoti",
    "ru": "ничего не списано",
    "uk": "нічого не списано",
    "pl": "nic nie pobrano",
}


def test_every_desk_outcome_has_words() -> None:
    assert set(get_args(NotPaidWhy)) | {"paid", "to_staff", "failed"} == set(OUTCOMES)
    assert set(REFUSALS) == set(CHOICE_REFUSALS)


@pytest.mark.parametrize("language", KIOSK_LANGUAGES)
@pytest.mark.parametrize("outcome", sorted(OUTCOMES))
def test_each_outcome_reads_in_each_language(outcome: str, language: str) -> None:
    tr = CATALOGS.translator(language)
    view = PayView("outcome", amount_cents=1240, outcome=outcome, new_balance_cents=0,
                   reference="000017/0004")  # fmt: skip
    texts = pay_texts(view, tr)
    assert texts.title and texts.lines and all(line.strip() for line in texts.lines)
    if outcome == "paid":
        assert texts.tone is Tone.GOOD
    if outcome not in ("paid", "offline", "to_staff", "failed"):
        assert NOT_CHARGED[language] in texts.lines[0].lower()
    if outcome in ("to_staff", "failed", "paid"):
        assert any("000017/0004" in line for line in texts.lines)


@pytest.mark.parametrize("language", KIOSK_LANGUAGES)
@pytest.mark.parametrize("refusal", sorted(CHOICE_REFUSALS))
def test_each_refused_choice_reads_in_each_language(refusal: str, language: str) -> None:
    tr = CATALOGS.translator(language)
    view = PayView("choose", owed_cents=1240, refusal=refusal, minimum_cents=500)
    lines = pay_texts(view, tr).lines
    assert len(lines) == 2 and lines[-1].strip()
    if refusal == "below_minimum":
        assert tr.money(500) in lines[-1]


def test_the_stages_in_english() -> None:
    fees = (PayFeeLine("F1", "Metai", "overdue", 120, chosen=True),
            PayFeeLine("F2", "Delspinigiai: Šarūnas", "other_unknown", 300))  # fmt: skip
    choose = PayView("choose", fees, 420, can_choose=True)
    assert pay_texts(choose, EN).lines == (
        "You owe €4.20.", "Tap the fees you want to pay, or pay all.")  # fmt: skip
    assert fee_text(fees[0], EN) == "Late fee: Metai · €1.20"
    assert fee_text(fees[1], LT) == "Delspinigiai: Šarūnas · 3,00 €"  # as the ILS wrote it
    confirm = PayView("confirm", amount_cents=420)
    assert pay_texts(confirm, EN).lines[0] == "Amount to pay: €4.20"
    terminal = PayView("terminal", amount_cents=420, progress="terminal",
                       terminal_text="Karte einstecken")  # fmt: skip
    assert pay_texts(terminal, EN).lines == (
        "Amount to pay: €4.20", "Follow the instructions on the card terminal.",
        "Karte einstecken")  # fmt: skip
    recording = PayView("recording", amount_cents=420, progress="reversing",
                        terminal_text="Karte einstecken")  # fmt: skip
    assert pay_texts(recording, EN).lines[1] == "Giving the payment back to your card…"
    assert "Karte einstecken" not in spoken(recording, EN)
    paid = PayView("outcome", amount_cents=420, outcome="paid", new_balance_cents=180,
                   reference="000017/0004", receipt_done="printed")  # fmt: skip
    assert pay_texts(paid, EN).lines == (
        "Paid: €4.20", "You still owe €1.80.", "Payment reference: 000017/0004",
        "Take your receipt from the printer.")  # fmt: skip


def test_the_staff_list_in_english() -> None:
    line = StaffPaymentLine("12:05", "******0005", "************1111", 1240, "to_staff", "17/4")
    assert staff_row(line, EN) == ("12:05 · €12.40 · ******0005", "************1111 · 17/4",
                                   "To settle")  # fmt: skip
    view = PayView("staff", payments=(line,), close_count=2, close_cents=2480)
    assert pay_texts(view, EN).lines == (
        "0 card payments today · Total: €0.00",
        "End-of-day done: 2 payments, €24.80",
    )


@pytest.mark.parametrize("language", KIOSK_LANGUAGES)
def test_the_amount_keypad_reads_in_each_language(language: str) -> None:
    tr = CATALOGS.translator(language)
    view = PayView("amount", owed_cents=1240, minimum_cents=50, refusal="more_than_owed")
    texts = pay_texts(view, tr)
    english = pay_texts(view, EN)
    assert len(texts.lines) == 4 and all(line.strip() for line in texts.lines)
    assert tr.money(50) in texts.lines[1] and tr.money(1240) in texts.lines[1]
    if language != "en":  # translated, not the English msgid
        assert texts.title != english.title and texts.lines[1:] != english.lines[1:]
    assert english.lines[1:] == (
        "You can pay from €0.50 to €12.40.",
        "Type the amount: the last two digits are the cents.",
        "That is more than you owe.",
    )


def test_the_banks_own_text_follows_our_sentence() -> None:
    view = PayView("outcome", outcome="declined", detail="51 NO FUNDS")
    lines = pay_texts(view, LT).lines
    assert "nenuskaičiuoti" in lines[0] and lines[-1] == "51 NO FUNDS"
