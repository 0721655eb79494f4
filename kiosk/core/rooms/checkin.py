"""Check-in window and no-show release, as LibCal defines them per category.

Check-in opens `checkin_before_minutes` before the start and, when the category auto-cancels
no-shows, closes `auto_cancel_minutes` after the start (else at the end). A confirmed booking
not checked in by then is a no-show: the booking system releases it ("Cancelled by System")
and the kiosk only reports what it says. Pure; `now` passed in.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from kiosk.core.rooms.model import Booking, CategoryRules


class CheckInState(StrEnum):
    TOO_EARLY = "too_early"
    OPEN = "open"
    CLOSED = "closed"  # the window passed: a no-show, or the booking ended
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"


def window(booking: Booking, rules: CategoryRules) -> tuple[datetime, datetime]:
    opens = booking.start - timedelta(minutes=rules.checkin_before_minutes)
    if rules.auto_cancel_minutes:
        closes = min(booking.end, booking.start + timedelta(minutes=rules.auto_cancel_minutes))
    else:
        closes = booking.end
    return opens, closes


def check_in_state(booking: Booking, rules: CategoryRules, now: datetime) -> CheckInState:
    if not booking.active:
        return CheckInState.CANCELLED
    if booking.checked_in:
        return CheckInState.CHECKED_IN
    opens, closes = window(booking, rules)
    if now < opens:
        return CheckInState.TOO_EARLY
    if now >= closes:
        return CheckInState.CLOSED
    return CheckInState.OPEN


def is_no_show(booking: Booking, rules: CategoryRules, now: datetime) -> bool:
    """Should the booking system release this booking now?"""
    return (
        rules.auto_cancel_minutes > 0
        and booking.active
        and not booking.checked_in
        and now >= booking.start + timedelta(minutes=rules.auto_cancel_minutes)
    )
