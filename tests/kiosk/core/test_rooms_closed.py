"""Closed rooms (issue 18): on a day the library is closed, or after closing time, the board
says "closed today" and when it opens next (from the hours the snapshot holds), offers no
booking where no slot exists, and says it in each language's own words and plurals."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.rooms.board import board, closed_today, next_opening, room_now
from kiosk.core.rooms.desk import BoardView
from kiosk.core.rooms.model import Location, OpeningHours, RoomsSnapshot, Slot, Space
from kiosk.i18n import Catalogs
from kiosk.ui.presenters.rooms import capacity_text, closed_status, room_row
from kiosk.ui.presenters.rooms_build import board_view
from kiosk.ui.presenters.text import Tone

TZ = ZoneInfo("Europe/Vilnius")
SUNDAY = date(2026, 11, 29)
ROOM = Space(311, 101, 202, "Grupinio darbo erdvė A", 6)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def snap(today: OpeningHours, *later: OpeningHours, free: tuple[Slot, ...] = ()) -> RoomsSnapshot:
    return RoomsSnapshot(
        day=today.day,
        locations=(Location(101, "Centrinė"),),
        spaces=(ROOM,),
        hours=(today, *later),
        free={ROOM.id: free} if free else {},
    )


MONDAY = SUNDAY + timedelta(days=1)
CLOSED_SUNDAY = OpeningHours(101, SUNDAY, None, None)
OPEN_MONDAY = OpeningHours(101, MONDAY, at(MONDAY, 10), at(MONDAY, 19))


def test_a_closed_day_is_closed_not_busy_and_names_the_next_opening() -> None:
    row = room_now(snap(CLOSED_SUNDAY, OPEN_MONDAY), ROOM, at(SUNDAY, 18))
    assert row.closed_today and not row.bookable and not row.free_now
    assert row.opens_next == at(MONDAY, 10)


def test_after_closing_time_the_day_is_closed_too() -> None:
    open_sunday = OpeningHours(101, SUNDAY, at(SUNDAY, 10), at(SUNDAY, 16))
    before = snap(open_sunday, free=(Slot(at(SUNDAY, 15), at(SUNDAY, 16)),))
    assert not closed_today(before, 101, at(SUNDAY, 14))
    assert room_now(before, ROOM, at(SUNDAY, 14)).bookable
    assert closed_today(before, 101, at(SUNDAY, 16))
    assert next_opening(snap(open_sunday, OPEN_MONDAY), 101, at(SUNDAY, 17)) == at(MONDAY, 10)
    assert next_opening(snap(open_sunday, OPEN_MONDAY), 101, at(SUNDAY, 9)) == at(SUNDAY, 10)


def test_unknown_hours_are_not_called_closed() -> None:
    bare = RoomsSnapshot(day=SUNDAY, spaces=(ROOM,))
    row = room_now(bare, ROOM, at(SUNDAY, 18))
    assert not row.closed_today and row.opens_next is None and not row.bookable


WORDS = {
    "lt": ("Šiandien uždaryta", "Atsidaro pirmadienį 10:00"),
    "en": ("Closed today", "Opens Monday 10:00"),
    "ru": ("Сегодня закрыто", "Откроется в понедельник в 10:00"),
    "uk": ("Сьогодні зачинено", "Відчиниться в понеділок о 10:00"),
    "pl": ("Dziś nieczynne", "Otwarcie w poniedziałek o 10:00"),
}


@pytest.mark.parametrize("language", sorted(WORDS))
def test_the_board_row_says_closed_and_when_it_opens(language: str) -> None:
    tr = Catalogs().translator(language)
    s = snap(CLOSED_SUNDAY, OPEN_MONDAY)
    now = at(SUNDAY, 18)
    (row,) = board_view(BoardView(board(s, now), now, False), s, now).rows
    shown = room_row(row, tr)
    closed, opens = WORDS[language]
    assert shown.status == closed and shown.tone is Tone.NEUTRAL  # closed is not "busy" (bad)
    assert shown.detail.startswith(opens)
    assert closed_status(row, tr) == f"{closed} — {opens[:1].lower()}{opens[1:]}"
    assert not row.bookable


@pytest.mark.parametrize(
    ("count", "lithuanian"),
    [(1, "1 asmeniui"), (2, "iki 2 asmenų"), (10, "iki 10 asmenų"), (21, "21 asmeniui")],
)
def test_capacity_takes_the_lithuanian_plural_form(count: int, lithuanian: str) -> None:
    assert capacity_text(count, Catalogs().translator("lt")) == lithuanian
