"""Identifying a patron: ask the ILS about the card (and PIN), count wrong PINs, and fall
back to the offline policy when the ILS cannot be reached. Returns what the session table
should do next ("accepted", "pin_needed" or "refused") with the notice to show; fills the
visit with the patron and their own loans. No I/O but the LibrarySystem port.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.circulation.notices import Notice
from kiosk.core.circulation.offline_policy import OfflineMode, OfflinePolicy
from kiosk.core.circulation.visit import Visit
from kiosk.core.errors import LibrarySystemError, LibraryUnavailable
from kiosk.core.patron_checks import PinLockout, check_patron
from kiosk.core.ports import LibrarySystem


@dataclass(frozen=True)
class Identified:
    event: str  # a session table event: accepted, pin_needed, refused
    notice: Notice | None = None
    asked_ils: bool = True  # False: the ILS could not be reached


async def identify(
    library: LibrarySystem,
    policy: OfflinePolicy,
    lockout: PinLockout,
    expired_markers: tuple[str, ...],
    visit: Visit,
    pin: str | None,
    now: float,
) -> Identified:
    try:
        patron = await library.patron(visit.card, pin, details="charged")
    except LibraryUnavailable:
        return _offline(policy, visit, pin)
    except LibrarySystemError:
        return Identified("refused", Notice("offline.out_of_service"))
    verdict = check_patron(patron, expired_markers)
    if verdict.reason == "patron.wrong_pin":
        if lockout.wrong(visit.card, now):
            return Identified("refused", Notice("patron.locked_out"))
        return Identified("pin_needed", Notice("patron.wrong_pin"))
    if not verdict.ok:
        return Identified("refused", Notice(verdict.reason, verdict.detail))
    lockout.right(visit.card)
    visit.pin = pin
    visit.patron = patron
    visit.may_borrow = verdict.may_borrow
    visit.own_loans = set(patron.charged_items)
    notice = Notice(verdict.reason, verdict.detail) if verdict.reason else None
    visit.borrow_refusal = None if verdict.may_borrow else notice
    return Identified("accepted", notice)


def _offline(policy: OfflinePolicy, visit: Visit, pin: str | None) -> Identified:
    decision = policy.identify()
    if not decision.allowed:
        return Identified("refused", Notice(decision.reason), asked_ils=False)
    visit.pin = pin
    visit.may_borrow = policy.mode is OfflineMode.RETURNS_AND_CHECKOUTS
    return Identified(
        "accepted", None if visit.may_borrow else Notice("offline.no_checkouts"), False
    )
