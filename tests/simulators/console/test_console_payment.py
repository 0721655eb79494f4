"""The console's panel for the card payment terminal simulator (simulators/payment/app.py): the
page lists its actions (fault, card, nak …) and its state; the forms change the running
simulator of the demo fleet through its control API; bad input is reported and changes
nothing (an unknown fault, NAK on a terminal without a serial pty)."""

from __future__ import annotations

import urllib.request

import pytest

from simulators.console.actions import ACTIONS
from simulators.models.payment_terminal import FAULTS
from tests.simulators.console.test_console_http import post

pytestmark = pytest.mark.timeout(60)


def page(url: str) -> str:
    with urllib.request.urlopen(url + "/", timeout=10) as response:
        return response.read().decode()


@pytest.fixture
def terminal(rig):
    control = rig.control("payment")
    control.call("fault", name="approve")
    control.call("card")
    yield control
    control.call("fault", name="approve")
    control.call("card")


def test_the_page_lists_the_terminals_actions(rig, terminal) -> None:
    html = page(rig.url)
    assert '<section id="payment">' in html and 'id="payment-state"' in html
    for action in ("fault", "clear", "card", "nak", "drop", "journal", "totals"):
        assert f'action="/act/payment/{action}"' in html
        assert f'value="payment/{action}"' in html  # and in "any control action"
    for fault in FAULTS:
        assert f'<option value="{fault}">' in html
    assert set(ACTIONS["payment"]) >= {"fault", "card", "nak"}
    assert "none (approves)" in html


def test_the_forms_arm_a_fault_and_insert_a_card(rig, terminal) -> None:
    assert post(rig.url + "/act/payment/fault", name="decline", count="2") == 200
    assert terminal.call("status")["faults"] == {"decline": 2}
    assert "<code>decline=2</code>" in page(rig.url)
    assert post(rig.url + "/act/payment/fault", name="end_of_day_needed", count="0") == 200
    assert "end-of-day needed" in page(rig.url)
    post(rig.url + "/act/payment/card", brand="Mastercard", card_type="6",
         pan="5555555555554444")  # fmt: skip
    assert terminal.call("status")["card"] == "Mastercard"
    post(rig.url + "/act/payment/clear")
    assert terminal.call("status")["faults"] == {}


def test_bad_input_is_reported_and_changes_nothing(rig, terminal) -> None:
    post(rig.url + "/act/payment/fault", name="melt", count="1")
    assert "failed: " in rig.console.log[0]["result"] and "unknown fault" in str(
        rig.console.log[0]["result"]
    )
    post(rig.url + "/act/payment/fault", name="decline", count="many")
    assert "count: 'many' is not a valid int" in rig.console.log[0]["result"]
    post(rig.url + "/act/payment/nak", frames="2")  # the demo terminal speaks TCP only
    assert "no serial pty" in rig.console.log[0]["result"]
    assert terminal.call("status")["faults"] == {}
