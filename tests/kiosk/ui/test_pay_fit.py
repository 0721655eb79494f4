"""The payment screens in all five languages, portrait and landscape, with large text and high
contrast too: no text overflows its box and every button stays a 15 mm target (reachable from
a wheelchair like the other screens), with long, realistic Lithuanian fee descriptions. Uses
the checks of test_fit.py."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.ui.presenters.pay_views import PayFeeLine, PayView, StaffPaymentLine
from kiosk.ui.presenters.views import AccountView, FineLine, Screen, UiState
from tests.kiosk.ui.test_fit import overflowing, overfull_boxes, small_buttons

LONG = "Sugadinta knyga: Lietuvių kalbos vadovas: rašyba, skyryba ir kirčiavimas (su diskais)"
FEES = tuple(
    PayFeeLine(f"F{n:04d}", LONG if n % 2 else "Delspinigiai: Šarūnas", "other_unknown",
               n * 1234, chosen=n == 1)
    for n in range(1, 7)
)  # fmt: skip
BASE = PayView("choose", FEES, 25914, True, refusal="below_minimum", minimum_cents=500)
STAFF = tuple(
    StaffPaymentLine(f"1{n}:05", "******0005", "************1111", 1240, state, "000012/0034")
    for n, state in enumerate(("paid", "reversed", "to_staff", "not_charged", "paid", "paid"))
)
VIEWS = {
    "account-offered": UiState(Screen.ACCOUNT, AccountView(
        "Gintarė Čepulienė", fines=(FineLine(LONG, 940), FineLine("Delspinigiai", 300)),
        payment="offered")),
    "account-offline": UiState(Screen.ACCOUNT, AccountView(
        "Gintarė Čepulienė", fines=(FineLine(LONG, 940),), payment="offline")),
    "choose": UiState(Screen.PAY, BASE),
    "choose-amount": UiState(Screen.PAY, replace(BASE, can_type_amount=True, refusal="")),
    "amount": UiState(Screen.PAY, replace(BASE, stage="amount", can_type_amount=True)),
    "amount-more": UiState(Screen.PAY, replace(BASE, stage="amount", refusal="more_than_owed")),
    "loading": UiState(Screen.PAY, PayView("loading")),
    "confirm": UiState(Screen.PAY, PayView("confirm", FEES, 25914, True, amount_cents=25914)),
    "terminal": UiState(Screen.PAY, PayView("terminal", amount_cents=25914,
                                            progress="terminal",
                                            terminal_text="Bitte Karte einstecken oder vorhalten")),
    "recording": UiState(Screen.PAY, PayView("recording", amount_cents=25914,
                                             progress="recording")),
    "paid": UiState(Screen.PAY, PayView("outcome", amount_cents=25914, outcome="paid",
                                        new_balance_cents=1234, reference="000012/0034",
                                        receipt_choices=("print", "email", "none"),
                                        spoken_receipt="Kvitas")),
    "paid-printed": UiState(Screen.PAY, PayView("outcome", amount_cents=25914, outcome="paid",
                                                new_balance_cents=0, reference="000012/0034",
                                                receipt_done="printed")),
    **{
        why: UiState(Screen.PAY, PayView("outcome", amount_cents=25914, outcome=why,
                                         reference="000012/0034"))
        for why in ("declined", "aborted", "card", "busy", "terminal_unavailable",
                    "library_refused", "offline", "to_staff", "failed")
    },
    "staff": UiState(Screen.PAY, PayView("staff", payments=STAFF, close_count=12,
                                         close_cents=148800)),
    "staff-failed": UiState(Screen.PAY, PayView("staff", payments=STAFF, close_failed=True)),
    "closing": UiState(Screen.PAY, PayView("closing", payments=STAFF)),
}  # fmt: skip


def problems_of(h, language: str, landscape: bool, large: bool) -> list:
    h.window.size = (1920, 1080) if landscape else (1080, 1920)
    h.app._resized(h.window, *h.window.size)
    h.app.set_language(language)
    problems = []
    for name, state in VIEWS.items():
        h.app.show(state)
        if large:
            for switch in ("large_text", "contrast"):
                if not h.app.switches[switch]:
                    h.app.toggle(switch)
        h.settle()
        for layer in [h.root, *[c for c in h.window.children if c is not h.root]]:
            problems += [(name, "overflow", *bad) for bad in overflowing(layer)]
            problems += [(name, "overfull", *bad) for bad in overfull_boxes(layer)]
            minimum = h.app.theme.min_target - 1
            problems += [(name, "small", *bad) for bad in small_buttons(layer, minimum)]
    return problems


@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
@pytest.mark.parametrize("language", ["lt", "en", "ru", "uk", "pl"])
def test_every_payment_screen_fits(harness, language: str, landscape: bool) -> None:
    problems = problems_of(harness, language, landscape, large=False)
    assert not problems, problems[:6]


@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
@pytest.mark.parametrize("language", ["lt", "pl"])
def test_payment_screens_fit_with_large_text(harness, language: str, landscape: bool) -> None:
    problems = problems_of(harness, language, landscape, large=True)
    assert not problems, problems[:6]


def test_the_payment_screen_speaks_the_amount_the_instruction_and_the_outcome(harness) -> None:
    h = harness
    h.app.set_language("en")
    h.app.toggle("speech")
    for state in (VIEWS["confirm"], VIEWS["terminal"], VIEWS["recording"], VIEWS["paid"]):
        h.app.show(state)
        h.settle()
    heard = h.speaker.heard()
    for said in ("Amount to pay: €259.14", "Follow the instructions on the card terminal.",
                 "Bitte Karte einstecken oder vorhalten", "The library system is recording",
                 "Paid. Thank you!", "You still owe €12.34."):  # fmt: skip
        assert said in heard
