"""The SessionView folded from the session's state, the visit and its ScreenState: what a
screen may see, and when (a staff card masked and only in STAFF, the PIN tries only while
the PIN is asked, the receipt's text only while it is being chosen)."""

from __future__ import annotations

from kiosk.core.circulation.notices import Notice
from kiosk.core.circulation.session import Activity, EndReason, LineStatus, SessionView, State
from kiosk.core.circulation.view import ScreenState, session_view
from kiosk.core.circulation.visit import Visit
from kiosk.core.model import Patron

CARD = "2100000001"


def tries(card: str) -> int:
    return 2  # what the lockout would say for any card


def test_no_visit_shows_nothing_of_a_patron_but_how_the_last_one_ended() -> None:
    view = session_view(State.IDLE, ScreenState(last_end=EndReason.TIMEOUT), None, None, tries)
    assert view == SessionView(last_end=EndReason.TIMEOUT)


def test_a_visit_shows_its_patron_lines_and_screen_state() -> None:
    visit = Visit("s1", card=CARD, may_borrow=True)
    visit.patron = Patron(CARD, "Ona Žemaitytė", True, True)
    line = visit.add_line("9786090100011", Activity.BORROW, LineStatus.BORROWED)
    screen = ScreenState(Activity.ACCOUNT, "help", Notice("item.unknown"), 12.5, staff=False)
    view = session_view(State.WORKING, screen, visit, None, tries)
    assert (view.patron_name, view.may_borrow, view.offline) == ("Ona Žemaitytė", True, False)
    assert (view.activity, view.dialog, view.warning_s) == (Activity.ACCOUNT, "help", 12.5)
    assert view.notice == Notice("item.unknown") and view.lines == (line,)
    assert view.pin_tries_left is None and view.staff_id == "" and view.receipt_choices == ()


def test_an_offline_visit_may_borrow_under_the_offline_policy() -> None:
    visit = Visit("s1", card=CARD, may_borrow=False, offline=True)
    view = session_view(State.WORKING, ScreenState(), visit, None, tries)
    assert view.may_borrow and view.offline


def test_pin_tries_show_only_while_the_pin_is_asked() -> None:
    visit = Visit("s1", card=CARD)
    assert session_view(State.AWAITING_PIN, ScreenState(), visit, None, tries).pin_tries_left == 2
    assert session_view(State.REFUSED, ScreenState(), visit, None, tries).pin_tries_left is None
    anonymous = Visit("s2")
    assert (
        session_view(State.AWAITING_PIN, ScreenState(), anonymous, None, tries).pin_tries_left
        is None
    )


def test_a_staff_card_shows_masked_and_only_in_staff_mode() -> None:
    visit = Visit("s1", card="9900000007")
    asking = session_view(State.AWAITING_PIN, ScreenState(staff=True), visit, None, tries)
    assert asking.staff_login and asking.staff_id == ""
    signed_in = session_view(State.STAFF, ScreenState(staff=True), visit, None, tries)
    assert signed_in.staff_id.endswith("0007") and "9900000007" not in repr(signed_in)
