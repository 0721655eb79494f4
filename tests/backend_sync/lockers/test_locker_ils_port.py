"""The locker logic's ILS port over the real SIP2 client against the ILS simulator: a held
item checked in at the locker's pickup location names its hold patron, pickup point and the
patron's contact data; refusals and an unreachable ILS load nothing; a loan the ILS cannot
take goes to the outbox as an offline transaction; card + PIN and staff log-in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from backend_sync.lockers.ils_port import UNREACHABLE, LockerLibrary, StaffByIls
from kiosk.core.errors import LibraryUnavailable
from kiosk.core.lockers.ports import Checkout, HoldCheckin
from kiosk.settings.ils import IlsSection
from kiosk.wiring.library import sip2_client_from
from kiosk.wiring.loop_bridge import LoopBridge
from simulators.ils.simulator import IlsSimulator
from simulators.models.outbox_fake import FakeOutbox

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
HELD = "9786090100257"  # on loan to 2100000001, hold for 2100000012 at KNYGOMATAS-1


@pytest.fixture
def sim() -> Iterator[IlsSimulator]:
    with IlsSimulator(encoding="utf-8") as simulator:
        yield simulator


def port_for(sim: IlsSimulator, outbox: FakeOutbox | None = None) -> LockerLibrary:
    section = IlsSection(
        host=sim.host, port=sim.port, username="knygomatas1", password="demo",
        institution="AVB", location="KNYGOMATAS-1", encoding="utf-8", timeout_s=3, retries=0,
    )  # fmt: skip
    return LockerLibrary(
        sip2_client_from(section), LoopBridge.own_loop("test", timeout_s=20).run, "KNYGOMATAS-1",
        outbox=outbox, kiosk_id="k1",
    )  # fmt: skip


@pytest.fixture
def ils(sim: IlsSimulator) -> Iterator[LockerLibrary]:
    port = port_for(sim)
    yield port
    bridge = port.run.__self__
    bridge.run(port.library.close())
    bridge.close()


def test_a_held_item_names_its_patron_and_pickup_point(sim, ils: LockerLibrary) -> None:
    sim.library.add_patron(replace(sim.library.patron("2100000012"), language="001"))
    assert ils.checkin(HELD, NOW) == HoldCheckin(
        HELD, True, hold_patron="2100000012", pickup_location="KNYGOMATAS-1",
        title="Balta drobulė", patron_language="en", patron_email="zygimantas.usas@example.lt",
        patron_phone="", screen_message="Grąžinta, rezervuota kitam skaitytojui",
    )  # fmt: skip


def test_items_without_a_hold_or_not_on_loan(ils: LockerLibrary) -> None:
    plain = ils.checkin("9786090100066", NOW)  # on loan, nobody waits for it
    assert plain.ok and plain.hold_patron == ""
    refused = ils.checkin("9786090100233", NOW)  # already waiting on the hold shelf
    assert not refused.ok and refused.screen_message == "Leidinys nebuvo išduotas"


def test_an_unreachable_ils_loads_nothing(sim, ils: LockerLibrary) -> None:
    sim.stop()
    assert ils.checkin(HELD, NOW) == HoldCheckin(HELD, False, screen_message=UNREACHABLE)
    with pytest.raises(LibraryUnavailable):  # not a wrong PIN: nothing to count
        ils.authenticate_patron("2100000001", "1234", NOW)


def test_checkout_and_offline_checkout(sim) -> None:
    outbox = FakeOutbox()
    ils = port_for(sim, outbox)
    try:
        ils.checkin(HELD, NOW)
        assert ils.checkout("2100000012", HELD, NOW) == Checkout(HELD, True, screen_message="")
        sim.stop()
        assert ils.checkout("2100000001", "9786090100011", NOW) == Checkout(
            "9786090100011", True, offline=True, screen_message=UNREACHABLE
        )
        [entry] = ils.run(outbox.pending())
        assert (entry.kind.value, entry.payload, entry.happened_at, entry.offline) == (
            "checkout", {"card": "2100000001", "item_id": "9786090100011"}, NOW, True
        )  # fmt: skip
    finally:
        ils.run.__self__.close()


def test_without_an_outbox_an_offline_checkout_is_refused(sim, ils: LockerLibrary) -> None:
    sim.stop()
    assert ils.checkout("2100000001", "9786090100011", NOW) == Checkout(
        "9786090100011", False, screen_message=UNREACHABLE
    )


def test_patron_card_and_pin(ils: LockerLibrary) -> None:
    assert ils.authenticate_patron("2100000002", "2345", NOW) == "2100000002"
    assert ils.authenticate_patron("2100000002", "0000", NOW) is None
    assert ils.authenticate_patron("2199999999", "0000", NOW) is None


@pytest.mark.parametrize(
    ("card", "pin", "allowed"),
    [
        ("2100000007", "7890", "******0007"),  # who loaded, for the log: masked
        ("2100000007", "0000", None),  # wrong PIN
        ("2100000007", None, "******0007"),  # card-only mode: the logic passes no PIN
        ("2100000001", "1234", None),  # a valid patron, but not a staff card
    ],
)
def test_staff_cards(ils: LockerLibrary, card: str, pin: str | None, allowed) -> None:
    assert StaffByIls(ils, r"21000000(07|08)").authenticate(card, pin) == allowed


def test_no_staff_pattern_lets_nobody_in(ils: LockerLibrary) -> None:
    assert StaffByIls(ils, "").authenticate("2100000007", "7890") is None


def test_a_refusal_from_an_offline_ils_goes_to_the_outbox(sim) -> None:
    outbox = FakeOutbox()
    ils = port_for(sim, outbox)
    try:
        sim.faults.set_offline("refuse")  # it answers, but refuses everything: it is offline
        assert ils.checkout("2100000001", "9786090100011", NOW).offline
        assert len(ils.run(outbox.pending())) == 1
        sim.faults.clear()
        refused = ils.checkout("2100000003", "9786090100011", NOW)  # a blocked patron
        assert not refused.ok and not refused.offline
        assert len(ils.run(outbox.pending())) == 1
    finally:
        ils.run.__self__.close()


def test_a_pickup_checkout_already_applied_is_not_sent_again(sim, ils: LockerLibrary) -> None:
    # the process died after the ILS applied the checkout but before the kiosk saved it
    assert ils.checkout("2100000002", "9786090100011", NOW).ok
    assert ils.checkout("2100000002", "9786090100011", NOW) == Checkout("9786090100011", True)
    assert sim.library.count("checkout", "9786090100011") == 1
    assert sim.library.count("renew", "9786090100011") == 0
