"""Every screen, in all five languages, portrait 1080x1920 and landscape 1920x1080: no text
overflows its box (texture size against the widget box, words never broken) and every
button stays a 15 mm target. The views carry long, realistic data (Lithuanian titles)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from kivy.uix.boxlayout import BoxLayout

from kiosk.core.circulation.notices import MESSAGES
from kiosk.core.receipts import Receipt, RoomBookingSlip
from kiosk.ui.presenters.rooms import (
    MyBooking,
    RoomBoardView,
    RoomBookView,
    RoomDoneView,
    RoomMineView,
    RoomRow,
    RoomStaffView,
    StaffBookingLine,
    StaffRoom,
)
from kiosk.ui.presenters.views import (
    AccountView,
    AttractView,
    BookCard,
    CirculationView,
    DeviceLine,
    FineLine,
    GoodbyeView,
    HoldLine,
    IdentifyView,
    ItemLine,
    LineStatus,
    LoanLine,
    PickupView,
    ReceiptView,
    ReconciliationLine,
    RetrievedLine,
    Screen,
    StaffView,
    UiState,
)
from kiosk.ui.widgets.base import FitLabel
from kiosk.ui.widgets.buttons import KioskButton

pytestmark = pytest.mark.slow  # layout only: every screen fits; reads no clock

DAY = date(2026, 12, 16)
LONG = "Lietuvių kalbos vadovas: rašyba, skyryba ir kirčiavimas (knyga ir 2 kompaktiniai diskai)"

VIEWS = {
    "attract": UiState(
        Screen.ATTRACT,
        AttractView(
            "Apskrities viešoji biblioteka",
            ("I–V 10:00–19:00", "VI 10:00–16:00", "VII nedirba"),
            "Naujiena: knygomatas prie įėjimo veikia visą parą, net švenčių dienomis.",
            tuple(
                BookCard(f"Undinė Radzevičiūtė. Žuvys ir drakonai {n}", "U. R.") for n in (1, 2, 3)
            ),
        ),
    ),
    "identify-card": UiState(Screen.IDENTIFY, IdentifyView(error="unknown_card")),
    "identify-pin": UiState(Screen.IDENTIFY, IdentifyView(card_seen=True, error="wrong_pin")),
    "staff-pin": UiState(Screen.IDENTIFY, IdentifyView("staff", True, "wrong_pin")),
    "staff-refused": UiState(
        Screen.IDENTIFY, IdentifyView("staff", False, "", 6, *MESSAGES["staff.no_local_pin"])
    ),
    "borrow": UiState(
        Screen.CIRCULATION,
        CirculationView(
            "borrow",
            "Rūta",
            (
                ItemLine("1", LONG, LineStatus.WAITING_PARTS, parts_present=1, parts_total=3),
                ItemLine("2", "Kristijonas Donelaitis. Metai", LineStatus.REFUSED, reason="fines"),
                ItemLine("3", "Balys Sruoga. Dievų miškas", LineStatus.BORROWED, DAY),
                ItemLine("4", "Žemaitė. Marti", LineStatus.READING),
                ItemLine(
                    "5", "Vaižgantas. Dėdės ir dėdienės", LineStatus.REFUSED, reason="not_for_loan"
                ),
                ItemLine("6", "Maironis. Pavasario balsai", LineStatus.BORROWED, DAY),
                ItemLine("7", "Jonas Biliūnas. Kliudžiau", LineStatus.BORROWED, DAY),
            ),
        ),
    ),
    "return": UiState(
        Screen.CIRCULATION,
        CirculationView(
            "return",
            "",
            (
                ItemLine(
                    "8",
                    "Antoine de Saint-Exupéry. Mažasis princas",
                    LineStatus.RETURNED,
                    sort_bin="B3",
                ),
                ItemLine("9", "Jurga Ivanauskaitė. Ragana ir lietus", LineStatus.RETURNED),
            ),
        ),
    ),
    "account": UiState(
        Screen.ACCOUNT,
        AccountView(
            "Rūta Petraitienė-Kazlauskienė",
            (
                LoanLine("1", "Ieva Simonaitytė. Vilius Karalius", DAY - timedelta(30), True),
                LoanLine("2", LONG, DAY, refusal="not_renewable"),
                LoanLine("3", "Kristina Sabaliauskaitė. Silva rerum IV", DAY, renewed=True),
                LoanLine("4", "Marius Ivaškevičius. Žali", DAY),
            ),
            (
                HoldLine("Jurgis Kunčinas. Tūla", True, "Knygomatas prie įėjimo", DAY),
                HoldLine("Romualdas Granauskas. Gyvenimas po klevu", False, position=12),
                HoldLine("Marius Ivaškevičius. Madagaskaras", False, position=3),
            ),
            (FineLine("Delspinigiai: Vilius Karalius", 120), FineLine("Pamesta kortelė", 250)),
        ),
    ),
    "receipt": UiState(
        Screen.RECEIPT,
        ReceiptView(False, True, 3, 2, 12, spoken_receipt="Paimta\nMetai, 2026-12-16"),
    ),
    "goodbye": UiState(Screen.GOODBYE, GoodbyeView("email", 3, 2, 21)),
    "goodbye-offline": UiState(
        Screen.GOODBYE, GoodbyeView("print", 3, 2, 0, 5, (LONG, "Žemaitė. Marti"))
    ),
    "pickup-code": UiState(Screen.PICKUP, PickupView(error="wrong_code")),
    "pickup-open": UiState(Screen.PICKUP, PickupView("opened", "12")),
    "pickup-code-or-card": UiState(
        Screen.PICKUP, PickupView(error="keypad_locked", card_offered=True)
    ),
    "pickup-card": UiState(
        Screen.PICKUP, PickupView("card", error="wrong_card_or_pin", card_offered=True)
    ),
    "pickup-card-nothing": UiState(
        Screen.PICKUP, PickupView("card", error="nothing_to_collect", card_offered=True)
    ),
    "pickup-pin": UiState(Screen.PICKUP, PickupView("pin", card_offered=True)),
    "pickup-checking": UiState(Screen.PICKUP, PickupView("checking", card_offered=True)),
    "staff": UiState(
        Screen.STAFF,
        StaffView(
            "Ona Bibliotekininkė",
            tuple(
                DeviceLine(d, d != "printer", "127.0.0.1:10001 · atsako per 12 ms")
                for d in ("reader", "locks", "printer", "ils", "smtp")
            ),
            12,
            3,
            (ReconciliationLine("40007", LONG, "returned_offline"),),
            3,
            2,
            ("Langelis 12: durelės paliktos atviros 14:02",),
            (("kiosk.id", "kiosk-1"), ("ui.orientation", "portrait")),
            "test",
            "printer",
        ),
    ),
    "staff-load": UiState(
        Screen.STAFF,
        StaffView(
            "Ona Bibliotekininkė",
            to_load=3,
            tab="lockers",
            load_stage="loaded",
            load_compartment="12",
            notice_sent=False,
        ),
    ),
    "staff-load-refused": UiState(
        Screen.STAFF,
        StaffView(tab="lockers", load_stage="refused", load_refusal="no_free_compartment"),
    ),
    "staff-expired": UiState(
        Screen.STAFF,
        StaffView(
            "Ona Bibliotekininkė",
            expired=7,
            tab="expired",
            can_print=True,
            restart_asked=True,
            retrieved=tuple(RetrievedLine(str(n), f"4000{n}", LONG) for n in range(1, 8)),
        ),
    ),
}


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 25, hour, minute)


ROOM_NAMES = [f"Individualaus darbo erdvė Nr. {n} (antras aukštas)" for n in range(1, 5)] + [
    "Grupinio darbo erdvė A",
    "Grupinio darbo erdvė B",
    "Menų skaitykla",
]
ROOM_VIEWS = {
    "rooms-board": UiState(
        Screen.ROOMS,
        RoomBoardView(
            tuple(
                RoomRow(
                    300 + n,
                    name,
                    1 if n < 4 else 20,
                    n % 2 == 0,
                    _at(12, 30) if n % 2 == 0 else None,
                    None if n % 2 == 0 else _at(14),
                    ((_at(10, 30), _at(12, 30)), (_at(14), _at(15)), (_at(16), _at(17, 30)),
                     (_at(18), _at(20))),
                )
                for n, name in enumerate(ROOM_NAMES)
            ),
            _at(9, 55),
            stale=True,
            error="not_free",
        ),
    ),
    "rooms-closed": UiState(
        Screen.ROOMS,
        RoomBoardView(
            tuple(
                RoomRow(300 + n, name, 1 if n < 4 else 20, False, None, None, (), True,
                        datetime(2026, 11, 25 + n % 5, 10), False)
                for n, name in enumerate(ROOM_NAMES)
            ),
            _at(18, 55),
        ),
    ),
    "rooms-book": UiState(
        Screen.ROOM_BOOK,
        RoomBookView(
            321, ROOM_NAMES[-1], 20, "ends", _at(10),
            tuple(_at(10 + h // 2, 30 * (h % 2)) for h in range(1, 14)),
            walk_up=True, error="too_many_bookings",
        ),
    ),
    "rooms-later": UiState(
        Screen.ROOM_BOOK,
        RoomBookView(
            301, ROOM_NAMES[0], 1, "starts", None,
            tuple(_at(11 + h // 2, 30 * (h % 2)) for h in range(14)),
        ),
    ),
    "rooms-mine": UiState(
        Screen.ROOM_MINE,
        RoomMineView(
            tuple(
                MyBooking(f"cs_ABCD234{n}", name, _at(10 + n), _at(11 + n), n == 1, n == 0)
                for n, name in enumerate(ROOM_NAMES[:5])
            ),
            "Rūta",
            "check_in_too_early",
        ),
    ),
    "rooms-done": UiState(
        Screen.ROOM_DONE,
        RoomDoneView(
            "booked", ROOM_NAMES[0], _at(10), _at(12), "cs_ABCD2345",
            Receipt.for_card(
                "24000123", library_name="Apskrities viešoji biblioteka", kiosk_id="kiosk-1",
                issued_at=_at(10, 10),
                room=RoomBookingSlip("booked", ROOM_NAMES[0], _at(10), _at(12), "cs_ABCD2345"),
            ),
            offers_print=True, offers_email=True,
        ),
    ),
    "rooms-done-queued": UiState(
        Screen.ROOM_DONE,
        RoomDoneView("checked_in", ROOM_NAMES[4], _at(10), _at(12), "cs_ABCD2345", queued=True),
    ),
    "rooms-staff": UiState(
        Screen.ROOM_STAFF,
        RoomStaffView(
            tuple(
                StaffRoom(name, tuple(
                    StaffBookingLine(_at(9 + 2 * k), _at(10 + 2 * k), "Rūta P.", k != 2, k == 0)
                    for k in range(5)
                ))
                for name in ROOM_NAMES
            ),
            _at(9, 55), True, "failed",
        ),
    ),
    "rooms-entry-attract": UiState(
        Screen.ATTRACT,
        AttractView("Apskrities viešoji biblioteka", ("I–V 10:00–19:00",), offers_rooms=True),
    ),
    "rooms-entry-borrow": UiState(
        Screen.CIRCULATION, CirculationView("borrow", "Rūta", offers_rooms=True)
    ),
}  # fmt: skip
VIEWS.update(ROOM_VIEWS)


def overflowing(root) -> list[tuple[str, tuple, tuple]]:
    bad = []
    for widget in root.walk():
        if not isinstance(widget, FitLabel) or not widget.text or widget.opacity == 0:
            continue
        if widget.overflows():
            bad.append((widget.text, tuple(widget.texture_size), tuple(widget.size)))
    return bad


def overfull_boxes(root) -> list[tuple[str, float, float, str]]:
    """Box layouts whose fixed-size children need more room than the box has."""
    bad = []
    for box in root.walk():
        if not isinstance(box, BoxLayout) or box.opacity == 0 or not box.children:
            continue
        vertical = box.orientation == "vertical"
        hint = "size_hint_y" if vertical else "size_hint_x"
        fixed = [c for c in box.children if getattr(c, hint) is None]
        if len(fixed) < len(box.children) and not fixed:
            continue
        need = sum(c.height if vertical else c.width for c in fixed)
        need += box.spacing * (len(box.children) - 1)
        pad = box.padding
        need += (pad[1] + pad[3]) if vertical else (pad[0] + pad[2])
        room = box.height if vertical else box.width
        if need > room + 1:
            first = next((c.text for c in box.walk() if isinstance(c, FitLabel) and c.text), "")
            bad.append((type(box).__name__, round(need), round(room), first[:40]))
    return bad


def small_buttons(root, minimum: float) -> list[tuple[str, tuple]]:
    return [
        (button.text, tuple(button.size))
        for button in root.walk()
        if isinstance(button, KioskButton) and button.opacity > 0 and min(button.size) < minimum
    ]


def show_everywhere(h, language: str, landscape: bool, large: bool = False) -> list:
    h.window.size = (1920, 1080) if landscape else (1080, 1920)
    h.app._resized(h.window, *h.window.size)
    h.app.set_language(language)
    problems = []
    for name, state in VIEWS.items():
        h.app.show(state)
        if large:
            # Showing the attract view ends a visit and resets the switches: set them each time.
            for switch in ("large_text", "contrast"):
                if not h.app.switches[switch]:
                    h.app.toggle(switch)
        h.settle()
        if name == "receipt":
            h.app.screens[Screen.RECEIPT].open_email()
        if name == "account":
            h.app.countdown.resume(h.now)
            h.now += 45
            h.app._tick()
        h.settle()
        layers = [h.root, *[c for c in h.window.children if c is not h.root]]
        for dialog in layers[1:]:
            body = dialog.children[0] if dialog.children else dialog
            if body.height > h.window.height:
                problems.append((name, "dialog taller than the screen", body.height))
        for layer in layers:
            problems += [(name, "overflow", *bad) for bad in overflowing(layer)]
            problems += [(name, "overfull", *bad) for bad in overfull_boxes(layer)]
            problems += [
                (name, "small", *bad) for bad in small_buttons(layer, h.app.theme.min_target - 1)
            ]
        h.app._close_dialogs()
        h.app.extend()
    return problems


@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
@pytest.mark.parametrize("language", ["lt", "en", "ru", "uk", "pl"])
def test_every_screen_fits(harness, language: str, landscape: bool) -> None:
    problems = show_everywhere(harness, language, landscape)
    assert not problems, problems[:6]


@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
@pytest.mark.parametrize("language", ["lt", "pl"])
def test_every_screen_fits_with_large_text_and_high_contrast(
    harness, language: str, landscape: bool
) -> None:
    problems = show_everywhere(harness, language, landscape, large=True)
    assert not problems, problems[:6]
