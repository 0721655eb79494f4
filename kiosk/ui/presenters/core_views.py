"""The core's session as the screens show it: each ``SessionView``
(core/circulation/session.py)
becomes a ``UiState`` (screen + view model), item lines become the screens' lines, the
account becomes loan, hold and fine rows, the devices' health reports become the staff
screen's rows, and the locker logic's pickup outcome becomes the pickup screen. Texts stay
msgids (kiosk/core/circulation/notices.py) until a screen renders them.

Pure and stateless: what the UI's port remembers (the visit's counts, the last staff action,
the health reports) and the clock are handed in. Must never decide anything about the
session, call the service, or import Kivy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from kiosk.core.circulation.offline_outcome import offline_outcome
from kiosk.core.circulation.session import Activity, SessionView, State
from kiosk.core.circulation.session import ItemLine as CoreLine
from kiosk.core.circulation.session import LineStatus as CoreStatus
from kiosk.core.health import DeviceHealth, DeviceKind, DeviceState
from kiosk.core.lockers.bank_state import Opened, Refused
from kiosk.ui.presenters.text import PICKUP_ERRORS
from kiosk.ui.presenters.views import (
    AccountView,
    AttractView,
    CirculationView,
    DeviceLine,
    FineLine,
    HoldLine,
    IdentifyView,
    ItemLine,
    LineStatus,
    LoanLine,
    PickupView,
    ReceiptView,
    Screen,
    StaffView,
    UiState,
)

STATUS = {
    CoreStatus.WORKING: LineStatus.READING,
    CoreStatus.WAITING_FOR_PARTS: LineStatus.WAITING_PARTS,
    CoreStatus.BORROWED: LineStatus.BORROWED,
    CoreStatus.RETURNED: LineStatus.RETURNED,
    CoreStatus.RENEWED: LineStatus.RENEWED,
}


# The staff screen's device rows, from what the adapters report (kiosk/core/health.py).
DEVICE_ROWS = {
    DeviceKind.READER: "reader",
    DeviceKind.LOCK_BOARD: "locks",
    DeviceKind.PRINTER: "printer",
    DeviceKind.ILS: "ils",
    DeviceKind.SMTP: "smtp",
    DeviceKind.AUDIO: "headphones",  # the headphone jack (kiosk/wiring/jack_health.py)
}


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment is not None else None


def _cents(amount: str) -> int:
    try:
        return int(Decimal(amount or "0") * 100)
    except InvalidOperation:
        return 0


def ui_line(line: CoreLine) -> ItemLine:
    status = STATUS.get(line.status, LineStatus.REFUSED)
    notice = line.notice
    return ItemLine(
        line.item_id,
        line.title or line.item_id,
        status,
        _day(line.due),
        line.sort_bin,
        message=notice.text if notice and status is not LineStatus.RETURNED else "",
        where=notice.where if notice else "",
    )


def line_counts(view: SessionView) -> dict[str, Any]:
    """What the visit did, for the receipt and goodbye screens: the counts, and with the
    library system offline what was kept on the kiosk and what could not be handled."""
    statuses = [line.status for line in view.lines]
    offline = offline_outcome(view.lines)
    return {
        "borrowed": statuses.count(CoreStatus.BORROWED),
        "returned": statuses.count(CoreStatus.RETURNED),
        "renewed": statuses.count(CoreStatus.RENEWED),
        "offline_kept": offline.kept,
        "not_offline": offline.not_handled,
    }


def screen_for(
    view: SessionView,
    attract: AttractView,
    counts: dict[str, Any],
    *,
    staff: Callable[[], StaffView],
    now: Callable[[], datetime],
) -> UiState:
    """The screen for the core's view; a visit's screens are timed by the core (its idle
    timer is the only one that ends a visit), the UI just shows its warning. ``staff`` and
    ``now`` are asked only when the screen needs them."""
    state = _screen_of(view, attract, counts, staff, now)
    if view.state is State.IDLE:
        return state
    left = math.ceil(view.warning_s) if view.warning_s is not None else None
    return replace(state, core_timed=True, warning_s=left)


def _screen_of(
    view: SessionView,
    attract: AttractView,
    counts: dict[str, Any],
    staff: Callable[[], StaffView],
    now: Callable[[], datetime],
) -> UiState:
    notice = view.notice
    message, where = (notice.text, notice.where) if notice else ("", "")
    purpose = "staff" if view.staff_login else "patron"  # the keypad asks the staff PIN
    match view.state:
        case State.IDLE:
            return UiState(Screen.ATTRACT, attract)
        case State.IDENTIFYING | State.AWAITING_PIN:
            return UiState(Screen.IDENTIFY, IdentifyView(purpose, True, "", 6, message, where))
        case State.REFUSED:
            return UiState(Screen.IDENTIFY, IdentifyView(purpose, False, "", 6, message, where))
        case State.STAFF:
            return UiState(Screen.STAFF, staff())
        case State.RECEIPT:
            printer = "print" in view.receipt_choices
            receipt = ReceiptView(printer, False, **counts, spoken_receipt=view.receipt_text)
            return UiState(Screen.RECEIPT, receipt)
        case State.RETURNS:
            lines = tuple(ui_line(line) for line in view.lines)
            return UiState(Screen.CIRCULATION, CirculationView("return", "", lines))
    if view.activity is Activity.ACCOUNT and view.account is not None:
        return UiState(Screen.ACCOUNT, account_view(view, now))
    lines = tuple(ui_line(line) for line in view.lines if line.activity is Activity.BORROW)
    return UiState(Screen.CIRCULATION, CirculationView("borrow", view.patron_name, lines))


def staff_view(
    health: Iterable[DeviceHealth],
    overview: dict[str, Any],
    last_action: tuple[str, str],
    restart_asked: bool,
) -> StaffView:
    """One row per kind of device; a row is healthy only if every device of it is."""
    reported = list(health)
    rows = []
    for kind, row in DEVICE_ROWS.items():
        reports = [h for h in reported if h.kind is kind]
        if not reports:
            continue
        faults = [h for h in reports if h.state is not DeviceState.OK]
        detail = "; ".join(f"{h.device}: {h.reason or h.state.value}" for h in faults)
        rows.append(DeviceLine(row, not faults, detail or ", ".join(h.device for h in reports)))
    action, target = last_action
    return StaffView(
        devices=tuple(rows),
        last_action=action,
        last_target=target,
        restart_asked=restart_asked,
        **overview,
    )


def account_view(view: SessionView, now: Callable[[], datetime]) -> AccountView:
    """The account screen: loans with this visit's renewals applied, holds, fines in cents."""
    account = view.account
    assert account is not None
    renewals = {line.item_id: line for line in view.lines if line.activity is Activity.ACCOUNT}
    loans = []
    for loan in account.loans:
        line = renewals.get(loan.item_id)
        renewed = line is not None and line.status is CoreStatus.RENEWED
        refused = line is not None and line.status is not CoreStatus.RENEWED
        due = _day(line.due if renewed and line and line.due else loan.due)
        loans.append(
            LoanLine(
                loan.item_id,
                loan.title or loan.item_id,
                due or now().date(),
                loan.overdue and not renewed,
                renewed,
                message=line.notice.text if refused and line and line.notice else "",
            )
        )
    holds = tuple(HoldLine(hold.title, hold.ready, hold.where) for hold in account.holds)
    fines = tuple(FineLine(fine.description, _cents(fine.amount)) for fine in account.fines)
    return AccountView(view.patron_name, tuple(loans), holds, fines)


def pickup_outcome(
    outcome: Opened | Refused | None, *, by_card: bool, card_offered: bool
) -> PickupView:
    """The pickup screen after the locker logic answered a door code or a card + PIN: the
    compartments that opened, or the refusal in words on the keypad the patron used. An
    answer it does not know reads as a wrong code on the code path (as it always has) and
    as "see a librarian" on the card path; None means no locker bank answers at all."""
    match outcome:
        case Opened(compartments=opened) if opened:
            return PickupView("opened", ", ".join(str(number) for number in opened))
        case None:
            error = "door_failed"
        case Refused(reason=reason) if reason in PICKUP_ERRORS:
            error = reason
        case _:
            error = "door_failed" if by_card else "wrong_code"
    stage = "card" if by_card else "code"
    return PickupView(stage, error=error, card_offered=card_offered)
