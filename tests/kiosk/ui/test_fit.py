"""Every screen, in all five languages, portrait 1080x1920 and landscape 1920x1080: no text
overflows its box (texture size against the widget box, words never broken) and every
button stays a 15 mm target. The views carry long, realistic data (Lithuanian titles)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from kivy.uix.boxlayout import BoxLayout

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
    Screen,
    StaffView,
    UiState,
)
from kiosk.ui.widgets.base import FitLabel
from kiosk.ui.widgets.buttons import KioskButton

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
    "receipt": UiState(Screen.RECEIPT, ReceiptView(False, True, 3, 2, 12)),
    "goodbye": UiState(Screen.GOODBYE, GoodbyeView("email", 3, 2, 21)),
    "pickup-code": UiState(Screen.PICKUP, PickupView(error="wrong_code")),
    "pickup-open": UiState(Screen.PICKUP, PickupView("opened", "12")),
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
}


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
