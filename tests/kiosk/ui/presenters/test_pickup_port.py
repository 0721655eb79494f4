"""Locker pickup in the UI's port, without a window: the locker logic's outcome becomes the
pickup screen (pure, kiosk/ui/presenters/core_views.py), and CoreSession walks the card path
(card, PIN, "Checking…" while the desk asks the ILS in a worker thread, the outcome) and
offers it only when [lockers] pickup_by_card is on and a locker bank is there."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from kiosk.core.circulation.session import SessionView
from kiosk.core.lockers.bank_state import Opened, Refused
from kiosk.ui.core_session import CoreSession
from kiosk.ui.presenters import intents
from kiosk.ui.presenters.core_views import pickup_outcome
from kiosk.ui.presenters.views import AttractView, PickupView, Screen

NOW = datetime(2026, 11, 25, 12, 0)


class IdleService:
    view = SessionView()

    def touch(self) -> None:
        pass


class Desk:
    """A PickupDesk answering with a set outcome (or failing), recording what it was asked."""

    def __init__(self, outcome: object) -> None:
        self.outcome = outcome
        self.asked: list[tuple[str, str]] = []

    def pickup_by_code(self, code: str, now: datetime) -> object:
        return Refused("wrong_code")

    def pickup_by_card(self, card: str, pin: str, now: datetime) -> object:
        self.asked.append((card, pin))
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


def bound(desk: Desk | None, by_card: bool = True) -> tuple[CoreSession, list, list]:
    pending: list = []
    session = CoreSession(
        IdleService(),  # type: ignore[arg-type]
        AttractView("B"),
        now=lambda: NOW,
        lockers=desk,
        spawn=pending.append,
        pickup_by_card=by_card,
    )
    shown: list = []
    session.subscribe(shown.append)
    return session, pending, shown


def run(pending: list) -> None:
    async def all_of_them() -> None:
        while pending:
            await pending.pop(0)

    asyncio.run(asyncio.wait_for(all_of_them(), 10))


def card_and_pin(session: CoreSession, card: str = "2100000001", pin: str = "1234") -> None:
    session.send(intents.StartTapped("pickup"))
    session.send(intents.PickupByCardChosen())
    session.send(intents.PickupCardTyped())
    session.send(intents.PickupCardEntered(card, pin))


# -- the pure conversion -------------------------------------------------------------------


def test_open_compartments_are_named_together() -> None:
    view = pickup_outcome(Opened((3, 104)), by_card=True, card_offered=True)
    assert (view.stage, view.compartment, view.error) == ("opened", "3, 104", "")


@pytest.mark.parametrize(
    ("outcome", "by_card", "expected"),
    [
        (Refused("wrong_card_or_pin"), True, ("card", "wrong_card_or_pin")),
        (Refused("nothing_to_collect"), True, ("card", "nothing_to_collect")),
        (Refused("locker_fault"), True, ("card", "locker_fault")),
        (Refused("wrong_code"), False, ("code", "wrong_code")),
        (Refused("keypad_locked", "12:05"), False, ("code", "keypad_locked")),
        (Refused("something_new"), False, ("code", "wrong_code")),
        (Refused("something_new"), True, ("card", "door_failed")),
        (Opened(()), True, ("card", "door_failed")),
        (None, False, ("code", "door_failed")),
    ],
)
def test_a_refusal_is_a_word_on_the_keypad_the_patron_used(
    outcome: object, by_card: bool, expected: tuple[str, str]
) -> None:
    view = pickup_outcome(outcome, by_card=by_card, card_offered=True)  # type: ignore[arg-type]
    assert (view.stage, view.error) == expected
    assert view.card_offered and view.compartment == ""


# -- the port ------------------------------------------------------------------------------


def test_the_card_path_asks_the_desk_once_and_shows_the_open_compartment() -> None:
    desk = Desk(Opened((7,)))
    session, pending, shown = bound(desk)
    session.send(intents.StartTapped("pickup"))
    assert shown[-1].view == PickupView(card_offered=True)
    card_and_pin(session)
    assert [s.view.stage for s in shown[-3:]] == ["card", "pin", "checking"]
    assert desk.asked == []  # not on the loop: the check waits for the worker thread
    run(pending)
    assert desk.asked == [("2100000001", "1234")]
    assert shown[-1].screen is Screen.PICKUP
    assert (shown[-1].view.stage, shown[-1].view.compartment) == ("opened", "7")


def test_the_card_path_is_offered_only_when_switched_on_with_a_bank() -> None:
    for desk, by_card in ((Desk(Opened((1,))), False), (None, True)):
        session, pending, shown = bound(desk, by_card)
        card_and_pin(session)
        assert all(s.view.stage == "code" and not s.view.card_offered for s in shown)
        assert pending == []
        assert desk is None or desk.asked == []


def test_a_refusal_for_a_patron_who_left_is_dropped_but_open_doors_are_shown() -> None:
    session, pending, shown = bound(Desk(Refused("wrong_card_or_pin")))
    card_and_pin(session)
    session.send(intents.Cancelled())
    run(pending)
    assert shown[-1].screen is Screen.ATTRACT
    session, pending, shown = bound(Desk(Opened((2,))))
    card_and_pin(session)
    session.send(intents.Cancelled())
    run(pending)
    assert (shown[-1].view.stage, shown[-1].view.compartment) == ("opened", "2")


def test_a_failing_desk_does_not_leave_the_screen_checking() -> None:
    session, pending, shown = bound(Desk(TimeoutError("the ILS did not answer")))
    card_and_pin(session)
    run(pending)
    assert (shown[-1].view.stage, shown[-1].view.error) == ("card", "door_failed")


def test_the_card_and_pin_stay_out_of_the_intents_repr() -> None:
    text = repr(intents.PickupCardEntered("2100000001", "1234"))
    assert "2100000001" not in text and "1234" not in text
