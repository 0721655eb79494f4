"""The UI's port onto the session core, without a window: SessionViews become screens and
view models (msgids kept for the screen to translate), intents become service calls, device
health reports become the staff screen's rows."""

from __future__ import annotations

from datetime import datetime

from kiosk.core.circulation.notices import Notice
from kiosk.core.circulation.session import (
    Activity,
    EndReason,
    ItemLine,
    LineStatus,
    SessionView,
    State,
)
from kiosk.core.health import DeviceHealth, DeviceKind, DeviceState, PaperState
from kiosk.ui.core_session import CoreSession
from kiosk.ui.presenters import intents
from kiosk.ui.presenters.views import AttractView, Screen

NOW = datetime(2026, 11, 25, 12, 0)


class Service:
    def __init__(self) -> None:
        self.view = SessionView()
        self.calls: list[tuple] = []
        self.touches = 0

    def touch(self) -> None:
        self.touches += 1

    def __getattr__(self, name: str):
        async def call(*args):
            self.calls.append((name, *args))

        return call


def port() -> tuple[CoreSession, Service, list]:
    service, shown = Service(), []
    session = CoreSession(service, AttractView("B"), now=lambda: NOW, spawn=lambda c: c.close())
    session.subscribe(shown.append)
    return session, service, shown


def test_views_become_screens_and_notices_stay_msgids() -> None:
    session, _, shown = port()
    line = ItemLine(
        1, "123", Activity.BORROW, LineStatus.REFUSED, "Metai", Notice("item.on_hold_for_other")
    )
    session.on_view(SessionView(state=State.WORKING, patron_name="Ona", lines=(line,)))
    state = shown[-1]
    assert state.screen is Screen.CIRCULATION
    assert state.view.patron_name == "Ona"
    assert state.view.lines[0].message == "This item is on hold for another reader."
    session.on_view(SessionView(state=State.REFUSED, notice=Notice("patron.unknown_card")))
    assert shown[-1].screen is Screen.IDENTIFY and shown[-1].view.message


def test_goodbye_after_done_and_back_to_attract() -> None:
    session, _, shown = port()
    borrowed = ItemLine(1, "1", Activity.BORROW, LineStatus.BORROWED, "Metai", due=NOW)
    session.on_view(SessionView(state=State.WORKING, lines=(borrowed,)))
    session.on_view(SessionView(state=State.IDLE, last_end=EndReason.DONE))
    assert shown[-1].screen is Screen.GOODBYE and shown[-1].view.borrowed == 1
    session.send(intents.Finished())
    assert shown[-1].screen is Screen.ATTRACT


def test_intents_call_the_service_and_count_as_touches() -> None:
    session, service, shown = port()
    session.send(intents.StartTapped())
    assert shown[-1].screen is Screen.IDENTIFY  # the keypad, before the core sees a card
    spawned = []
    session._spawn = spawned.append
    session.send(intents.CardPresented("2100000001"))
    session.send(intents.RenewRequested("9786090100011"))
    names = [coroutine.cr_code.co_name for coroutine in spawned]
    assert names == ["call", "call"] and service.touches == 3
    for coroutine in spawned:
        coroutine.close()


def test_device_health_fills_the_staff_screen() -> None:
    session, _, shown = port()
    session.report(DeviceHealth("reader", DeviceKind.READER, DeviceState.OK))
    session.report(DeviceHealth("board-b1", DeviceKind.LOCK_BOARD, DeviceState.OK))
    session.report(DeviceHealth("board-b2", DeviceKind.LOCK_BOARD, DeviceState.DOWN, "timeout"))
    session.printer_paper(PaperState.OUT)
    session.on_view(SessionView(state=State.STAFF))
    rows = {row.device: row for row in shown[-1].view.devices}
    assert rows["reader"].healthy
    assert not rows["locks"].healthy and rows["locks"].detail == "board-b2: timeout"
    assert not rows["printer"].healthy and "paper out" in rows["printer"].detail


def test_a_staff_sign_in_asks_for_the_staff_pin() -> None:
    session, _, shown = port()
    session.on_view(SessionView(state=State.AWAITING_PIN, staff_login=True, pin_tries_left=3))
    state = shown[-1]
    assert state.screen is Screen.IDENTIFY
    assert (state.view.purpose, state.view.card_seen) == ("staff", True)
    refused = Notice("staff.no_local_pin")
    session.on_view(SessionView(state=State.REFUSED, staff_login=True, notice=refused))
    assert shown[-1].view.purpose == "staff" and "technician PIN" in shown[-1].view.message
    session.on_view(SessionView(state=State.AWAITING_PIN))
    assert shown[-1].view.purpose == "patron"
