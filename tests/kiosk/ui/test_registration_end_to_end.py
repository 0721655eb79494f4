"""Registration end to end through the touch app, against each backend: taps on the Kivy window
(Xvfb) -> RegistrationFlow in front of the real session core (kiosk/demo/in_process.py) -> the
core's RegistrationDesk with a real queue file -> the real backend adapter -> the Koha or FOLIO
registration simulator over loopback HTTP, or a real SMTP server (aiosmtpd) for the desk.
A valid application arrives once (the simulator's counter, the desk's inbox); a duplicate is
answered in words; an outage queues ("will be sent") and the resend sends it exactly once;
afterwards no byte of the applicant is in the queue file (or the desk's ledger)."""

from __future__ import annotations

import asyncio
import socket
from datetime import datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from backend_sync.notify.smtp_sender import SmtpOptions, SmtpSender
from backend_sync.registration.desk import DeskRegistration
from backend_sync.registration.desk_ledger import DeskLedger
from backend_sync.registration.folio import FolioRegistration
from backend_sync.registration.koha import KohaRegistration
from backend_sync.registration.queue import RegistrationQueueFile
from kiosk.core.clock import ManualClock
from kiosk.core.registration import Rules
from kiosk.core.registration.desk import RegistrationDesk, RegistrationTexts
from kiosk.demo.in_process import InProcessCore
from kiosk.i18n import Catalogs
from kiosk.settings.ui import UiSection
from kiosk.ui.app import KioskApp
from kiosk.ui.presenters.registration_flow import RegistrationFlow
from kiosk.ui.presenters.views import AttractView, Screen
from kiosk.ui.widgets.base import FitLabel
from simulators.ils.simulator import IlsSimulator
from simulators.registration.server import RegistrationSimulator

NOW = datetime(2026, 11, 25, 12, 0)
APPLICANT = {
    "first_name": "Žemaitė-Šimkutė",
    "surname": "O'Brien",
    "birth_date": "19900517",
    "street": "Gedimino pr. 1-5",
    "city": "Vilnius",
    "postcode": "01103",
    "email": "ona.obrien@pastas.lt",
    "phone": "8 612 34567",
}
TRACES = ("Žemaitė", "Šimkutė", "O'Brien", "ona.obrien", "Gedimino", "61234567", "1990-05-17")


