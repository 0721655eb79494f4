"""RoomsFlow without a window: it passes the session's intents through untouched, puts the room
screens in front when asked, asks for the card only when it needs one, turns every desk error
into a code on the right screen, and gives the session back when the rooms are left. The
backend is the scripted one (tests/kiosk/ui/scripted_rooms.py), so the rules are the real room
desk's."""

from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.receipts import Receipt, RoomBookingSlip, as_text, layout
from kiosk.i18n import Catalogs
from kiosk.ui.presenters.intents import CardPresented, Finished, StartTapped, TimedOut
from kiosk.ui.presenters.rooms import (
    BookingAction,
    MyBooking,
    MyBookingsOpened,
    RoomChosen,
    RoomLaterChosen,
    RoomReceiptChosen,
    RoomRow,
    RoomsBack,
    RoomsOpened,
    RoomTimeChosen,
    my_booking_row,
    room_row,
    stale_text,
)
from kiosk.ui.presenters.views import AttractView, Screen
from kiosk.ui.rooms_session import RoomsFlow
from tests.kiosk.ui.scripted_port import ScriptedPort
from tests.kiosk.ui.scripted_rooms import ScriptedRooms

TZ = ZoneInfo("Europe/Vilnius")
DAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 10, 10, tzinfo=TZ)
RUTA, JONAS = "24000123", "24000124"


class Backend:
    def __init__(self, demo: ScriptedRooms) -> None:
        self.bookings = self.patrons = demo
        self.library_name, self.kiosk_id = "B", "kiosk-1"
        self.offers_print, self.offers_email = True, True
        self.refresh = demo.refresh


@pytest.fixture
def flow():
    demo = ScriptedRooms(DAY, TZ)
    inner = ScriptedPort(AttractView("B"), DAY)
    sent: list[tuple[str, Receipt, str]] = []

    def send_receipt(kind, receipt, patron, language) -> bool:
        sent.append((kind, receipt, patron.email))
        return True

    made = RoomsFlow(inner, Backend(demo), lambda: NOW, send_receipt)
    made.demo, made.sent, made.shown = demo, sent, []
    made.subscribe(made.shown.append)
    return made


def book(flow, card: str, space: int = 301, end_index: int = 1):
    flow.send(RoomChosen(space))
    flow.send(CardPresented(card))
    flow.send(RoomTimeChosen(flow.state().view.choices[end_index]))
    return flow.state().view


def test_session_intents_pass_through_and_entry_screens_offer_rooms(flow) -> None:
    assert flow.state().view.offers_rooms
    flow.send(StartTapped("patron"))
    assert flow.state().screen is Screen.IDENTIFY
    flow.send(CardPresented("24000123"))
    assert flow.state().view.card_seen  # the session's PIN step, not the rooms'


def test_a_walk_up_booking_from_now_and_its_receipt(flow) -> None:
    flow.send(StartTapped("rooms"))
    assert flow.state().screen is Screen.ROOMS
    done = book(flow, RUTA)
    assert (done.outcome, done.start.hour, done.end.hour) == ("booked", 10, 11)
    flow.send(RoomReceiptChosen("email", "en"))
    kind, receipt, email = flow.sent[0]
    assert (kind, email, flow.state().view.delivery) == ("email", "ruta@example.lt", "emailed")
    text = as_text(layout(receipt, Catalogs().translator("en"), 32), 32)
    assert "Room: Individuali erdvė 1" in text and done.booking_id in text
    assert "24000123" not in text  # the card is masked
    flow.send(Finished())
    assert flow.state().screen is Screen.ATTRACT


def test_a_later_start_then_its_end(flow) -> None:
    flow.send(RoomsOpened())
    flow.send(RoomChosen(301))
    flow.send(CardPresented(RUTA))
    flow.send(RoomLaterChosen())
    view = flow.state().view
    assert view.stage == "starts" and all(t > NOW for t in view.choices)
    flow.send(RoomTimeChosen(view.choices[4]))
    view = flow.state().view
    assert view.stage == "ends" and not view.walk_up and view.start.hour == 12
    flow.send(RoomTimeChosen(view.choices[0]))
    assert flow.state().view.outcome == "booked"


def test_a_busy_room_offers_later_times_only(flow) -> None:
    flow.send(StartTapped("rooms"))
    flow.send(RoomChosen(311))  # booked 9–11 in the demo
    flow.send(CardPresented(RUTA))
    view = flow.state().view
    assert view.stage == "starts" and view.choices[0] == NOW.replace(hour=11, minute=0)


def test_an_unknown_card_is_asked_again_in_words(flow) -> None:
    flow.send(StartTapped("rooms"))
    flow.send(MyBookingsOpened())
    flow.send(CardPresented("999"))
    state = flow.state()
    assert state.screen is Screen.IDENTIFY and "cannot book rooms" in state.view.message


