"""The payment desk end to end in one process: the real SIP2 client against the ILS simulator
over loopback, the FakeTerminal on the terminal simulator's model, the SQLite journal. Every
terminal fault and library answer ends in exactly one of paid-and-recorded or not charged."""

from __future__ import annotations

import asyncio

import pytest

from kiosk.core.payments.desk import EndOfDayFailed
from kiosk.core.payments.fees import FeeRules, PayAll, PayAmount, PayChosen
from kiosk.core.payments.results import ChoiceRefused, NotPaid, Paid, SentToStaff
from kiosk.core.payments.saga import PaymentHold

FINED, PIN = "2100000005", "5678"  # F0001 3.00 (oldest) + F0002 9.40
MODES = list(PaymentHold)
ALL = PayAll()


class Register:
    def __init__(self) -> None:
        self.sales: list[str] = []

    def record_sale(self, record) -> None:
        self.sales.append(record.payment_id)

    def record_refund(self, record) -> None:
        raise AssertionError("no refunds here")


def pay(world, desk, choice=ALL, pin=PIN, progress=None):
    return world.run(desk.pay(FINED, pin, choice, on_progress=progress))


@pytest.mark.parametrize("mode", MODES)
def test_paying_all_charges_and_records_it(desk_world, mode) -> None:
    register, seen = Register(), []
    desk = desk_world.desk(mode, cash_register=register)
    result = pay(desk_world, desk, progress=seen.append)
    assert isinstance(result, Paid)
    assert result.new_balance_cents == 0
    assert desk_world.owed_cents() == 0 and desk_world.booked_cents() == 1240
    assert result.record.state == "paid" and result.record.charged_cents == 1240
    assert [p.fee_id for p in result.record.postings] == ["F0001", "F0002"]
    assert all(p.recorded for p in result.record.postings)
    masked = result.record.bank_card_masked
    assert masked.endswith("1111") and "4111" not in masked
    assert register.sales == [result.record.payment_id]
    assert {p.stage for p in seen} >= {"terminal", "recording", "confirming"}
    assert "Insert card" in [p.text for p in seen]
    assert [r.state for r in desk.today()] == ["paid"]
    assert desk_world.journal.unsettled() == []


@pytest.mark.parametrize("mode", MODES)
def test_chosen_fee_and_an_amount(desk_world, mode) -> None:
    desk = desk_world.desk(mode)
    chosen = pay(desk_world, desk, PayChosen(("F0002",)))
    assert isinstance(chosen, Paid) and chosen.new_balance_cents == 300
    part = pay(desk_world, desk, PayAmount(100))
    assert isinstance(part, Paid) and part.new_balance_cents == 200
    assert desk_world.owed_cents() == 200 and desk_world.booked_cents() == 1040


@pytest.mark.parametrize(
    ("fault", "why"),
    [("decline", "declined"), ("card_removed", "card"), ("busy", "busy"),
     ("timeout", "terminal_unavailable"), ("end_of_day_needed", "terminal_unavailable")],
)  # fmt: skip
@pytest.mark.parametrize("mode", MODES)
def test_a_terminal_no_charges_nothing_and_records_nothing(desk_world, mode, fault, why) -> None:
    desk_world.model.arm(fault)
    result = pay(desk_world, desk_world.desk(mode))
    assert isinstance(result, NotPaid) and result.why == why, result
    assert result.record is not None and result.record.state == "not_charged"
    assert result.text
    assert desk_world.owed_cents() == 1240 and desk_world.booked_cents() == 0


@pytest.mark.parametrize("mode", MODES)
def test_library_refusal_gives_the_card_payment_back(desk_world, mode) -> None:
    def someone_paid_at_the_desk(progress) -> None:
        if progress.stage == "recording" and desk_world.owed_cents() == 1240:
            desk_world.sim.library.pay(FINED, desk_world.sim.library.balance(FINED),
                                       desk_world.clock.now(), fine_id=None)  # fmt: skip

    result = pay(desk_world, desk_world.desk(mode), progress=someone_paid_at_the_desk)
    assert isinstance(result, NotPaid) and result.why == "library_refused", result
    assert result.record.state == "reversed" and result.record.recorded_cents == 0
    assert desk_world.booked_cents() == 0
    states = {e["state"] for e in desk_world.model.journal()}
    assert states == {"reversed" if mode is PaymentHold.REVERSAL else "released"}


def test_link_dropped_after_a_confirmed_approval_goes_to_staff(desk_world) -> None:
    desk_world.model.arm("drop_after_authorisation")
    result = pay(desk_world, desk_world.desk(PaymentHold.REVERSAL))
    assert isinstance(result, SentToStaff)
    assert result.record.trace_number is not None and result.record.receipt_number is not None
    assert desk_world.owed_cents() == 0 and desk_world.booked_cents() == 1240  # consistent
    assert [r.payment_id for r in desk_world.journal.unsettled()] == [result.record.payment_id]


def test_link_dropped_after_a_preauthorisation_releases_it(desk_world) -> None:
    desk_world.model.arm("drop_after_authorisation")
    result = pay(desk_world, desk_world.desk(PaymentHold.PREAUTH))
    assert isinstance(result, NotPaid) and result.record.state == "reversed"
    assert desk_world.owed_cents() == 1240 and desk_world.booked_cents() == 0


def test_offline_library_system_charges_nothing(desk_world) -> None:
    desk = desk_world.desk()
    desk_world.sim.stop()
    result = pay(desk_world, desk)
    assert isinstance(result, NotPaid) and result.why == "offline" and result.record is None
    assert desk_world.model.journal() == []


def test_refused_choices_never_reach_the_terminal(desk_world) -> None:
    desk = desk_world.desk(rules=FeeRules(minimum_cents=500, partial_allowed=False))
    assert pay(desk_world, desk, PayChosen(("F0001",))).refusal.reason == "below_minimum"
    assert pay(desk_world, desk, PayAmount(600)).refusal.reason == "partial_not_allowed"
    assert pay(desk_world, desk, PayChosen(("F9999",))).refusal.reason == "unknown_fee"
    assert isinstance(pay(desk_world, desk, PayAmount(99_999)), ChoiceRefused)
    assert desk_world.model.journal() == []


def test_wrong_pin_is_refused_before_the_card(desk_world) -> None:
    result = pay(desk_world, desk_world.desk(), pin="0000")
    assert isinstance(result, NotPaid) and result.why == "library_refused"
    assert desk_world.model.journal() == []


def test_a_second_payment_at_once_is_told_busy(desk_world) -> None:
    desk = desk_world.desk()

    async def both():
        return await asyncio.gather(desk.pay(FINED, PIN, PayChosen(("F0001",))),
                                    desk.pay(FINED, PIN, PayChosen(("F0002",))))  # fmt: skip

    first, second = desk_world.run(both())
    assert isinstance(first, Paid)
    assert isinstance(second, NotPaid) and second.why == "busy" and second.record is None


def test_end_of_day_is_journalled(desk_world) -> None:
    desk = desk_world.desk()
    pay(desk_world, desk)
    close = desk_world.run(desk.end_of_day())
    assert (close.count, close.amount_cents) == (1, 1240)
    day = desk_world.clock.now().date()
    assert desk_world.journal.closes_on(day) == [close]


def test_end_of_day_that_fails_says_why(desk_world) -> None:
    class Refusing:
        async def end_of_day(self, on_status=None):
            from kiosk.core.payments.terminal import Declined

            return Declined("end-of-day not possible", "other")

    with pytest.raises(EndOfDayFailed, match="not possible"):
        desk_world.run(desk_world.desk(terminal=Refusing()).end_of_day())
