"""Reader registration in the kiosk as `kiosk run` builds it (kiosk.wiring.assembly.build_kiosk
and kiosk.wiring.registration_desk.with_registration), against the demo fleet's Koha
registration simulator over loopback HTTP. The library system is down: the applicant is told
the application will be sent; it comes back: the running kiosk's own resend task sends it,
exactly once (the simulator's counter), with no command run, and /metrics counts it. Then
every byte of every SQLite file under data_dir (and its WAL) is read: nothing of the
applicant is left, while the kiosk runs and after it stopped."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from kiosk.ui.presenters.intents import Finished, StartTapped
from kiosk.ui.presenters.registration import (
    ApplicationConfirmed,
    FieldTyped,
    RegistrationNext,
)
from kiosk.wiring.assembly import Kiosk
from kiosk.wiring.registration_desk import with_registration
from simulators.fleet import Fleet

from . import test_kiosk_wiring as wiring
from .test_kiosk_wiring import until, visit

fleet = wiring.fleet  # the whole demo fleet on free ports (the Koha registration simulator too)

APPLICANT = {
    "first_name": "Žemaitė-Šimkutė",
    "surname": "O'Brien",
    "birth_date": "1990-05-17",
    "street": "Gedimino pr. 1-5",
    "city": "Vilnius",
    "postcode": "LT-01103",
    "email": "ona.obrien@pastas.lt",
    "phone": "+37061234567",
}
TRACES = ("Žemaitė", "Šimkutė", "O'Brien", "ona.obrien", "Gedimino", "61234567", "1990-05-17")


def applicant_on_disk(data_dir: Path) -> list[str]:
    files = [p for p in data_dir.rglob("*.sqlite*") if p.is_file()]
    raw = b"".join(p.read_bytes() for p in files)
    return [text for text in TRACES if text.encode("utf-8") in raw]


async def apply(port) -> object:
    """The applicant's taps, as intents, through the registration flow."""
    port.send(StartTapped("register"))
    port.send(RegistrationNext())  # what registration gives
    if port.state().view.stage == "rules":
        port.send(RegistrationNext())
    port.send(RegistrationNext())  # I agree
    while port.state().view.stage == "field":
        port.send(FieldTyped(APPLICANT.get(port.state().view.field, "")))
        port.send(RegistrationNext())
    port.send(RegistrationNext())  # contact: e-mail
    assert port.state().view.stage == "summary"
    port.send(ApplicationConfirmed())
    await until(lambda: port.state().view.stage != "sending", "the outcome on screen")
    return port.state().view


def test_an_outage_queues_and_the_running_kiosk_sends_it_once(fleet: Fleet) -> None:
    base = fleet.kiosk_settings()
    section = base.registration.model_copy(update={"resend_every_s": 5.0})
    settings = base.model_copy(update={"registration": section})
    data_dir = Path(settings.kiosk.data_dir)
    sim = fleet.running["registration"].handle

    async def body(kiosk: Kiosk) -> None:
        async with contextlib.AsyncExitStack() as stack:
            port = with_registration(settings, kiosk.port, kiosk, stack)
            assert port.state().view.offers_registration
            sim.faults.unreachable = True
            view = await apply(port)
            assert view.stage == "queued"
            assert applicant_on_disk(data_dir)  # held (0600) until the library system has it
            port.send(Finished())
            sim.faults.unreachable = False
            await until(lambda: sim.created == 1, "the background resend", 30)
            await asyncio.sleep(0.3)  # a second pass would show here as a second record
            assert sim.created == 1
            assert len(sim.model.records) == 1
            telemetry = kiosk.monitoring.telemetry.snapshot()
            assert telemetry.registrations == {"queued": 1, "sent": 1}
            assert telemetry.registrations_pending == 0
            await until(lambda: not applicant_on_disk(data_dir), "a clean data_dir", 10)

    visit(settings, body)
    assert applicant_on_disk(data_dir) == []
    assert (data_dir / "registration.sqlite").exists()


def test_a_valid_application_arrives_once_and_leaves_nothing_on_disk(fleet: Fleet) -> None:
    settings = fleet.kiosk_settings()
    data_dir = Path(settings.kiosk.data_dir)
    sim = fleet.running["registration"].handle

    async def body(kiosk: Kiosk) -> None:
        async with contextlib.AsyncExitStack() as stack:
            port = with_registration(settings, kiosk.port, kiosk, stack)
            view = await apply(port)
            assert view.stage == "sent" and view.number
            assert view.offers_print and view.slip.qr_payload == view.number
            assert sim.created == 1
            port.send(Finished())
            assert port.state().view.offers_registration  # back on the attract screen
            assert applicant_on_disk(data_dir) == []

    visit(settings, body)
    assert applicant_on_disk(data_dir) == []