def test_a_time_taken_meanwhile_is_refused_in_words_on_the_booking_screen(flow) -> None:
    flow.send(StartTapped("rooms"))
    flow.send(RoomChosen(301))
    flow.send(CardPresented(RUTA))
    view = flow.state().view
    jonas = flow.demo.patron_by_card(JONAS)
    flow.demo.reserve(jonas, 301, view.start, view.choices[0])  # someone was quicker
    flow.send(RoomTimeChosen(view.choices[0]))
    state = flow.state()
    assert state.screen is Screen.ROOM_BOOK and state.view.error == "not_free"
    assert len(flow.demo.bookings) == 2


def test_check_in_while_the_system_is_down_is_queued_and_cancel_is_refused(flow) -> None:
    flow.send(StartTapped("rooms"))
    booked = book(flow, RUTA)
    flow.demo.reachable = False
    flow.send(RoomsBack())
    flow.send(MyBookingsOpened())
    flow.send(BookingAction("checkin", booked.booking_id))
    view = flow.state().view
    assert (view.outcome, view.queued) == ("checked_in", True)
    flow.send(RoomsBack())
    flow.send(MyBookingsOpened())
    flow.send(BookingAction("cancel", booked.booking_id))
    assert flow.state().view.error == "unreachable"
    assert flow.demo.bookings[-1].active


def test_another_readers_booking_cannot_be_touched(flow) -> None:
    flow.send(StartTapped("rooms"))
    flow.send(MyBookingsOpened())
    flow.send(CardPresented(JONAS))
    flow.send(BookingAction("cancel", "cs_DEMO0001"))
    assert flow.state().view.outcome == "cancelled"  # Jonas's own
    flow.send(RoomsBack())
    flow.send(RoomsBack())
    flow.send(StartTapped("rooms"))
    flow.send(MyBookingsOpened())
    flow.send(CardPresented(RUTA))
    flow.send(BookingAction("cancel", "cs_DEMO0001"))
    assert flow.state().view.error in ("not_yours", "already_cancelled")


def test_a_timeout_leaves_the_rooms_and_reaches_the_session(flow) -> None:
    flow.send(StartTapped("rooms"))
    flow.send(RoomChosen(301))
    flow.send(TimedOut())
    assert flow.state().screen is Screen.ATTRACT
    flow.send(StartTapped("rooms"))
    flow.send(RoomChosen(301))
    assert flow.state().screen is Screen.IDENTIFY  # the card was forgotten


def test_staff_view_shows_names_not_emails(flow) -> None:
    flow.send(RoomsOpened(staff=True))
    rooms = flow.state().view.rooms
    lines = [line for room in rooms for line in room.bookings]
    assert [line.who for line in lines] == ["Jonas J."]


def test_words_for_the_board_and_my_bookings() -> None:
    tr = Catalogs().translator("lt")
    at = NOW.replace(hour=12, minute=30)
    row = RoomRow(1, "Menų skaitykla", 20, True, at, None, ((NOW, at),))
    text = room_row(row, tr)
    assert text.status == "Laisva iki 12:30"
    assert text.detail == "iki 20 asmenų · Šiandien laisva: 10:10–12:30"
    busy = room_row(RoomRow(1, "A", 1, False, None, at), tr)
    assert busy.status == "Užimta, laisva nuo 12:30" and busy.detail.startswith("1 asmeniui")
    assert stale_text(NOW, True, tr) == "Duomenys gali būti pasenę: atnaujinta 10:10"
    assert stale_text(NOW, False, tr) == ""
    mine = MyBooking("cs_X", "A", NOW, NOW + timedelta(hours=1), can_check_in=True)
    assert my_booking_row(mine, tr).status == "Patvirtinkite atvykimą"


@pytest.mark.parametrize("language", ["lt", "en", "ru", "uk", "pl"])
def test_the_room_receipt_in_every_language(language: str) -> None:
    slip = RoomBookingSlip("booked", "Menų skaitykla", NOW, NOW + timedelta(hours=1), "cs_AB12")
    receipt = Receipt.for_card("24000123", library_name="B", kiosk_id="k", issued_at=NOW, room=slip)
    text = as_text(layout(receipt, Catalogs().translator(language), 32), 32)
    assert "Menų skaitykla" in text and "cs_AB12" in text and "2026-11-25 10:10–11:10" in text
    if language != "en":
        assert "Room:" not in text


def test_room_work_runs_on_a_worker_and_screens_come_back_on_the_main_queue() -> None:
    demo = ScriptedRooms(DAY, TZ)
    main: queue.Queue = queue.Queue()
    workers: set[str] = set()

    def on_worker(job) -> None:
        def traced() -> None:
            workers.add(threading.current_thread().name)
            job()

        pool.submit(traced)

    with ThreadPoolExecutor(1, thread_name_prefix="rooms-test") as pool:
        inner = ScriptedPort(AttractView("B"), DAY)
        flow = RoomsFlow(inner, Backend(demo), lambda: NOW, None, None, on_worker, main.put)
        shown: list = []
        flow.subscribe(shown.append)
        flow.send(StartTapped("rooms"))
        main.get(timeout=10)()  # the board, delivered by the main loop's queue
    assert [state.screen for state in shown] == [Screen.ROOMS]
    assert workers and all(name.startswith("rooms-test") for name in workers)
