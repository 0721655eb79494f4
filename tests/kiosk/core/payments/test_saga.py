"""The payment saga (kiosk/core/payments/saga.py): every legal path of the table, illegal
transitions, the recovery decision per journalled state, and a property: with crashes at any
point, a payment ends paid and recorded, or not charged, or with staff, never charged and
not recorded."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.payments import saga as sg
from kiosk.core.payments.fees import Allocation, Posting
from kiosk.core.payments.saga import Journalled, PaymentHold, Saga, State
from kiosk.core.payments.saga_recovery import recover
from kiosk.core.payments.terminal import Approved
from kiosk.core.vocabulary import FeeType

R, P = PaymentHold.REVERSAL, PaymentHold.PREAUTH
ONE = Allocation((Posting(740, FeeType.OVERDUE, "F1"),), owed_before_cents=1240)
TWO = Allocation((Posting(300, FeeType.OVERDUE, "F1"), Posting(940, FeeType.DAMAGE, "F2")), 1240)


def approval(amount: int = 740) -> Approved:
    return Approved(trace_number=41, receipt_number=7, amount_cents=amount)


def start(mode: PaymentHold, allocation: Allocation = ONE) -> Saga:
    return sg.begin("pay-1", "2100000005", mode, allocation)


def drive(saga: Saga, *events) -> tuple[Saga, list]:
    """Apply `events`, feeding Journalled after each transition that asks for nothing."""
    issued: list = []
    pending = list(events)
    while True:
        if not pending:
            return saga, issued
        saga, commands = saga.apply(pending.pop(0))
        issued.extend(commands)
        if not commands and not saga.final:
            saga, commands = saga.apply(Journalled())
            issued.extend(commands)


def test_begin_refuses_an_empty_allocation() -> None:
    with pytest.raises(ValueError):
        sg.begin("p", "c", R, Allocation((), 0))


def test_reversal_mode_paid() -> None:
    saga, issued = drive(start(R), Journalled(), sg.TerminalApproved(approval()),
                         sg.IlsAccepted("T1"), sg.TerminalConfirmed())  # fmt: skip
    assert saga.state is State.PAID and saga.recorded_cents == 740
    assert issued == [
        sg.Authorise(740, "pay-1"),
        sg.PostFeePaid("2100000005", ONE.postings[0], 0, "41"),
        sg.Confirm(True),
    ]


def test_preauth_mode_paid() -> None:
    saga, issued = drive(start(P), Journalled(), sg.TerminalApproved(approval()),
                         sg.IlsAccepted(), sg.TerminalConfirmed())  # fmt: skip
    assert saga.state is State.PAID
    assert issued[0] == sg.PreAuthorise(740, "pay-1")
    assert issued[-1] == sg.Book(approval(), 740)


def test_two_postings_one_after_the_other() -> None:
    saga, issued = drive(start(P, TWO), Journalled(), sg.TerminalApproved(approval(1240)),
                         sg.IlsAccepted(), sg.IlsAccepted(), sg.TerminalConfirmed())  # fmt: skip
    posts = [c for c in issued if isinstance(c, sg.PostFeePaid)]
    assert [(p.index, p.posting.fee_id) for p in posts] == [(0, "F1"), (1, "F2")]
    assert issued[-1] == sg.Book(approval(1240), 1240) and saga.state is State.PAID


@pytest.mark.parametrize("event", [sg.TerminalDeclined("05"), sg.TerminalAborted("patron")])
@pytest.mark.parametrize("mode", [R, P])
def test_declined_or_aborted_is_not_charged(mode, event) -> None:
    saga, issued = drive(start(mode), Journalled(), event)
    assert saga.state is State.NOT_CHARGED and len(issued) == 1


@pytest.mark.parametrize(
    "refusal", [sg.IlsRefused("blocked"), sg.IlsUnreachable("offline")]
)  # fmt: skip
@pytest.mark.parametrize(
    ("mode", "give_back"), [(R, sg.Confirm(False)), (P, sg.Release(approval()))]
)
def test_library_refusal_gives_the_payment_back(mode, give_back, refusal) -> None:
    saga, issued = drive(start(mode), Journalled(), sg.TerminalApproved(approval()), refusal)
    assert saga.state is State.REVERSING and issued[-1] == give_back
    saga, _ = drive(saga, sg.TerminalReversed())
    assert saga.state is State.REVERSED


def test_a_lost_answer_is_asked_after() -> None:
    saga, issued = drive(start(R, TWO), Journalled(), sg.TerminalApproved(approval(1240)),
                         sg.IlsAccepted(), sg.IlsAnswerLost("timeout"))  # fmt: skip
    assert saga.state is State.CHECKING_ILS
    assert issued[-1] == sg.AskIls("2100000005", TWO.postings[1], 1, "41", 940, 0)
    recorded, more = drive(saga, sg.IlsFoundRecorded())
    assert recorded.state is State.CONFIRMING and more == [sg.Confirm(True)]
    not_recorded, more = drive(saga, sg.IlsFoundNotRecorded())
    assert not_recorded.state is State.REVERSING and more == [sg.Confirm(False)]
    assert not_recorded.staff_note  # the first posting is recorded without payment


def test_a_library_answer_nobody_can_tell_goes_to_staff_after_giving_back() -> None:
    saga, _ = drive(start(P), Journalled(), sg.TerminalApproved(approval()),
                    sg.IlsAnswerLost("timeout"), sg.IlsStillUnknown("offline"))  # fmt: skip
    assert saga.state is State.REVERSING
    saga, issued = drive(saga, sg.TerminalReversed())
    assert saga.state is State.TO_STAFF
    assert issued == [sg.ToStaff("pay-1", "2100000005", saga.staff_note, 41, 7, 740, 0)]


def test_partial_acceptance_books_what_was_recorded_in_preauth() -> None:
    saga, issued = drive(start(P, TWO), Journalled(), sg.TerminalApproved(approval(1240)),
                         sg.IlsAccepted(), sg.IlsRefused("no"))  # fmt: skip
    assert saga.state is State.CONFIRMING and issued[-1] == sg.Book(approval(1240), 300)
    assert drive(saga, sg.TerminalConfirmed())[0].state is State.PAID


def test_partial_acceptance_in_reversal_mode_gives_back_and_tells_staff() -> None:
    saga, issued = drive(start(R, TWO), Journalled(), sg.TerminalApproved(approval(1240)),
                         sg.IlsAccepted(), sg.IlsRefused("no"))  # fmt: skip
    assert issued[-1] == sg.Confirm(False)
    saga, issued = drive(saga, sg.TerminalReversed())
    assert saga.state is State.TO_STAFF and issued[0].recorded_cents == 300


@pytest.mark.parametrize(
    "event",
    [sg.TerminalDeclined("no"), sg.TerminalAborted("gone"), sg.TerminalOutcomeUnknown("lost")],
)
def test_a_confirmation_that_fails_goes_to_staff(event) -> None:
    saga, _ = drive(start(P), Journalled(), sg.TerminalApproved(approval()), sg.IlsAccepted())
    saga, issued = drive(saga, event)
    assert saga.state is State.TO_STAFF
    assert issued[0].receipt_number == 7 and issued[0].recorded_cents == 740


@pytest.mark.parametrize(
    "event", [sg.TerminalReverseFailed("refused"), sg.TerminalOutcomeUnknown("lost")]
)
def test_a_reversal_that_fails_goes_to_staff(event) -> None:
    saga, _ = drive(start(P), Journalled(), sg.TerminalApproved(approval()), sg.IlsRefused("x"))
    saga, issued = drive(saga, event)
    assert saga.state is State.TO_STAFF and issued[0].trace_number == 41


def test_an_unknown_terminal_outcome() -> None:
    without, issued = drive(start(R), Journalled(), sg.TerminalOutcomeUnknown("T3"))
    assert without.state is State.NOT_CHARGED and issued == [sg.Authorise(740, "pay-1")]
    held, issued = drive(start(P), Journalled(), sg.TerminalOutcomeUnknown("drop", approval()))
    assert held.state is State.REVERSING and issued[-1] == sg.Release(approval())


def sample_events() -> list:
    a = approval()
    return [
        Journalled(), sg.TerminalApproved(a), sg.TerminalDeclined("x"), sg.TerminalAborted("x"),
        sg.TerminalOutcomeUnknown("x"), sg.TerminalConfirmed(), sg.TerminalReversed(),
        sg.TerminalReverseFailed("x"), sg.IlsAccepted(), sg.IlsRefused("x"),
        sg.IlsUnreachable("x"), sg.IlsAnswerLost("x"), sg.IlsFoundRecorded(),
        sg.IlsFoundNotRecorded(), sg.IlsStillUnknown("x"),
    ]  # fmt: skip


@pytest.mark.parametrize("state", list(State))
def test_every_event_outside_the_table_raises(state: State) -> None:
    saga = Saga("p", "c", P, ONE, state=state, approval=approval())
    for event in sample_events():
        if (state, type(event)) in sg.TRANSITIONS:
            saga.apply(event)  # legal: does not raise
        else:
            with pytest.raises(sg.IllegalTransition):
                saga.apply(event)


def test_final_states_take_nothing() -> None:
    assert not [key for key in sg.TRANSITIONS if key[0] in sg.FINAL]


# -- recovery -------------------------------------------------------------------------------
def journalled(state: State, mode: PaymentHold, recorded: int = 0) -> Saga:
    return Saga("pay-1", "c", mode, ONE, state=state, approval=approval(),
                recorded_cents=recorded)  # fmt: skip


ASK = sg.AskIls("c", ONE.postings[0], 0, "41", 1240, 500)


@pytest.mark.parametrize(
    ("state", "mode", "recorded", "after", "commands"),
    [
        (State.WRITTEN_AHEAD, R, 0, State.NOT_CHARGED, ()),
        (State.AUTHORISING, R, 0, State.NOT_CHARGED, ()),
        (State.AUTHORISING, P, 0, State.NOT_CHARGED, ()),
        (State.AUTHORISED, R, 0, State.REVERSING, (sg.Reverse(7),)),
        (State.AUTHORISED, P, 0, State.REVERSING, (sg.Release(approval()),)),
        (State.POSTING, R, 0, State.CHECKING_ILS, (ASK,)),
        (State.POSTING, P, 0, State.CHECKING_ILS, (ASK,)),
        (State.CHECKING_ILS, P, 0, State.CHECKING_ILS, (ASK,)),
        (State.ILS_ACCEPTED, P, 740, State.CONFIRMING, (sg.Book(approval(), 740),)),
        (State.ILS_ACCEPTED, R, 740, State.REVERSING, (sg.Reverse(7),)),
        (State.CONFIRMING, P, 740, State.CONFIRMING, (sg.Book(approval(), 740),)),
        (State.REVERSING, R, 0, State.REVERSING, (sg.Reverse(7),)),
        (State.REVERSING, P, 0, State.REVERSING, (sg.Release(approval()),)),
        (State.IN_DOUBT, P, 0, State.REVERSING, (sg.Release(approval()),)),
        (State.PAID, R, 740, State.PAID, ()),
        (State.REVERSED, P, 0, State.REVERSED, ()),
        (State.NOT_CHARGED, P, 0, State.NOT_CHARGED, ()),
    ],
)
def test_recovery_decision(state, mode, recorded, after, commands) -> None:
    saga, issued = recover(journalled(state, mode, recorded))
    assert saga.state is after and issued == commands
    assert saga.hold_alive is (mode is P)


def test_recovery_of_an_unconfirmed_reversal_mode_payment_goes_to_staff() -> None:
    saga, issued = recover(journalled(State.CONFIRMING, R, 740))
    assert saga.state is State.TO_STAFF
    assert issued[0].receipt_number == 7 and issued[0].recorded_cents == 740


def test_recovery_of_recorded_but_reversed_tells_staff() -> None:
    saga, _ = recover(journalled(State.ILS_ACCEPTED, R, 740))
    saga, issued = saga.apply(sg.TerminalReversed())
    assert saga.state is State.TO_STAFF and issued[0].recorded_cents == 740


# -- the property: a world of terminal and library, crashes anywhere -----------------------
@dataclass
class World:
    mode: PaymentHold
    draw: st.DataObject
    held: int = 0  # approved or reserved, not yet charged for good
    hold_alive: bool = False  # reversal mode: the authorise call is still waiting for us
    charged: int = 0
    recorded: set[int] = field(default_factory=set)  # posting indices the library recorded
    amounts: dict[int, int] = field(default_factory=dict)
    staff: list = field(default_factory=list)

    @property
    def recorded_cents(self) -> int:
        return sum(self.amounts[i] for i in self.recorded)

    def pick(self, *options: str) -> str:
        return self.draw.draw(st.sampled_from(options))

    def crash(self) -> None:
        if self.mode is R and self.hold_alive:  # nobody answers: the terminal reverses
            self.held, self.hold_alive = 0, False

    def execute(self, command):  # one case per command, as the port has
        match command:
            case sg.Authorise(amount_cents=amount) | sg.PreAuthorise(amount_cents=amount):
                how = self.pick("approve", "decline", "abort", "unknown", "unknown_held")
                if how == "approve" or (how == "unknown_held" and self.mode is P):
                    self.held, self.hold_alive = amount, self.mode is R
                    if how == "approve":
                        return sg.TerminalApproved(approval(amount))
                    return sg.TerminalOutcomeUnknown("drop", approval(amount))
                if how.startswith("unknown"):
                    return sg.TerminalOutcomeUnknown("T3")
                return sg.TerminalDeclined("05") if how == "decline" else sg.TerminalAborted("x")
            case sg.PostFeePaid(posting=posting, index=index):
                self.amounts[index] = posting.amount_cents
                how = self.pick("accept", "refuse", "unreachable", "lost_done", "lost_not")
                if how in ("accept", "lost_done"):
                    self.recorded.add(index)
                if how.startswith("lost"):
                    return sg.IlsAnswerLost("timeout")
                return {"accept": sg.IlsAccepted(), "refuse": sg.IlsRefused("no"),
                        "unreachable": sg.IlsUnreachable("down")}[how]  # fmt: skip
            case sg.AskIls(index=index):
                if self.pick("answer", "answer", "unknown") == "unknown":
                    return sg.IlsStillUnknown("offline")
                done = index in self.recorded
                return sg.IlsFoundRecorded() if done else sg.IlsFoundNotRecorded()
            case sg.Confirm(accept=True):
                assert self.hold_alive and self.held
                how = self.pick("ok", "lost_after", "aborted")
                if how != "aborted":
                    self.charged += self.held
                self.held, self.hold_alive = 0, False
                return {"ok": sg.TerminalConfirmed(), "lost_after": sg.TerminalOutcomeUnknown("x"),
                        "aborted": sg.TerminalAborted("x")}[how]  # fmt: skip
            case sg.Confirm(accept=False):
                assert self.hold_alive
                self.held, self.hold_alive = 0, False
                return sg.TerminalReversed()
            case sg.Book(amount_cents=amount):
                if self.held and amount <= self.held and self.pick("ok", "refused") == "ok":
                    self.charged, self.held = amount, 0
                    return sg.TerminalConfirmed()
                return sg.TerminalDeclined("refused")
            case sg.Release():
                if self.held:
                    self.held = 0
                    return sg.TerminalReversed()
                return sg.TerminalReverseFailed("nothing reserved")
            case sg.Reverse():
                if self.charged:
                    self.charged = 0
                    return sg.TerminalReversed()
                return sg.TerminalReverseFailed("unknown receipt")
            case sg.ToStaff():
                self.staff.append(command)
                return None
        raise AssertionError(command)


def settle(world: World, saga: Saga, crashes: int) -> Saga:
    commands: tuple = ()
    for _ in range(60):
        if saga.final and not commands:
            return saga
        if commands and crashes and world.draw.draw(st.booleans()):
            crashes -= 1
            if world.draw.draw(st.booleans()):  # the command ran before the lights went out
                for command in commands:
                    world.execute(command)
            world.crash()
            saga, commands = recover(saga)
            continue
        if not commands:
            saga, commands = saga.apply(Journalled())
            continue
        events = [e for e in (world.execute(c) for c in commands) if e is not None]
        commands = ()
        for event in events:
            saga, commands = saga.apply(event)
    raise AssertionError(f"not settled: {saga.state}")


@settings(max_examples=400, deadline=None)
@given(st.sampled_from([R, P]), st.sampled_from([ONE, TWO]), st.integers(0, 3), st.data())
def test_never_charged_and_not_recorded(mode, allocation, crashes, data) -> None:
    world = World(mode, data)
    saga = settle(world, sg.begin("pay-1", "c", mode, allocation), crashes)
    world.held = 0  # an unbooked reservation lapses; it was never charged
    assert world.charged <= world.recorded_cents, "charged but not recorded"
    match saga.state:
        case State.PAID:
            assert world.charged == world.recorded_cents == saga.recorded_cents > 0
        case State.REVERSED | State.NOT_CHARGED:
            assert world.charged == 0 and world.recorded_cents == 0
        case State.TO_STAFF:
            assert world.staff and world.staff[-1].payment_id == "pay-1"
        case other:
            raise AssertionError(other)
    if world.recorded_cents != world.charged:
        assert saga.state is State.TO_STAFF


def test_recovery_in_to_staff_tells_staff_again() -> None:
    saga, issued = recover(journalled(State.TO_STAFF, P, 740))
    assert saga.state is State.TO_STAFF and isinstance(issued[0], sg.ToStaff)
