"""What the screen sees of the session: ``ScreenState`` (what a visit shows besides its item
lines: the activity, a dialog, a notice, the idle warning, the account, whether a staff card
signs in, how the last visit ended) and ``session_view``, which folds it with the session's
state, the visit and its receipt desk into the immutable SessionView the UI observes.

Must never: put a full card number, a PIN or anything of a patron but their name, lines and
account into the view (a staff card appears masked, in STAFF only), or outlive the visit
(the circulation service takes a fresh ScreenState for every visit).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk.core.circulation.notices import Notice
from kiosk.core.circulation.session import AccountView, Activity, EndReason, SessionView, State
from kiosk.core.circulation.visit import Visit
from kiosk.core.privacy import mask_card
from kiosk.core.receipt_delivery import ReceiptDesk


@dataclass
class ScreenState:
    activity: Activity = Activity.BORROW
    dialog: str = ""
    notice: Notice | None = None
    warning: float | None = None  # seconds left before the idle end, while warning
    account: AccountView | None = None
    staff: bool = False  # this visit is a staff sign-in (a staff card was shown)
    last_end: EndReason | None = None


def session_view(
    state: State,
    screen: ScreenState,
    visit: Visit | None,
    desk: ReceiptDesk | None,
    tries_left: Callable[[str], int],
) -> SessionView:
    patron = visit.patron if visit else None
    return SessionView(
        state=state,
        activity=screen.activity,
        patron_name=patron.name if patron else "",
        may_borrow=bool(visit and (visit.may_borrow or visit.offline)),
        offline=bool(visit and visit.offline),
        warning_s=screen.warning,
        dialog=screen.dialog,
        notice=screen.notice,
        lines=tuple(visit.lines.values()) if visit else (),
        account=screen.account,
        receipt_choices=tuple(c.value for c in desk.choices()) if desk else (),
        receipt_text=desk.spoken() if desk and state is State.RECEIPT else "",
        pin_tries_left=(
            tries_left(visit.card) if visit and visit.card and state is State.AWAITING_PIN else None
        ),
        staff_login=screen.staff,
        staff_id=mask_card(visit.card) if visit and state is State.STAFF else "",
        last_end=screen.last_end,
    )
