"""Staff sign-in through the circulation service against the ILS simulator (real SIP2 over
loopback): a staff card always asks for the PIN, the ILS decides while it can be reached, the
local technician PIN (a scrypt line) only when it cannot; wrong PINs count toward the same
lockout as patrons', a refusal never says more than "wrong PIN", and neither the card nor the
PIN is logged or kept."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

import pytest

from backend_sync.sip2.client import Sip2Client, Sip2Config
from backend_sync.sip2.connection import Endpoint, Wire
from backend_sync.sip2.mapping import Terminal
from kiosk.core.circulation.service import CirculationRules, CirculationService, Ports
from kiosk.core.circulation.session import EndReason, State
from kiosk.core.circulation.staff_auth import PinHashError, hash_pin
from kiosk.core.clock import ManualClock
from simulators.ils.simulator import IlsSimulator
from simulators.models.ils_records import Patron as IlsPatron
from simulators.models.outbox_fake import FakeOutbox
from simulators.models.pad_fake import FakePad

STAFF_CARD, STAFF_PIN = "9900000001", "4321"  # the demo library's staff patron
UNKNOWN_STAFF = "9900000002"  # matches the staff pattern; the ILS has no such patron
ONA, ONA_PIN = "2100000001", "1234"
TECH_PIN = "2580"  # the local technician PIN of these tests
TECH_HASH = hash_pin(TECH_PIN, b"knygomatas-tests").line()


@dataclass
class Kiosk:
    service: CirculationService
    pad: FakePad
    clock: ManualClock

    def notice(self) -> str:
        notice = self.service.view.notice
        return notice.key if notice else ""


def sip2(sim: IlsSimulator) -> Sip2Client:
    return Sip2Client(
        Sip2Config(
            endpoint=Endpoint(sim.host, sim.port, connect_timeout_s=2),
            wire=Wire(encoding="utf-8", timeout_s=1.0, retries=0),
            terminal=Terminal(institution="AVB", location="KNYGOMATAS-1"),
            username="kiosk1",
            password="demo",
            keepalive_s=0,
        )
    )


def run(sim: IlsSimulator, body: Callable[[Kiosk], Awaitable[None]], **rules: object) -> None:
    async def main() -> None:
        library = sip2(sim)
        kiosk = Kiosk(None, FakePad(), ManualClock())  # type: ignore[arg-type]
        ports = Ports(library, FakeOutbox(), kiosk.clock, kiosk.pad)
        settings = {"staff_card_pattern": r"^99[0-9]{8}$", "lockout_s": 900, **rules}
        kiosk.service = CirculationService(ports, CirculationRules(**settings))  # type: ignore[arg-type]
        try:
            await asyncio.wait_for(body(kiosk), 30)
        finally:
            await library.close()

    asyncio.run(main())


@pytest.fixture
def sim() -> Iterator[IlsSimulator]:
    with IlsSimulator(encoding="utf-8") as simulator:
        yield simulator


# -- at the ILS ----------------------------------------------------------------------------
def test_staff_card_and_right_pin_at_the_ils_open_staff_mode(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await k.service.present_card(STAFF_CARD)
        view = k.service.view
        assert view.state is State.AWAITING_PIN and view.staff_login
        assert view.pin_tries_left == 3 and sim.events.get("answered_63", 0) == 0
        await k.service.enter_pin(STAFF_PIN)
        assert k.service.state is State.STAFF and k.notice() == ""
        assert sim.events["answered_63"] == 1
        assert k.service.visit is not None and k.service.visit.pin is None  # not kept
        await k.service.done()
        assert k.service.state is State.IDLE and sim.events["answered_35"] == 1
        assert not k.service.view.staff_login

    run(sim, body)


def test_a_staff_card_asks_for_the_pin_even_when_patrons_need_none(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await k.service.present_card(STAFF_CARD)
        assert k.service.state is State.AWAITING_PIN
        await k.service.enter_pin(STAFF_PIN)
        assert k.service.state is State.STAFF

    run(sim, body, pin_required=False)


def test_wrong_staff_pins_are_counted_and_lock_the_card_out(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await k.service.present_card(STAFF_CARD)
        for left in (2, 1):
            await k.service.enter_pin("0000")
            view = k.service.view
            assert view.state is State.AWAITING_PIN and view.pin_tries_left == left
            assert k.notice() == "patron.wrong_pin" and view.staff_login
        await k.service.enter_pin(STAFF_PIN[::-1])
        assert k.service.state is State.REFUSED and k.notice() == "patron.locked_out"
        await k.service.cancel()
        asked = sim.events["answered_63"]
        await k.service.present_card(STAFF_CARD)  # locked: not even the right PIN is asked
        assert k.service.state is State.REFUSED and k.notice() == "patron.locked_out"
        assert sim.events["answered_63"] == asked
        await k.service.cancel()
        k.clock.advance(901)
        await k.service.present_card(STAFF_CARD)
        await k.service.enter_pin(STAFF_PIN)
        assert k.service.state is State.STAFF

    run(sim, body)


def test_staff_and_patron_wrong_pins_share_one_lockout_per_card(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await k.service.present_card(ONA)
        await k.service.enter_pin("0000")
        await k.service.enter_pin("0000")
        await k.service.cancel()
        await k.service.present_card(STAFF_CARD)  # another card: its own count
        await k.service.enter_pin("0000")
        assert k.service.view.pin_tries_left == 2
        await k.service.cancel()
        await k.service.present_card(ONA)
        await k.service.enter_pin("0000")
        assert k.service.state is State.REFUSED and k.notice() == "patron.locked_out"

    run(sim, body)


@pytest.mark.parametrize(
    ("patron", "pin"),
    [
        (None, "4321"),  # a staff-pattern card the ILS does not know
        (IlsPatron(UNKNOWN_STAFF, "Pamesta", "4321", category="staff", card_lost=True), "4321"),
        (IlsPatron(UNKNOWN_STAFF, "Darbuotojas", "4321", category="staff"), "1111"),
    ],
    ids=["unknown-card", "lost-card", "wrong-pin"],
)
def test_every_refusal_at_the_ils_says_only_wrong_pin(
    sim: IlsSimulator, patron: IlsPatron | None, pin: str
) -> None:
    if patron is not None:
        sim.library.add_patron(patron)

    async def body(k: Kiosk) -> None:
        await k.service.present_card(UNKNOWN_STAFF)
        await k.service.enter_pin(pin)
        view = k.service.view
        assert view.state is State.AWAITING_PIN and view.pin_tries_left == 2
        assert k.notice() == "patron.wrong_pin" and view.patron_name == ""

    run(sim, body, staff_pin_hash=TECH_HASH)  # the ILS answered: the local PIN plays no part


def test_the_local_pin_is_not_used_while_the_ils_answers(sim: IlsSimulator) -> None:
    async def body(k: Kiosk) -> None:
        await k.service.present_card(STAFF_CARD)
        await k.service.enter_pin(TECH_PIN)
        assert k.service.state is State.AWAITING_PIN and k.notice() == "patron.wrong_pin"

    run(sim, body, staff_pin_hash=TECH_HASH)


def test_a_staff_card_mid_session_ends_the_patrons_visit_then_asks_the_pin(
    sim: IlsSimulator,
) -> None:
    async def body(k: Kiosk) -> None:
        await k.service.present_card(ONA)
        await k.service.enter_pin(ONA_PIN)
        await k.service.present_card(STAFF_CARD)
        view = k.service.view
        assert view.state is State.AWAITING_PIN and view.last_end is EndReason.STAFF_OVERRIDE
        assert view.patron_name == "" and sim.events["answered_35"] == 1
        await k.service.enter_pin("0000")
        assert k.service.state is State.AWAITING_PIN

    run(sim, body)


# -- the ILS unreachable: the local technician PIN -----------------------------------------
def test_ils_offline_the_local_technician_pin_decides(sim: IlsSimulator) -> None:
    sim.set_offline("refuse")

    async def body(k: Kiosk) -> None:
        await k.service.present_card(STAFF_CARD)
        await k.service.enter_pin(STAFF_PIN)  # the ILS's PIN means nothing here
        assert k.service.state is State.AWAITING_PIN and k.notice() == "patron.wrong_pin"
        assert k.service.view.pin_tries_left == 2
        await k.service.enter_pin(TECH_PIN)
        assert k.service.state is State.STAFF and k.service.view.offline
        await k.service.done()
        assert k.service.state is State.IDLE
        assert sim.events.get("answered_35", 0) == 0  # no End Patron Session to a dead ILS

    run(sim, body, staff_pin_hash=TECH_HASH)


def test_ils_offline_and_no_local_pin_refuses_staff_mode_in_words(sim: IlsSimulator) -> None:
    sim.set_offline("refuse")

    async def body(k: Kiosk) -> None:
        await k.service.present_card(STAFF_CARD)
        await k.service.enter_pin(STAFF_PIN)
        view = k.service.view
        assert view.state is State.REFUSED and k.notice() == "staff.no_local_pin"
        assert view.notice and "technician PIN" in view.notice.text
        await k.service.cancel()
        await k.service.present_card(STAFF_CARD)
        assert k.service.view.pin_tries_left == 3  # no PIN was checked: nothing counted

    run(sim, body)


def test_offline_wrong_local_pins_count_across_staff_cards(sim: IlsSimulator) -> None:
    """One technician PIN serves every staff-pattern card and card numbers can be typed: the
    credential keeps its own count, so cycling cards gives no extra guesses."""
    sim.set_offline("refuse")

    async def body(k: Kiosk) -> None:
        for card in ("9900000011", "9900000012", "9900000013"):
            await k.service.present_card(card)
            await k.service.enter_pin("0000")
        assert k.service.state is State.REFUSED and k.notice() == "patron.locked_out"
        await k.service.present_card("9900000014")
        await k.service.enter_pin(TECH_PIN)  # right, but the credential is locked
        assert k.service.state is State.REFUSED and k.notice() == "patron.locked_out"
        k.clock.advance(901)
        await k.service.present_card("9900000015")
        await k.service.enter_pin(TECH_PIN)
        assert k.service.state is State.STAFF

    run(sim, body, staff_pin_hash=TECH_HASH)


def test_the_ils_back_decides_again(sim: IlsSimulator) -> None:
    sim.set_offline("refuse")

    async def body(k: Kiosk) -> None:
        await k.service.present_card(STAFF_CARD)
        await k.service.enter_pin(TECH_PIN)
        assert k.service.state is State.STAFF
        await k.service.cancel()
        sim.set_online()
        await k.service.present_card(STAFF_CARD)
        await k.service.enter_pin(TECH_PIN)
        assert k.service.state is State.AWAITING_PIN and k.notice() == "patron.wrong_pin"
        await k.service.enter_pin(STAFF_PIN)
        assert k.service.state is State.STAFF

    run(sim, body, staff_pin_hash=TECH_HASH)


# -- privacy and configuration -------------------------------------------------------------
def test_neither_card_nor_pin_is_logged_or_kept(
    sim: IlsSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    async def body(k: Kiosk) -> None:
        await k.service.present_card(STAFF_CARD)
        await k.service.enter_pin("9999")
        await k.service.enter_pin(STAFF_PIN)
        assert k.service.state is State.STAFF
        sim.set_offline("refuse")
        await k.service.cancel()
        await k.service.present_card(STAFF_CARD)
        await k.service.enter_pin(TECH_PIN)
        assert k.service.state is State.STAFF
        await k.service.cancel()
        kept = repr(vars(k.service)) + repr(k.service.view)
        for secret in (STAFF_CARD, STAFF_PIN, TECH_PIN, "9999"):
            assert secret not in kept

    run(sim, body, staff_pin_hash=TECH_HASH)
    kiosk_records = [r for r in caplog.records if not r.name.startswith("simulators")]
    logged = "\n".join(record.getMessage() for record in kiosk_records)
    assert "****0001" in logged  # the sign-ins are logged, masked
    for secret in (STAFF_CARD, STAFF_PIN, TECH_PIN, "9999", TECH_HASH):
        assert secret not in logged


def test_a_malformed_hash_is_refused_when_the_service_is_built() -> None:
    with pytest.raises(PinHashError, match="6 fields"):
        CirculationService(
            Ports(None, FakeOutbox(), ManualClock()),  # type: ignore[arg-type]
            CirculationRules(staff_pin_hash="scrypt$16384$8$1$c2FsdA=="),
        )
