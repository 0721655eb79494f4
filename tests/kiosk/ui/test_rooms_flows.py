"""Room booking through the touch screen, end to end: taps under Xvfb -> RoomsFlow -> the room
desk (kiosk/core/rooms) -> CachedRooms with a real SQLite cache -> LibCalClient -> the LibCal
1.1 simulator over real HTTP on loopback. Book from now, get the confirmation by e-mail, check
in, cancel, in Lithuanian and English; the board stays usable and says it may be out of date
when the simulator stops answering; staff see the day and refresh."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from backend_sync.rooms.cache import RoomsCache
from backend_sync.rooms.libcal_client import LibCalClient
from backend_sync.rooms.sync import CachedRooms
from kiosk.core.receipts import as_text, layout
from kiosk.core.rooms.model import CANCELLED_BY_USER, Patron
from kiosk.core.rooms.patrons import KnownPatrons
from kiosk.i18n import Catalogs
from kiosk.settings.ui import UiSection
from kiosk.ui.app import KioskApp
from kiosk.ui.presenters.views import AttractView, Screen
from kiosk.ui.rooms_session import RoomsFlow
from simulators.models.rooms import RoomsModel, SimClock
from simulators.models.rooms_dataset import library_dataset
from simulators.rooms.server import LibCalSimulator
from tests.kiosk.ui.scripted_port import ScriptedPort

TZ = ZoneInfo("Europe/Vilnius")
NOW = datetime(2026, 11, 25, 10, 10, tzinfo=TZ)
RUTA = Patron("24000123", "Rūta", "Petraitienė", "ruta.petraitiene@example.lt")
SPACE = 302  # an individual work space with no booking in the seeded data set at 10:00


@dataclass
class Backend:
    bookings: CachedRooms
    patrons: KnownPatrons
    library_name: str = "Apskrities viešoji biblioteka"
    kiosk_id: str = "kiosk-1"
    offers_print: bool = False
    offers_email: bool = True

    def refresh(self, now: datetime, force: bool) -> bool:
        report = self.bookings.refresh(now) if force else self.bookings.refresh_if_due(now)
        return report is None or report.ok


@pytest.fixture
def rooms(harness, tmp_path):
    clock = SimClock(TZ, NOW)
    sim = LibCalSimulator(RoomsModel(library_dataset(NOW.date(), TZ), clock)).start()
    rules = {c.cid: c.rules for c in sim.model.data.categories}
    client = LibCalClient(
        sim.url, "kiosk", "demo", tz=TZ, rules_for=rules.__getitem__, timeout_s=5.0, retries=0
    )
    cached = CachedRooms(
        client,
        RoomsCache(tmp_path / "rooms.sqlite"),
        refresh_every=timedelta(seconds=60),
        stale_after=timedelta(seconds=300),
    )
    mails: list[tuple[str, str]] = []

    def send_receipt(kind, receipt, patron, language) -> bool:
        texts = Catalogs().translator(language)
        mails.append((patron.email, as_text(layout(receipt, texts, 32), 32)))
        return kind == "email"

    inner = ScriptedPort(AttractView("B"), NOW.date())
    flow = RoomsFlow(inner, Backend(cached, KnownPatrons(RUTA)), clock, send_receipt)
    harness.app.close()
    harness.window.remove_widget(harness.root)
    harness.flow, harness.sim, harness.clock, harness.mails = flow, sim, clock, mails
    yield harness
    client.close()
    sim.stop()


def start_app(h, language: str) -> None:
    h.app = KioskApp(h.flow, Catalogs(), UiSection(fullscreen=False), "B", language)
    h.root = h.app.build()
    h.window.add_widget(h.root)
    h.settle()


def row_of(h, space_id: int) -> int:
    return [row.space_id for row in h.app.state.view.rows].index(space_id)


def sim_booking(h, booking_id: str):
    return next(b for b in h.sim.model.bookings(NOW.date()) if b.booking_id == booking_id)


WORDS = {
    "lt": ("Laisva iki", "Patalpa rezervuota", "Atvykimas patvirtintas", "Rezervacija atšaukta"),
    "en": ("Free until", "The room is booked", "You are checked in", "The booking is cancelled"),
}


@pytest.mark.parametrize("language", ["lt", "en"])
def test_book_check_in_and_cancel_through_the_screens(rooms, language: str) -> None:
    h = rooms
    start_app(h, language)
    free, booked, checked_in, cancelled = WORDS[language]
    h.tap("rooms")
    assert h.screen is Screen.ROOMS
    board = h.app.screens[Screen.ROOMS]
    assert free in board.rows.rows[0].status.text
    h.tap("row:action", row_of(h, SPACE))
    assert h.screen is Screen.IDENTIFY
    h.keys(RUTA.card)
    assert h.screen is Screen.ROOM_BOOK
    view = h.app.state.view
    assert view.walk_up and view.start == NOW.replace(minute=0)
    h.tap("time:1")  # from 10:00 until 11:00
    assert h.screen is Screen.ROOM_DONE
    done = h.app.screens[Screen.ROOM_DONE]
    assert done.title.text == booked
    booking_id = h.app.state.view.booking_id
    made = sim_booking(h, booking_id)
    assert (made.space_id, made.email, made.end.hour) == (SPACE, RUTA.email, 11)
    assert booking_id in done.receipt.text
    h.tap("receipt:email")
    assert h.mails[0][0] == RUTA.email and booking_id in h.mails[0][1]
    h.tap("receipt:none")
    assert h.screen is Screen.ATTRACT

    h.tap("rooms")
    h.tap("rooms:mine")
    h.keys(RUTA.card)
    assert h.screen is Screen.ROOM_MINE
    assert [b.booking_id for b in h.app.state.view.bookings] == [booking_id]
    h.tap("row:action")  # check in: the window is open at 10:10
    assert h.app.screens[Screen.ROOM_DONE].title.text == checked_in
    assert sim_booking(h, booking_id).checked_in
    h.tap("back")
    h.tap("rooms:mine")
    h.tap("row:action")  # checked in: the row now offers to cancel
    assert h.app.screens[Screen.ROOM_DONE].title.text == cancelled
    assert sim_booking(h, booking_id).status == CANCELLED_BY_USER
    h.tap("receipt:none")
    assert h.screen is Screen.ATTRACT
    assert not any(b.email == RUTA.email and b.active for b in h.sim.model.bookings(NOW.date()))


def test_the_board_stays_usable_and_says_stale_when_the_system_is_down(rooms) -> None:
    h = rooms
    start_app(h, "lt")
    h.tap("rooms")
    board = h.app.screens[Screen.ROOMS]
    assert board.notice.text == ""
    h.tap("back")
    h.sim.actions()["unreachable"]({"on": 1})
    h.clock.advance(timedelta(minutes=6))
    h.tap("rooms")
    assert h.screen is Screen.ROOMS
    assert board.notice.text == "Duomenys gali būti pasenę: atnaujinta 10:10"
    assert len(h.app.state.view.rows) == 8  # the day's picture from the cache
    h.tap("row:action", row_of(h, SPACE))
    h.keys(RUTA.card)
    assert h.screen is Screen.ROOM_BOOK  # choosing a time works from the cache
    h.tap("time:0")
    error = h.app.screens[Screen.ROOM_BOOK].error.text
    assert error == "! Rezervavimo sistema neatsako. Bandykite vėliau."
    assert not any(b.email == RUTA.email for b in h.sim.model.bookings(NOW.date()))
    h.tap("back")
    assert h.screen is Screen.ROOMS


def test_staff_see_the_day_by_room_and_refresh(rooms) -> None:
    h = rooms
    start_app(h, "en")
    h.tap("start")
    h.keys("99000001")
    h.keys("4321")
    assert h.screen is Screen.STAFF
    h.tap("rooms")
    assert h.screen is Screen.ROOM_STAFF
    rooms_view = h.app.state.view
    names = {room.name for room in rooms_view.rooms}
    assert "Menų skaitykla" in names and len(names) == 8
    seeded = sum(len(room.bookings) for room in rooms_view.rooms)
    assert seeded == len(h.sim.model.bookings(NOW.date()))
    h.sim.actions()["unreachable"]({"on": 1})
    h.tap("rooms:refresh")
    notice = h.app.screens[Screen.ROOM_STAFF].notice.text
    assert notice == "The booking system is not answering. Please try again later."
    h.sim.actions()["unreachable"]({"on": 0})
    h.tap("rooms:refresh")
    assert h.app.screens[Screen.ROOM_STAFF].notice.text == "Refreshed from the booking system."
    h.tap("back")
    assert h.screen is Screen.STAFF
