"""The real ZvtTerminal against the wire simulator: TCP loopback and a pty, every fault."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from datetime import datetime

import pytest

from device_drivers.payment.zvt_session import Timeouts
from device_drivers.payment.zvt_terminal import ZvtTerminal
from kiosk.core.payments.terminal import (
    Aborted,
    Approved,
    Declined,
    EndOfDay,
    OutcomeUnknown,
    PaymentRequest,
)
from simulators.control import ControlClient
from simulators.models.payment_terminal import PaymentTerminalModel, Timings
from simulators.payment.app import PaymentSimulator

NO_DELAYS = Timings(0, 0, 0, 0.05)
FIXED = datetime(2025, 3, 4, 10, 30, 0)


@pytest.fixture
def sim() -> Iterator[PaymentSimulator]:
    model = PaymentTerminalModel(password=123456, clock=lambda: FIXED)
    with PaymentSimulator(model, timings=NO_DELAYS, serial_pty=True) as simulator:
        yield simulator


def terminal(url: str, **kw: object) -> ZvtTerminal:
    return ZvtTerminal(url, password=123456, timeouts=Timeouts(ack_s=1.0, completion_s=3.0), **kw)


@pytest.mark.parametrize("over", ["tcp", "pty"])
def test_payment_status_reversal_end_of_day(sim: PaymentSimulator, over: str) -> None:
    url = sim.tcp_url if over == "tcp" else sim.pty_path

    async def run() -> tuple:
        t = terminal(url)
        shown: list = []
        status = await t.status()
        paid = await t.authorise(PaymentRequest(750), shown.append)
        other = await t.authorise(PaymentRequest(250))
        reversed_ = await t.reverse(other.receipt_number)
        again = await t.reverse(other.receipt_number)
        day = await t.end_of_day()
        await t.close()
        return status, paid, shown, other, reversed_, again, day

    status, paid, shown, other, reversed_, again, day = asyncio.run(run())
    assert status.ready
    assert isinstance(paid, Approved) and paid.amount_cents == 750
    assert paid.masked_card == "************1111" and paid.terminal_id == "52500001"
    assert "EUR 7.50" in paid.receipt_lines and paid.merchant_lines
    assert [s.text for s in shown] == ["Insert card", "Waiting for the bank"]
    assert isinstance(reversed_, Approved)
    assert isinstance(again, Declined) and again.result_code == 0xB4
    assert isinstance(day, EndOfDay) and (day.count, day.amount_cents) == (1, 750)
    states = {e["receipt"]: e["state"] for e in sim.model.journal()}
    assert states == {paid.receipt_number: "approved", other.receipt_number: "reversed"}


def test_serial_naks_are_repeated(sim: PaymentSimulator) -> None:
    sim.nak({"frames": 2})
    t = terminal(sim.pty_path)
    paid = asyncio.run(t.authorise(PaymentRequest(100)))
    assert isinstance(paid, Approved)
    assert sim.pty.link.nak_frames == 0


def test_pre_authorisation_then_book_and_release(sim: PaymentSimulator) -> None:
    async def run() -> tuple:
        t = terminal(sim.tcp_url)
        held = await t.pre_authorise(PaymentRequest(1000))
        booked = await t.book(held, 600)
        other = await t.pre_authorise(PaymentRequest(500))
        released = await t.release(other)
        return held, booked, other, released

    held, booked, other, released = asyncio.run(run())
    assert isinstance(booked, Approved) and booked.amount_cents == 600
    assert isinstance(released, Approved)
    journal = {e["receipt"]: e for e in sim.model.journal()}
    assert journal[held.receipt_number]["state"] == "booked"
    assert journal[held.receipt_number]["booked_cents"] == 600
    assert journal[other.receipt_number]["state"] == "released"
    assert sim.model.totals()["amount_cents"] == 600


@pytest.mark.parametrize("accept", [True, False])
def test_confirm_mode_holds_the_payment_until_the_kiosk_decides(
    sim: PaymentSimulator, accept: bool
) -> None:
    async def confirm(approved: Approved) -> bool:
        await asyncio.sleep(0.3)  # longer than decision_wait_s: the terminal is asked to wait
        return accept

    t = terminal(sim.tcp_url, decision_wait_s=0.05)
    outcome = asyncio.run(t.authorise(PaymentRequest(420), confirm=confirm))
    state = sim.model.journal()[-1]["state"]
    if accept:
        assert isinstance(outcome, Approved) and state == "approved"
    else:
        assert isinstance(outcome, Aborted) and state == "reversed"


@pytest.mark.parametrize(
    ("fault", "kind", "code"),
    [
        ("decline", Declined, 0x05),
        ("card_removed", Declined, 0x64),
        ("busy", Declined, 0x9C),
        ("end_of_day_needed", Declined, 0x6A),
    ],
)
def test_faults_that_decline(sim: PaymentSimulator, fault: str, kind: type, code: int) -> None:
    ControlClient(sim.control.url).call("fault", name=fault)
    outcome = asyncio.run(terminal(sim.tcp_url).authorise(PaymentRequest(300)))
    assert isinstance(outcome, kind) and outcome.result_code == code
    assert not [e for e in sim.model.journal() if e["state"] == "approved"]


def test_decline_carries_the_host_text(sim: PaymentSimulator) -> None:
    sim.model.arm("decline")
    outcome = asyncio.run(terminal(sim.tcp_url).authorise(PaymentRequest(300)))
    assert isinstance(outcome, Declined) and outcome.category == "bank"
    assert outcome.host_text == "Declined by the card issuer"


def test_end_of_day_needed_shows_in_status_and_clears(sim: PaymentSimulator) -> None:
    sim.model.arm("end_of_day_needed", 0)

    async def run() -> tuple:
        t = terminal(sim.tcp_url)
        before = await t.status()
        await t.end_of_day()
        return before, await t.status(), await t.authorise(PaymentRequest(100))

    before, after, paid = asyncio.run(run())
    assert not before.ready and before.text == "end-of-day required"
    assert after.ready and isinstance(paid, Approved)


def test_pin_fault_shows_the_pin_prompt(sim: PaymentSimulator) -> None:
    sim.model.arm("pin")
    shown: list = []
    outcome = asyncio.run(terminal(sim.tcp_url).authorise(PaymentRequest(300), shown.append))
    assert isinstance(outcome, Approved)
    assert "Please look at the PIN pad" in [s.text for s in shown]


def test_timeout_is_an_unknown_outcome(sim: PaymentSimulator) -> None:
    sim.model.arm("timeout")
    outcome = asyncio.run(terminal(sim.tcp_url).authorise(PaymentRequest(300)))
    assert isinstance(outcome, OutcomeUnknown) and "T3" in outcome.reason


def test_link_lost_after_authorisation_keeps_the_approval(sim: PaymentSimulator) -> None:
    sim.model.arm("drop_after_authorisation")
    outcome = asyncio.run(terminal(sim.tcp_url).authorise(PaymentRequest(300)))
    assert isinstance(outcome, OutcomeUnknown)
    assert outcome.approved is not None and outcome.approved.amount_cents == 300
    entry = sim.model.journal()[-1]
    assert (entry["receipt"], entry["state"]) == (outcome.approved.receipt_number, "approved")


def test_abort_from_the_kiosk_while_waiting_for_the_card() -> None:
    model = PaymentTerminalModel(password=123456)
    with PaymentSimulator(model, timings=Timings(card_wait_s=3.0, pin_s=0, host_s=0)) as sim:
        t = terminal(sim.tcp_url)

        async def run() -> object:
            payment = asyncio.ensure_future(t.authorise(PaymentRequest(300)))
            await asyncio.sleep(0.5)
            assert await t.abort()
            return await payment

        outcome = asyncio.run(run())
    assert isinstance(outcome, Aborted)


def test_unreachable_terminal_is_declined_as_unreachable() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))  # a port nobody listens on
    url = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    probe.close()
    outcome = asyncio.run(terminal(url).authorise(PaymentRequest(300)))
    assert isinstance(outcome, Declined) and outcome.category == "unreachable"


def test_control_api_journal_and_totals(sim: PaymentSimulator) -> None:
    asyncio.run(terminal(sim.tcp_url).authorise(PaymentRequest(990)))
    client = ControlClient(sim.control.url)
    assert client.call("journal")[0]["amount_cents"] == 990
    assert client.call("totals")["by_scheme"] == {"VISA": {"count": 1, "amount_cents": 990}}
    assert client.call("journal")[0]["at"] == FIXED.isoformat()
