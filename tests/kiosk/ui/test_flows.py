"""Touch flows through the real app, by simulated touches on the Kivy window (Xvfb), against
the scripted port of tests/kiosk/ui/scripted_port.py, to check the screens' rendering line by
line (the flows against the real core are in test_core_flows.py): borrow, renew, return,
pickup, staff, the idle timeout from a dialog, language switching mid-session, and nothing
left behind when a visit ends."""

from __future__ import annotations

from kiosk.ui.presenters.views import Screen
from tests.kiosk.ui.scripted_port import DOOR_CODE, PATRON_CARD, PATRON_PIN, STAFF_CARD, STAFF_PIN


def sign_in(h) -> None:
    h.tap("start")
    h.keys(PATRON_CARD)
    h.keys(PATRON_PIN)


def test_borrow_a_stack_and_leave_without_receipt(harness) -> None:
    h = harness
    assert h.screen is Screen.ATTRACT
    sign_in(h)
    assert h.screen is Screen.CIRCULATION
    h.session.pad_reads(4)
    h.settle()
    circulation = h.app.screens[Screen.CIRCULATION]
    texts = [row.status.text for row in circulation.rows.rows if row.parent is not None]
    assert texts == ["Laukiama", "Neatlikta", "Paimta", "Paimta"]
    details = [row.detail.text for row in circulation.rows.rows if row.parent is not None]
    assert "Rezervuota kitam skaitytojui" in details[1]
    assert "2026 m. gruodžio 16 d." in details[2]
    h.tap("done")
    assert h.screen is Screen.RECEIPT
    h.tap("receipt:none")
    assert h.screen is Screen.GOODBYE
    h.tap("finish")
    assert h.screen is Screen.ATTRACT


def test_wrong_pin_is_said_in_plain_words(harness) -> None:
    h = harness
    h.tap("start")
    h.keys(PATRON_CARD)
    h.keys("9999")
    identify = h.app.screens[Screen.IDENTIFY]
    assert h.screen is Screen.IDENTIFY
    assert "Neteisingas PIN kodas" in identify.error.text


def test_renew_all_from_my_account(harness) -> None:
    h = harness
    sign_in(h)
    h.tap("account")
    assert h.screen is Screen.ACCOUNT
    h.tap("renew_all")
    account = h.app.screens[Screen.ACCOUNT]
    statuses = [row.status.text for row in account.loans.rows if row.parent is not None]
    assert statuses == ["Nepratęsta", "Pratęsta", "Pratęsta"]
    assert account.total.text == "Iš viso mokėti: 1,20 €"


def test_return_without_login_and_the_sort_instruction(harness) -> None:
    h = harness
    h.tap("return")
    h.session.pad_reads(2)
    h.settle()
    rows = [row for row in h.app.screens[Screen.CIRCULATION].rows.rows if row.parent]
    assert [row.detail.text for row in rows] == [
        "Įdėkite jį į grąžinimo dėžę.",
        "Padėkite jį į lentyną B3.",
    ]


def test_locker_pickup_by_door_code(harness) -> None:
    h = harness
    h.tap("pickup")
    h.keys("111111")
    pickup = h.app.screens[Screen.PICKUP]
    assert "Kodas neteisingas" in pickup.error.text
    h.keys(DOOR_CODE)
    assert pickup.compartment.text == "Langelis 7"
    assert "uždarykite" in pickup.hint.text
    h.session.door_closed()
    h.settle()
    assert pickup.title.text == "Ačiū!"
    h.tap("cancel")
    assert h.screen is Screen.ATTRACT


def test_staff_mode_tabs_and_a_device_test(harness) -> None:
    h = harness
    h.tap("start")
    h.keys(STAFF_CARD)
    h.keys(STAFF_PIN)
    assert h.screen is Screen.STAFF
    staff = h.app.screens[Screen.STAFF]
    h.tap("row:action", index=2)
    assert staff.result.text == "Bandymas pradėtas: Kvitų spausdintuvas"
    for tab in ("lockers", "outbox", "settings", "devices"):
        h.tap(f"tab:{tab}")
        assert staff.tab == tab
    h.tap("leave")
    assert h.screen is Screen.ATTRACT


def test_language_switch_keeps_the_session(harness) -> None:
    h = harness
    sign_in(h)
    h.session.pad_reads(2)
    h.settle()
    before = h.app.state
    h.tap("language:pl")
    assert h.app.state is before
    circulation = h.app.screens[Screen.CIRCULATION]
    assert circulation.title.text == "Wypożyczanie"
    assert circulation.count.text == "2 egzemplarze"
    h.tap("language:uk")
    assert circulation.count.text == "2 видання"


def test_idle_timeout_fires_from_the_email_dialog(harness) -> None:
    h = harness
    sign_in(h)
    h.session.pad_reads(1)
    h.settle()
    h.tap("done")
    h.tap("receipt:email")
    dialog = h.app.screens[Screen.RECEIPT].dialog
    assert dialog.parent is not None
    h.now += 60 - 20 + 1
    h.app._tick()
    h.settle()
    assert h.app.timeout_dialog.parent is not None
    assert "sekund" in h.app.timeout_dialog.countdown.text
    h.now += 20
    h.app._tick()
    h.settle()
    assert h.screen is Screen.ATTRACT
    assert dialog.parent is None and h.app.timeout_dialog.parent is None


def test_extend_my_time_keeps_the_visit(harness) -> None:
    h = harness
    sign_in(h)
    h.now += 45
    h.app._tick()
    h.settle()
    h.tap("extend")
    assert h.app.timeout_dialog.parent is None
    h.now += 30
    h.app._tick()
    assert h.screen is Screen.CIRCULATION
