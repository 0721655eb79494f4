"""From the room desk's answers to the room screens' views: board rows with the day's free
stretches, the reader's bookings with whether check-in is open, staff's day by room.

Pure (no I/O, `now` passed in), so RoomsFlow only sequences; the rules stay in kiosk/core/rooms
(check-in window: checkin.py; free stretches: board.timeline).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from kiosk.core.rooms.board import timeline
from kiosk.core.rooms.checkin import CheckInState, check_in_state
from kiosk.core.rooms.desk import BoardView
from kiosk.core.rooms.model import Booking, CategoryRules, RoomsSnapshot, Space
from kiosk.ui.presenters.rooms import (
    MyBooking,
    RoomBoardView,
    RoomMineView,
    RoomRow,
    RoomStaffView,
    StaffBookingLine,
    StaffRoom,
)
from kiosk.ui.presenters.views import AttractView, CirculationView, StaffView, UiState


def board_view(
    board: BoardView, snap: RoomsSnapshot, now: datetime, page: int = 0, error: str = ""
) -> RoomBoardView:
    rows = tuple(
        RoomRow(
            row.space.id,
            row.space.name,
            row.space.capacity,
            row.free_now,
            row.free_until,
            row.next_free,
            tuple(
                (max(s.start, now), s.end)
                for s in timeline(snap, row.space)
                if s.state == "free" and s.end > now
            ),
            row.closed_today,
            row.opens_next,
            row.bookable,
        )
        for row in board.rows
    )
    return RoomBoardView(rows, board.refreshed_at, board.stale, page, error=error)


def mine_view(
    bookings: Iterable[Booking], snap: RoomsSnapshot, name: str, now: datetime, error: str = ""
) -> RoomMineView:
    names = {space.id: space.name for space in snap.spaces}
    lines = tuple(
        MyBooking(
            b.booking_id,
            names.get(b.space_id, str(b.space_id)),
            b.start,
            b.end,
            b.checked_in,
            check_in_state(b, rules_of(snap, b.space_id), now) is CheckInState.OPEN,
        )
        for b in bookings
    )
    return RoomMineView(lines, name, error)


def staff_view(
    day: Iterable[tuple[Space, tuple[Booking, ...]]], board: BoardView, refreshed: str = ""
) -> RoomStaffView:
    rooms = tuple(
        StaffRoom(
            space.name,
            tuple(
                StaffBookingLine(b.start, b.end, short_name(b), b.active, b.checked_in)
                for b in bookings
            ),
        )
        for space, bookings in day
    )
    return RoomStaffView(rooms, board.refreshed_at, board.stale, refreshed)


def short_name(booking: Booking) -> str:
    """Staff see a first name and an initial: enough to greet, never the e-mail."""
    initial = f" {booking.last_name[:1]}." if booking.last_name else ""
    return f"{booking.first_name}{initial}".strip()


def rules_of(snap: RoomsSnapshot, space_id: int) -> CategoryRules:
    space = snap.space(space_id)
    category = snap.category(space.cid) if space else None
    return category.rules if category else CategoryRules()


def offering_rooms(state: UiState) -> UiState:
    """The wrapped port's entry screens get their "Book a room" / "Rooms" buttons."""
    if isinstance(state.view, AttractView | CirculationView | StaffView):
        return replace(state, view=replace(state.view, offers_rooms=True))
    return state
