"""The registration flow without a window: every step's decisions, the core's validation as
you type, refusals in words, the parent notice, sent / queued / duplicate, the slip, and
that leaving drops every detail. The desk is the real one (kiosk/core/registration/desk.py)
over the in-process fake library system and a real queue file in tmp_path."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from backend_sync.registration.queue import RegistrationQueueFile
from kiosk.core.clock import ManualClock
from kiosk.core.receipt_delivery import ReceiptDesk
from kiosk.core.receipts import as_text, layout
from kiosk.core.registration import Rules
from kiosk.core.registration.desk import RegistrationDesk, RegistrationTexts
from kiosk.i18n import Catalogs
from kiosk.ui.presenters.intents import Finished, StaffActionRequested, StartTapped, TimedOut
from kiosk.ui.presenters.registration import (
    ApplicationConfirmed,
    ContactChosen,
    FieldTyped,
    RegisterView,
    RegistrationBack,
    RegistrationNext,
    SlipChosen,
    reason_words,
    result_words,
)
from kiosk.ui.presenters.registration_flow import RegistrationFlow
from kiosk.ui.presenters.registration_form import date_text
from kiosk.ui.presenters.views import AttractView, Screen
from simulators.models.registration import FakeRegistration
from tests.kiosk.ui.scripted_port import ScriptedPort

TZ = ZoneInfo("Europe/Vilnius")
NOW = datetime(2026, 11, 25, 11, 30, tzinfo=TZ)
VALID = {
    "first_name": "Žemaitė-Šimkutė",
    "surname": "O'Brien",
    "birth_date": "1990-05-17",
    "street": "Gedimino pr. 1-5",
    "city": "Vilnius",
    "postcode": "01103",
    "email": "ona.obrien@pastas.lt",
    "phone": "8 612 34567",
}


class Printer:
    columns = 32

    def __init__(self) -> None:
        self.jobs: list = []

    async def print_blocks(self, blocks) -> None:
        self.jobs.append(blocks)


class Mailer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    async def queue(self, address: str, subject: str, text: str) -> None:
        self.sent.append((address, subject, text))


class Kit:
    def __init__(self, tmp_path, extra: tuple[str, ...] = (), rules_text: bool = True) -> None:
        self.loop = asyncio.new_event_loop()
        self.tasks: list = []
        self.fake = FakeRegistration()
        self.queue = RegistrationQueueFile(tmp_path / "registration.sqlite", "koha")
        texts = RegistrationTexts(
            consent={"lt": "Sutinku, kad mano duomenys būtų tvarkomi.", "en": "I agree."},
            rules={"lt": "Skaitytojo taisyklės."} if rules_text else {},
            consent_version="2026-01",
            extra_fields=extra,
        )
        self.desk = RegistrationDesk(
            self.fake, self.queue, ManualClock(NOW), rules=Rules(frozenset()), texts=texts,
            ledger=self.queue,
        )  # fmt: skip
        self.printer, self.mailer = Printer(), Mailer()
        catalogs = Catalogs()

        def slips(session_id: str, receipt) -> ReceiptDesk:
            tr = catalogs.translator("lt")
            return ReceiptDesk(session_id, receipt, tr, self.printer, self.mailer, lambda e: None)

        self.inner = ScriptedPort(AttractView("B"), NOW.date())
        self.flow = RegistrationFlow(
            self.inner, self.desk, texts_for=catalogs.translator, now=lambda: NOW,
            library_name="Apskrities viešoji biblioteka", kiosk_id="kiosk-1", slips=slips,
            spawn=self.tasks.append,
        )  # fmt: skip
        self.tr = catalogs.translator("en")

    def send(self, intent) -> None:
        self.flow.send(intent)
        while self.tasks:
            self.loop.run_until_complete(self.tasks.pop(0))

    @property
    def view(self):
        return self.flow.state().view

    def to_form(self) -> None:
        self.send(StartTapped("register"))
        self.send(RegistrationNext())  # info
        if self.view.stage == "rules":
            self.send(RegistrationNext())
        assert self.view.stage == "consent"
        self.send(RegistrationNext())  # I agree

    def fill(self, values: dict[str, str]) -> None:
        while self.view.stage == "field":
            self.send(FieldTyped(values.get(self.view.field, "")))
            self.send(RegistrationNext())
            if self.view.stage == "field" and self.view.error:
                return

    def close(self) -> None:
        self.loop.close()


@pytest.fixture
def kit(tmp_path):
    made = Kit(tmp_path)
    yield made
    made.close()


def test_the_attract_and_staff_views_offer_registration(kit) -> None:
    assert kit.flow.state().view.offers_registration
    kit.send(StartTapped("register"))
    assert kit.flow.state().screen is Screen.REGISTRATION
    assert kit.view.stage == "info"
    kit.send(RegistrationBack())
    assert kit.flow.state().screen is Screen.ATTRACT


def test_a_valid_application_is_sent_once_with_a_slip(kit) -> None:
    kit.to_form()
    kit.fill(VALID)
    assert kit.view.stage == "contact"
    assert kit.view.contacts == ("email", "phone", "post")
    kit.send(ContactChosen("phone"))
    kit.send(RegistrationNext())
    assert kit.view.stage == "summary"
    summary = dict((name, value) for name, _, value in kit.view.summary)
    assert summary["phone"] == "+37061234567"  # normalised by the core
    assert summary["postcode"] == "LT-01103"
    assert summary["preferred_contact"] == "phone"
    kit.send(ApplicationConfirmed())
    view = kit.view
    assert view.stage == "sent" and view.number
    assert kit.fake.model.created == 1
    assert view.offers_print and view.offers_email
    slip = as_text(layout(view.slip, kit.tr, 32), 32)
    assert view.number in slip and "asmens dokumentą" in slip  # the screen's language, lt
    assert view.slip.qr_payload == view.number
    kit.send(SlipChosen("both"))
    assert kit.view.delivery == "both"
    assert len(kit.printer.jobs) == 1 and kit.mailer.sent[0][0] == "ona.obrien@pastas.lt"
    assert "Bring an identity document" in result_words(kit.view, kit.tr)[1]
    kit.send(Finished())
    assert kit.flow.state().screen is Screen.ATTRACT
    assert kit.flow._values == {} and kit.flow.slip.receipt is None
    assert kit.fake.model.created == 1


@pytest.mark.parametrize(
    ("field", "typed", "reason"),
    [
        ("first_name", "J" * 51, "too_long"),
        ("first_name", "Jo\x07nas", "control_character"),
        ("surname", "Petraitis😀", "emoji"),
        ("surname", "Petr4itis", "invalid_characters"),
        ("birth_date", "2030-01-01", "birth_date_in_future"),
        ("birth_date", "1876-11-24", "too_old"),
        ("birth_date", "1990-02-30", "invalid_date"),
        ("email", "ona@pastas", "invalid_email"),
        ("phone", "+370 12", "invalid_phone"),
    ],
)
def test_bad_input_is_refused_on_screen_and_nothing_is_sent(kit, field, typed, reason) -> None:
    kit.to_form()
    kit.fill({**VALID, field: typed})
    view = kit.view
    assert (view.stage, view.field, view.error) == ("field", field, reason)
    assert reason_words(view.error, kit.tr)  # said in words
    kit.send(RegistrationNext())  # Next again: still refused
    assert kit.view.stage == "field" and kit.view.field == field
    assert kit.fake.calls == [] and kit.queue.rows() == []


def test_validation_as_you_type_and_an_empty_required_field(kit) -> None:
    kit.to_form()
    kit.send(FieldTyped("Jo"))
    assert kit.view.error == "" and kit.view.value == "Jo"
    kit.send(FieldTyped("Jo3"))
    assert kit.view.error == "invalid_characters"
    kit.send(FieldTyped(""))
    assert kit.view.error == ""
    kit.send(RegistrationNext())
    assert kit.view.error == "required"


def test_a_date_typed_without_dashes_reads_as_one() -> None:
    assert date_text("19900517") == "1990-05-17"
    assert date_text("1990-05-17") == "1990-05-17"


def test_a_minor_is_told_a_parent_signs_at_the_desk(kit) -> None:
    kit.to_form()
    kit.fill({**VALID, "birth_date": "2015-03-01"})
    assert kit.view.stage == "contact"
    kit.send(RegistrationBack())
    while kit.view.field != "birth_date":
        kit.send(RegistrationBack())
    assert kit.view.parent_notice and kit.view.consent_age == 16
    kit.fill({**VALID, "birth_date": "2015-03-01"})
    kit.send(RegistrationNext())
    assert kit.view.stage == "summary" and kit.view.parent_notice
    kit.send(ApplicationConfirmed())
    assert kit.view.stage == "sent" and kit.view.parent_notice
    assert any("parent" in note for note in kit.view.slip.notes) is False  # in lt
    assert any("tėvai" in note or "globėjai" in note for note in kit.view.slip.notes)


def test_a_duplicate_is_answered_in_words(kit) -> None:
    kit.fake.model.add_existing(VALID["email"])
    kit.to_form()
    kit.fill(VALID)
    kit.send(RegistrationNext())
    kit.send(ApplicationConfirmed())
    view = kit.view
    assert view.stage == "refused" and view.duplicate
    assert result_words(view, kit.tr)[0] == "You are already registered"
    assert [row.state for row in kit.queue.rows()] == ["duplicate"]


def test_an_outage_queues_and_says_it_will_be_sent(kit) -> None:
    kit.fake.unavailable = True
    kit.to_form()
    kit.fill(VALID)
    kit.send(RegistrationNext())
    kit.send(ApplicationConfirmed())
    assert kit.view.stage == "queued"
    assert result_words(kit.view, kit.tr)[0] == "Your application will be sent"
    assert kit.fake.model.created == 0
    kit.fake.unavailable = False
    report = kit.loop.run_until_complete(kit.desk.resend())
    assert (report.sent, report.pending) == (1, 0)
    assert kit.fake.model.created == 1


def test_the_consent_follows_the_language_with_lithuanian_the_fallback(kit) -> None:
    kit.send(StartTapped("register"))
    kit.send(RegistrationNext())
    kit.send(RegistrationNext())
    assert kit.view.text == "Sutinku, kad mano duomenys būtų tvarkomi."
    from kiosk.ui.presenters.intents import LanguageChosen

    kit.send(LanguageChosen("en"))
    assert kit.view.text == "I agree."
    kit.send(LanguageChosen("pl"))
    assert kit.view.text == "Sutinku, kad mano duomenys būtų tvarkomi."


def test_a_timeout_drops_everything_typed(kit) -> None:
    kit.to_form()
    kit.send(FieldTyped("Ona"))
    kit.send(TimedOut())
    assert kit.flow.state().screen is Screen.ATTRACT
    assert kit.flow._values == {}
    kit.send(StartTapped("register"))
    assert isinstance(kit.view, RegisterView) and kit.view.value == ""


def test_extra_fields_are_optional_steps(tmp_path) -> None:
    kit = Kit(tmp_path, extra=("Darbovietė",), rules_text=False)
    try:
        kit.to_form()
        kit.fill(VALID)  # the extra field left empty
        assert kit.view.stage == "contact"
        kit.send(RegistrationBack())
        assert kit.view.field == "extra:0" and kit.view.label == "Darbovietė"
        assert kit.view.optional and kit.view.steps == 9
        kit.send(FieldTyped("Vilniaus universitetas"))
        kit.send(RegistrationNext())
        kit.send(RegistrationNext())
        assert ("extra:0", "Darbovietė", "Vilniaus universitetas") in kit.view.summary
    finally:
        kit.close()


def test_staff_see_todays_applications_without_personal_data(kit) -> None:
    kit.to_form()
    kit.fill(VALID)
    kit.send(RegistrationNext())
    kit.send(ApplicationConfirmed())
    number = kit.view.number
    kit.send(Finished())
    kit.send(StaffActionRequested("registrations"))
    view = kit.view
    assert kit.flow.state().screen is Screen.REGISTRATION_STAFF
    assert [(line.number, line.state, line.time) for line in view.lines] == [
        (number, "sent", "11:30")
    ]
    assert view.day == date(2026, 11, 25)
    kit.send(RegistrationBack())
    assert kit.flow.state().screen is Screen.ATTRACT
