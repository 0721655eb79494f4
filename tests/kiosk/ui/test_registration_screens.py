"""The registration screens under Xvfb: taps on the Kivy window -> RegistrationFlow -> the real
RegistrationDesk (the in-process fake library system, a real queue file). The Lithuanian
keyboard with capitals, refusals in words as you type, the summary, the slip; every screen
of it fits in five languages and both orientations; speech reads the steps; leaving wipes
every widget of the applicant's data."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from backend_sync.registration.queue import RegistrationQueueFile
from kiosk.core.clock import ManualClock
from kiosk.core.receipt_delivery import ReceiptDesk
from kiosk.core.receipts import Receipt
from kiosk.core.registration import Rules
from kiosk.core.registration.desk import RegistrationDesk, RegistrationTexts
from kiosk.i18n import Catalogs
from kiosk.settings.ui import UiSection
from kiosk.ui.app import KioskApp
from kiosk.ui.presenters.registration import (
    RegisterView,
    RegistrationStaffView,
    StaffApplicationLine,
)
from kiosk.ui.presenters.registration_flow import RegistrationFlow
from kiosk.ui.presenters.views import AttractView, Screen, StaffView, UiState
from kiosk.ui.widgets.base import FitLabel
from simulators.models.registration import FakeRegistration
from tests.kiosk.ui.scripted_port import ScriptedPort
from tests.kiosk.ui.test_fit import overflowing, overfull_boxes, small_buttons

TZ = ZoneInfo("Europe/Vilnius")
NOW = datetime(2026, 11, 25, 11, 30, tzinfo=TZ)
CONSENT = {
    "lt": "Sutinku, kad biblioteka tvarkytų mano asmens duomenis skaitytojų aptarnavimo tikslu "
    "(vardas, pavardė, gimimo data, adresas, el. paštas, telefonas). Duomenys saugomi, kol "
    "esu skaitytojas, ir dar vienus metus.",
}


class Printer:
    columns = 32

    def __init__(self) -> None:
        self.jobs: list = []

    async def print_blocks(self, blocks) -> None:
        self.jobs.append(blocks)


class Kiosk:
    def __init__(self, window) -> None:
        self.window = window
        self.loop = asyncio.new_event_loop()
        self.tasks: list = []
        self.fake = FakeRegistration()

    def build(self, tmp_path) -> None:
        self.queue = RegistrationQueueFile(tmp_path / "registration.sqlite", "koha")
        texts = RegistrationTexts(consent=CONSENT, rules={"lt": "Skaitytojo taisyklės."})
        desk = RegistrationDesk(
            self.fake, self.queue, ManualClock(NOW), rules=Rules(frozenset()), texts=texts
        )
        self.printer = Printer()
        catalogs = Catalogs()

        def slips(session_id: str, receipt: Receipt) -> ReceiptDesk:
            tr = catalogs.translator("lt")
            return ReceiptDesk(session_id, receipt, tr, self.printer, None, lambda e: None)

        self.flow = RegistrationFlow(
            ScriptedPort(AttractView("Biblioteka"), NOW.date()), desk,
            texts_for=catalogs.translator, now=lambda: NOW, library_name="Biblioteka",
            kiosk_id="kiosk-1", slips=slips, spawn=self.tasks.append,
        )  # fmt: skip
        from device_drivers.speech.fake import FakeSpeaker

        self.speaker = FakeSpeaker()
        self.now = 1000.0
        self.app = KioskApp(
            self.flow, catalogs, UiSection(fullscreen=False), "Biblioteka",
            speaker=self.speaker, monotonic=lambda: self.now,
        )  # fmt: skip
        self.root = self.app.build()
        self.window.add_widget(self.root)

    def drain(self) -> None:
        while self.tasks:
            self.loop.run_until_complete(self.tasks.pop(0))

    def settle(self) -> None:
        from kiosk.demo.touches import flush_layout
        from kiosk.ui.widgets.base import refit_all

        transition = self.app.shell.screens.transition
        if transition.is_active:
            transition.stop()
        for layer in [self.root, *self.window.children]:
            flush_layout(layer)
            refit_all(layer)

    def tap(self, name: str) -> None:
        from kiosk.demo.touches import find_button, tap

        self.settle()
        tap(find_button(self.app._top_layer(), name, 0))
        self.drain()
        self.settle()

    def type(self, text: str) -> None:
        """Letter by letter on the on-screen keyboard: Shift before a capital."""
        keyboard = self.app.screens[Screen.REGISTRATION].keyboard
        for char in text:
            if char == " ":
                self.tap("key:space")
                continue
            if char.isupper() and not keyboard.shifted:
                self.tap("key:shift")
            if char.islower() and keyboard.shifted and char.isalpha():
                self.tap("key:shift")
            self.tap(f"key:{char.lower()}")

    @property
    def view(self):
        return self.app.state.view

    def close(self) -> None:
        self.app.close()
        self.window.remove_widget(self.root)
        self.loop.close()


@pytest.fixture
def kiosk(window, tmp_path):
    made = Kiosk(window)
    made.build(tmp_path)
    yield made
    made.close()


def screen_texts(app) -> str:
    return "\n".join(
        w.text for w in app.shell.walk(restrict=False) if isinstance(w, FitLabel) and w.text
    )


def test_the_whole_form_on_the_lithuanian_keyboard(kiosk) -> None:
    k = kiosk
    k.tap("register")
    assert k.app.state.screen is Screen.REGISTRATION
    assert "Registruotis kaip naujas skaitytojas" in screen_texts(k.app)
    k.tap("registration:next")  # what it gives
    assert k.view.stage == "rules"
    k.tap("registration:next")
    assert k.view.stage == "consent" and CONSENT["lt"] in screen_texts(k.app)
    k.tap("registration:next")  # Sutinku
    assert k.view.field == "first_name"
    k.type("Žemaitė-Šimkutė")  # the field starts with a capital; Shift for the second one
    assert k.view.value == "Žemaitė-Šimkutė" and k.view.error == ""
    k.tap("registration:next")
    k.type("O'Brien")
    k.tap("registration:next")
    k.type("1990-05-17")
    k.tap("registration:next")
    k.type("Gedimino pr. 1-5")
    k.tap("registration:next")
    k.type("Vilnius")
    k.tap("registration:next")
    k.type("01103")
    k.tap("registration:next")
    k.type("ona.obrien@pastas.lt")
    k.tap("registration:next")
    k.type("861234567")
    k.tap("registration:next")
    assert k.view.stage == "contact"
    k.tap("contact:post")
    assert k.view.contact == "post"
    k.tap("registration:next")
    assert k.view.stage == "summary"
    texts = screen_texts(k.app)
    assert "Telefono numeris: +37061234567" in texts and "Pašto kodas: LT-01103" in texts
    assert "Susisiekimas: Paštu" in texts
    k.tap("registration:send")
    assert k.view.stage == "sent"
    assert f"Jūsų prašymo numeris {k.view.number}" in screen_texts(k.app)
    assert "asmens dokumentą" in screen_texts(k.app)
    k.tap("slip:print")
    assert k.view.delivery == "printed" and len(k.printer.jobs) == 1
    assert any(type(block).__name__ == "QrCode" for block in k.printer.jobs[0])
    assert k.fake.model.created == 1
    k.tap("registration:finish")
    assert k.app.state.screen is Screen.ATTRACT
    leftovers = [
        w.text
        for screen in k.app.screens.values()
        for w in screen.walk(restrict=False)
        if isinstance(w, FitLabel) and ("Brien" in w.text or "Gedimino" in w.text)
    ]
    assert leftovers == []
    assert k.app.screens[Screen.REGISTRATION].keyboard.text == ""


def test_refusals_are_said_on_screen_as_you_type(kiosk) -> None:
    k = kiosk
    k.tap("register")
    for _ in range(3):
        k.tap("registration:next")
    k.type("Jo3")
    assert "Čia galima naudoti tik raides" in screen_texts(k.app)
    k.tap("key:delete")
    k.app.screens[Screen.REGISTRATION].keyboard.press("😀")  # from a hardware keyboard
    assert k.view.error == "emoji"
    assert "jaustukų" in screen_texts(k.app)
    k.tap("registration:next")
    assert k.view.field == "first_name"  # refused: stays
    k.tap("key:clear")
    k.type("J" * 51)
    assert "Per ilga" in screen_texts(k.app)
    assert k.fake.calls == []


def test_speech_reads_the_step_and_never_the_keys(kiosk) -> None:
    k = kiosk
    k.tap("register")
    k.app.toggle("speech")
    for _ in range(3):
        k.tap("registration:next")
    spoken = k.app.screens[Screen.REGISTRATION].spoken_text()
    assert "Vardas" in spoken and "1 žingsnis iš 8" in spoken
    assert "\nQ\n" not in f"\n{spoken}\n" and "Tarpas" not in spoken


LONG = "Žemaitė-Šimkutė Aleksandravičiūtė-Konstantinopolska"
SUMMARY = (
    ("first_name", "", LONG[:50]),
    ("surname", "", LONG[:50]),
    ("birth_date", "", "2012-02-29"),
    ("street", "", "Konstitucijos prospektas 123-456, korpusas 7"),
    ("city", "", "Vilnius"),
    ("postcode", "", "LT-01103"),
    ("email", "", "zemaite.simkute.aleksandraviciute@universitetas.lt"),
    ("phone", "", "+37061234567"),
    ("extra:0", "Darbovietė arba mokymosi įstaiga", "Vilniaus universitetas"),
    ("preferred_contact", "", "email"),
)
SLIP = Receipt(
    "Apskrities viešoji biblioteka",
    "kiosk-1",
    NOW,
    notes=("Skaitytojo registracija", "Prašymo numeris: 1001", "Atsineškite asmens dokumentą."),
    qr_payload="1001",
)
VIEWS = {
    "info": RegisterView("info"),
    "consent": RegisterView("consent", text=CONSENT["lt"] * 2),
    "field": RegisterView("field", field="first_name", value=LONG[:50], error="invalid_characters",
                          step=1, steps=9),
    "field-minor": RegisterView("field", field="birth_date", value="2012-02-29", step=3,
                                steps=9, parent_notice=True),
    "field-extra": RegisterView("field", field="extra:0", label="Darbovietė arba mokymosi įstaiga",
                                optional=True, step=9, steps=9),
    "contact": RegisterView("contact", contacts=("email", "phone")),
    "summary": RegisterView("summary", summary=SUMMARY, parent_notice=True),
    "sending": RegisterView("sending"),
    "sent": RegisterView("sent", number="1001", slip=SLIP, offers_print=True, offers_email=True,
                         parent_notice=True),
    "queued": RegisterView("queued"),
    "duplicate": RegisterView("refused", duplicate=True),
    "refused": RegisterView("refused", reason="email is not valid", refused_field="email"),
}  # fmt: skip


def fit_problems(k, language: str, landscape: bool, large: bool = False) -> list:
    k.window.size = (1920, 1080) if landscape else (1080, 1920)
    k.app._resized(k.window, *k.window.size)
    k.app.set_language(language)
    lines = tuple(
        StaffApplicationLine(f"1{n % 10}:0{n % 6}", str(1000 + n), "3fa2b1c9", "pending")
        for n in range(20)
    )
    states = [UiState(Screen.REGISTRATION, view) for view in VIEWS.values()]
    states += [
        UiState(Screen.REGISTRATION_STAFF, RegistrationStaffView(lines, NOW.date())),
        UiState(Screen.ATTRACT, AttractView("Biblioteka", offers_registration=True)),
        UiState(
            Screen.ATTRACT, AttractView("Biblioteka", offers_registration=True, offers_rooms=True)
        ),
        UiState(Screen.STAFF, StaffView(offers_registrations=True)),
    ]
    problems = []
    for state in states:
        k.app.show(state)
        if large:  # the attract view ends a visit and resets the switches: set them each time
            for switch in ("large_text", "contrast"):
                if not k.app.switches[switch]:
                    k.app.toggle(switch)
        k.settle()
        name = getattr(state.view, "stage", state.screen.value)
        problems += [(name, "overflow", *bad) for bad in overflowing(k.root)]
        problems += [(name, "overfull", *bad) for bad in overfull_boxes(k.root)]
        small = small_buttons(k.root, k.app.theme.min_target - 1)
        problems += [(name, "small", *bad) for bad in small]
    return problems


@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
@pytest.mark.parametrize("language", ["lt", "en", "ru", "uk", "pl"])
def test_every_registration_screen_fits(kiosk, language: str, landscape: bool) -> None:
    problems = fit_problems(kiosk, language, landscape)
    assert not problems, problems


@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
@pytest.mark.parametrize("language", ["lt", "pl"])
def test_every_registration_screen_fits_with_large_text_and_high_contrast(
    kiosk, language: str, landscape: bool
) -> None:
    problems = fit_problems(kiosk, language, landscape, large=True)
    assert not problems, problems


def test_the_idle_timeout_ends_the_application_and_wipes_it(kiosk) -> None:
    k = kiosk
    k.tap("register")
    for _ in range(3):
        k.tap("registration:next")
    k.type("Ona")
    assert k.view.value == "Ona"
    k.now += 10_000  # nobody touched the screen: the UI's own countdown warns, then ends
    k.app._tick()
    k.now += 10_000
    k.app._tick()
    k.drain()
    k.settle()
    assert k.app.state.screen is Screen.ATTRACT
    assert k.flow._values == {}
    screen = k.app.screens[Screen.REGISTRATION]
    assert screen.keyboard.text == "" and screen.value.text == ""
    k.tap("register")
    for _ in range(3):
        k.tap("registration:next")
    assert k.view.value == "" and screen.keyboard.text == ""


def test_staff_open_todays_applications_from_the_outbox_tab(kiosk) -> None:
    k = kiosk
    k.tap("register")
    for _ in range(3):
        k.tap("registration:next")
    k.tap("registration:back")  # Back through every step leads to the start screen
    k.tap("registration:back")
    k.tap("registration:back")
    k.tap("registration:back")
    assert k.app.state.screen is Screen.ATTRACT
    k.app.show(k.flow._offering(UiState(Screen.STAFF, StaffView())))
    staff = k.app.screens[Screen.STAFF]
    staff.show_tab("outbox")
    k.tap("registrations")
    assert k.app.state.screen is Screen.REGISTRATION_STAFF
    assert "Šiandien prašymų nėra." in screen_texts(k.app)
    k.tap("registrations:back")
    assert k.app.state.screen is Screen.ATTRACT  # the scripted port was never in staff mode


def test_without_a_consent_text_of_its_own_the_kiosk_shows_a_plain_one(kiosk) -> None:
    kiosk.app.show(UiState(Screen.REGISTRATION, RegisterView("consent")))
    assert "Sutinku, kad biblioteka tvarkytų mano asmens duomenis" in screen_texts(kiosk.app)