class Inbox:
    """The desk's mailbox on a real aiosmtpd server."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Backend:
    """One library system: the adapter, how many records it holds, outage on and off."""

    def __init__(self, kind: str, tmp_path: Path) -> None:
        self.kind = kind
        if kind == "desk":
            self.inbox = Inbox()
            self.port_number = free_port()
            self.smtp = Controller(self.inbox, hostname="127.0.0.1", port=self.port_number)
            self.smtp.start()
            sender = SmtpSender(
                SmtpOptions("127.0.0.1", self.port_number, security="none", timeout_s=2)
            )
            self.adapter = DeskRegistration(
                sender, DeskLedger(tmp_path / "registration-desk.sqlite"),
                desk_email="abonementas@biblioteka.lt", from_address="kiosk@biblioteka.lt",
                today=lambda: NOW.date(),
            )  # fmt: skip
            return
        if kind == "koha":
            self.sim = RegistrationSimulator("koha", client_id="kiosk", client_secret="s3cret")
            self.sim.start()
            self.adapter = KohaRegistration(
                self.sim.url, "kiosk", "s3cret", category_id="TEMP", library_id="CPL",
                timeout_s=2.0,
            )  # fmt: skip
        else:
            self.sim = RegistrationSimulator(
                "folio", client_id="kiosk-user", client_secret="pw", tenant="lib"
            ).start()
            self.adapter = FolioRegistration(self.sim.url, "lib", "kiosk-user", "pw", timeout_s=2.0)

    @property
    def created(self) -> int:
        return len(self.inbox.messages) if self.kind == "desk" else self.sim.created

    def down(self, is_down: bool) -> None:
        if self.kind != "desk":
            self.sim.faults.unreachable = is_down
        elif is_down:
            self.smtp.stop()
        else:
            self.smtp = Controller(self.inbox, hostname="127.0.0.1", port=self.port_number)
            self.smtp.start()

    def close(self) -> None:
        if self.kind == "desk":
            self.smtp.stop()
        else:
            self.adapter.close()
            self.sim.stop()


class TouchKiosk:
    def __init__(self, window, backend: Backend, tmp_path: Path, ils: IlsSimulator) -> None:
        self.window, self.backend = window, backend
        self.loop = asyncio.new_event_loop()
        self.pending: list = []
        clock = ManualClock(NOW)
        self.core = InProcessCore(ils, AttractView("Biblioteka"), clock=clock,
                                  spawn=self.pending.append)  # fmt: skip
        self.queue_path = tmp_path / "registration.sqlite"
        queue = RegistrationQueueFile(self.queue_path, backend.kind)
        self.desk = RegistrationDesk(
            backend.adapter, queue, clock, rules=Rules(frozenset({"phone"})),
            texts=RegistrationTexts(consent={"lt": "Sutinku."}, consent_version="2026-01"),
            ledger=queue,
        )  # fmt: skip
        self.flow = RegistrationFlow(
            self.core.port, self.desk, texts_for=Catalogs().translator, now=clock.now,
            library_name="Biblioteka", kiosk_id="kiosk-1", spawn=self.pending.append,
        )  # fmt: skip
        self.app = KioskApp(self.flow, Catalogs(), UiSection(fullscreen=False), "Biblioteka")
        self.root = self.app.build()
        window.add_widget(self.root)

    def drain(self) -> None:
        async def run_all() -> None:
            while self.pending:
                await self.pending.pop(0)

        self.loop.run_until_complete(asyncio.wait_for(run_all(), 30))

    def tap(self, name: str) -> None:
        from kiosk.demo.touches import find_button, flush_layout, tap

        transition = self.app.shell.screens.transition
        if transition.is_active:
            transition.stop()
        for layer in self.window.children:
            flush_layout(layer)
        tap(find_button(self.app._top_layer(), name, 0))
        self.drain()

    def apply(self, values: dict[str, str]) -> None:
        self.tap("register")
        self.tap("registration:next")
        self.tap("registration:next")  # Sutinku
        keyboard = self.app.screens[Screen.REGISTRATION].keyboard
        while self.app.state.view.stage == "field":
            keyboard.press(values.get(self.app.state.view.field, ""))
            self.tap("registration:next")
            if self.app.state.view.stage == "field" and self.app.state.view.error:
                return  # refused on screen: the applicant must correct it
        self.tap("registration:next")  # contact by e-mail
        assert self.app.state.view.stage == "summary"
        self.tap("registration:send")

    def words(self) -> str:
        screen = self.app.screens[Screen.REGISTRATION]
        return "\n".join(w.text for w in screen.walk() if isinstance(w, FitLabel) and w.text)

    def traces(self) -> list[str]:
        files = [p for p in self.queue_path.parent.glob("*.sqlite*") if p.is_file()]
        raw = b"".join(p.read_bytes() for p in files)
        return [text for text in TRACES if text.encode("utf-8") in raw]

    def close(self) -> None:
        self.app.close()
        self.window.remove_widget(self.root)
        self.loop.run_until_complete(self.core.close())
        self.loop.close()


@pytest.fixture(params=["koha", "folio", "desk"])
def kiosk(request, window, tmp_path):
    backend = Backend(request.param, tmp_path)
    with IlsSimulator(encoding="utf-8", clock=lambda: NOW) as ils:
        made = TouchKiosk(window, backend, tmp_path, ils)
        yield made
        made.close()
    backend.close()


def test_a_valid_application_arrives_once(kiosk) -> None:
    kiosk.apply(APPLICANT)
    view = kiosk.app.state.view
    assert view.stage == "sent" and view.number
    assert f"Jūsų prašymo numeris {view.number}" in kiosk.words()
    assert kiosk.backend.created == 1
    kiosk.tap("registration:finish")
    assert kiosk.app.state.screen is Screen.ATTRACT
    assert kiosk.traces() == []  # queue file, its WAL, the desk's ledger
    assert [row.state for row in kiosk.desk.day_list()] == ["sent"]


def test_a_duplicate_is_answered_in_words(kiosk) -> None:
    if kiosk.backend.kind == "desk":
        pytest.skip("the desk cannot tell a returning reader: staff see it in the e-mail")
    kiosk.backend.sim.model.add_existing(APPLICANT["email"])  # counted as created
    before = kiosk.backend.created
    kiosk.apply(APPLICANT)
    assert kiosk.app.state.view.stage == "refused" and kiosk.app.state.view.duplicate
    words = kiosk.words()
    assert "Jūs jau užregistruotas" in words and "jau yra skaitytojas" in words
    assert kiosk.backend.created == before  # nothing new
    assert kiosk.traces() == []


def test_an_outage_queues_and_later_sends_exactly_once(kiosk) -> None:
    kiosk.backend.down(True)
    kiosk.apply(APPLICANT)
    assert kiosk.app.state.view.stage == "queued"
    assert "Jūsų prašymas bus išsiųstas" in kiosk.words()
    assert kiosk.backend.created == 0
    kiosk.tap("registration:finish")
    assert kiosk.traces()  # held until the library system has it
    kiosk.backend.down(False)
    first = kiosk.loop.run_until_complete(kiosk.desk.resend())
    again = kiosk.loop.run_until_complete(kiosk.desk.resend())
    assert (first.sent, first.pending, again.sent) == (1, 0, 0)
    assert kiosk.backend.created == 1
    assert kiosk.traces() == []


def test_bad_input_never_reaches_the_library_system(kiosk) -> None:
    kiosk.apply({**APPLICANT, "birth_date": "1876-01-01"})  # 150 years old: refused on screen
    view = kiosk.app.state.view
    assert (view.stage, view.field, view.error) == ("field", "birth_date", "too_old")
    assert "per seniai" in kiosk.words()
    assert kiosk.backend.created == 0 and kiosk.desk.day_list() == []
