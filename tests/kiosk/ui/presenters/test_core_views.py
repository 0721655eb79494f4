"""The pure conversion from the core's SessionView to the screens' view models, without a
window and without CoreSession: item lines, the account with this visit's renewals, the
staff screen's device rows, and which screen a view is (timed by the core, or not)."""

from __future__ import annotations

from datetime import datetime

from kiosk.core.circulation.notices import Notice
from kiosk.core.circulation.session import AccountView as CoreAccount
from kiosk.core.circulation.session import (
    Activity,
    FineView,
    HoldView,
    ItemLine,
    LineStatus,
    LoanView,
    SessionView,
    State,
)
from kiosk.core.health import DeviceHealth, DeviceKind, DeviceState
from kiosk.ui.presenters import views
from kiosk.ui.presenters.core_views import (
    account_view,
    line_counts,
    screen_for,
    staff_view,
    ui_line,
)

NOW = datetime(2026, 11, 25, 12, 0)
ATTRACT = views.AttractView(library_name="Library")
COUNTS = {"borrowed": 0, "returned": 0, "renewed": 0}


def now() -> datetime:
    return NOW


def no_staff() -> views.StaffView:
    raise AssertionError("the staff view is asked for only in staff mode")


def line(item: str, status: LineStatus, activity: Activity = Activity.BORROW, **kw) -> ItemLine:
    return ItemLine(1, item, activity, status, **kw)


def test_a_returned_line_keeps_where_to_put_it_but_not_the_message() -> None:
    shown = ui_line(line("111", LineStatus.RETURNED, notice=Notice("item.hold_shelf")))
    assert shown.status is views.LineStatus.RETURNED and shown.message == ""
    assert shown.where == Notice("item.hold_shelf").where and shown.title == "111"


def test_a_line_the_screens_have_no_status_for_shows_as_refused_with_its_reason() -> None:
    shown = ui_line(line("111", LineStatus.SECURITY_FAILED, notice=Notice("item.security_failed")))
    assert shown.status is views.LineStatus.REFUSED
    assert shown.message == Notice("item.security_failed").text


def test_counts_are_what_the_visit_did() -> None:
    statuses = (LineStatus.BORROWED, LineStatus.BORROWED, LineStatus.RETURNED, LineStatus.REFUSED)
    view = SessionView(lines=tuple(line(str(n), status) for n, status in enumerate(statuses)))
    assert line_counts(view) == {
        "borrowed": 2,
        "returned": 1,
        "renewed": 0,
        "offline_kept": 0,
        "not_offline": (),
    }


def test_a_device_row_is_healthy_only_if_every_device_of_its_kind_is() -> None:
    health = [
        DeviceHealth("board-b1", DeviceKind.LOCK_BOARD, DeviceState.OK),
        DeviceHealth("board-b2", DeviceKind.LOCK_BOARD, DeviceState.DOWN, "no answer"),
        DeviceHealth("reader", DeviceKind.READER, DeviceState.OK),
    ]
    shown = staff_view(health, {"outbox_pending": 2}, ("test", "printer"), True)
    assert shown.devices == (
        views.DeviceLine("reader", True, "reader"),
        views.DeviceLine("locks", False, "board-b2: no answer"),
    )
    assert (shown.outbox_pending, shown.last_action, shown.last_target) == (2, "test", "printer")
    assert shown.restart_asked


def test_the_account_shows_this_visits_renewals() -> None:
    account = CoreAccount(
        loans=(
            LoanView("111", "Metai", datetime(2026, 11, 20), overdue=True),
            LoanView("222", "", None, overdue=False),
        ),
        holds=(HoldView("333", "Marti", True, "Desk"),),
        fines=(FineView("late", "1.50"), FineView("odd", "n/a")),
        fines_total="1.50",
        currency="EUR",
    )
    renewed = line("111", LineStatus.RENEWED, Activity.ACCOUNT, due=datetime(2026, 12, 20))
    refused = line("222", LineStatus.REFUSED, Activity.ACCOUNT, notice=Notice("item.renew_refused"))
    view = SessionView(patron_name="Ona", account=account, lines=(renewed, refused))
    shown = account_view(view, now)
    metai, other = shown.loans
    assert (metai.due, metai.overdue, metai.renewed) == (datetime(2026, 12, 20).date(), False, True)
    assert other.title == "222" and other.due == NOW.date()  # no due date from the ILS
    assert other.message == Notice("item.renew_refused").text and not other.renewed
    assert shown.holds == (views.HoldLine("Marti", True, "Desk"),)
    assert [fine.amount_cents for fine in shown.fines] == [150, 0]


def test_idle_is_the_attract_screen_and_not_timed_by_the_core() -> None:
    shown = screen_for(SessionView(), ATTRACT, COUNTS, staff=no_staff, now=now)
    assert shown == views.UiState(views.Screen.ATTRACT, ATTRACT)


def test_a_visits_screen_is_timed_by_the_core_and_shows_whole_seconds_left() -> None:
    lines = (line("1", LineStatus.BORROWED), line("2", LineStatus.RETURNED, Activity.RETURN))
    view = SessionView(state=State.WORKING, patron_name="Ona", warning_s=3.2, lines=lines)
    shown = screen_for(view, ATTRACT, COUNTS, staff=no_staff, now=now)
    assert shown.screen is views.Screen.CIRCULATION and shown.core_timed and shown.warning_s == 4
    assert isinstance(shown.view, views.CirculationView)
    assert [item.item_id for item in shown.view.lines] == ["1"]  # borrowing shows its own lines


def test_the_keypad_asks_for_the_staff_pin_after_a_staff_card() -> None:
    view = SessionView(
        state=State.AWAITING_PIN, staff_login=True, notice=Notice("patron.wrong_pin")
    )
    shown = screen_for(view, ATTRACT, COUNTS, staff=no_staff, now=now)
    assert shown.view == views.IdentifyView(
        "staff", True, "", 6, Notice("patron.wrong_pin").text, ""
    )


def test_staff_mode_asks_for_the_staff_view() -> None:
    staff = views.StaffView(staff_name="Technician")
    shown = screen_for(
        SessionView(state=State.STAFF), ATTRACT, COUNTS, staff=lambda: staff, now=now
    )
    assert shown.screen is views.Screen.STAFF and shown.view is staff


def test_the_receipt_screen_offers_the_printer_only_when_the_core_does() -> None:
    view = SessionView(
        state=State.RECEIPT, receipt_choices=("email", "none"), receipt_text="1 item"
    )
    counts = {"borrowed": 1, "returned": 0, "renewed": 0}
    shown = screen_for(view, ATTRACT, counts, staff=no_staff, now=now)
    assert isinstance(shown.view, views.ReceiptView)
    assert not shown.view.printer_ready and shown.view.borrowed == 1
    assert shown.view.spoken_receipt == "1 item"
