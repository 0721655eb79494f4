"""Staff mode's locker tabs on the touch screen, bound to the real patron session core (staff
card over SIP2 to the ILS simulator) and, through kiosk/wiring/staff_desk.py, to the real locker
logic over the shared locker-bank model with the stand-in ILS of the locker tests: a barcode
typed on the screen opens the compartment the screen names, the door closing shows "loaded,
code sent"; refusals are in words; "Open all expired" opens each expired compartment once;
restart asks before it stops the app."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from backend_sync.store.database import open_store
from backend_sync.store.outbox import OutboxStore
from kiosk.core.lockers.doors import DoorEvent
from kiosk.core.lockers.ports import HoldCheckin
from kiosk.settings.loader import load_settings
from kiosk.ui.presenters.views import Screen
from kiosk.wiring.staff_desk import StaffDesk
from simulators.ils.simulator import IlsSimulator
from tests.kiosk.ui.test_core_flows import CoreKiosk
from tests.kiosk.ui.test_locker_pickup import make_bank

ROOT = Path(__file__).resolve().parents[3]
STAFF_CARD, STAFF_PIN = "9900000001", "4321"  # the demo library's staff patron


class BankRunner:
    """The LockerRunner's face (call, poll_once) over the in-process bank: the test is the
    poll thread, so the logic runs where the test says and sees the bank's clock."""

    def __init__(self, bank) -> None:
        self.bank = bank

    def call(self, action):
        return action(self.bank.service, self.bank.now)

    def poll_once(self) -> None:
        self.bank.tick()


@pytest.fixture
def staff(window, tmp_path):
    with IlsSimulator(encoding="utf-8") as sim:
        holder = SimpleNamespace(window=window)
        k = CoreKiosk(holder, sim)
        bank = make_bank()
        restarts: list[str] = []
        parts = SimpleNamespace(
            store=OutboxStore(open_store(tmp_path / "store.db")),
            settings=load_settings(ROOT / "config" / "demo.toml"),
            lockers=BankRunner(bank),
            printer=None,
            worker=None,
            pad=None,
            service=k.service,
        )
        k.port.staff = StaffDesk(parts, k.client, on_restart=lambda: restarts.append("stop"))
        k.tap("start")
        k.keys(STAFF_CARD)
        k.keys(STAFF_PIN)
        assert k.app.state.screen is Screen.STAFF
        yield k, bank, restarts
        k.close()


def door_closes(k, bank, compartment: int, item_in: bool = True) -> None:
    """Staff put the item in and shut the door; the poll tells the screen (as assembly.py's
    door watch does)."""
    if item_in:
        bank.model.put_item(compartment)
    bank.model.close_door(compartment)
    for change in bank.tick():
        if change.event is DoorEvent.CLOSED:
            k.port.door_closed(str(change.compartment))
    k.drain()


def test_a_barcode_loads_the_item_and_the_code_is_sent(staff) -> None:
    k, bank, _ = staff
    bank.ils.holds["40001"] = ("P1", "KNYGOMATAS")
    pages = k.app.screens[Screen.STAFF].lockers
    k.tap("tab:lockers")
    assert "brūkšninį kodą" in pages.load_status.text
    k.keys("40001")
    compartment = bank.service.compartments
    opened = next(n for n, c in compartment.items() if c.pending is not None)
    assert pages.load_status.text.startswith(f"Langelis {opened} atidarytas")
    assert compartment[opened].pending.loaded_by == "******0001"  # who, masked, for the log
    bank.tick()
    assert bank.model.status()["compartments"][str(opened)]["door"] == "open"
    assert bank.ils.checkins == ["40001"]
    door_closes(k, bank, opened)
    assert pages.load_status.text == f"Įdėta į langelį {opened}. Kodas išsiųstas."
    assert [(n.patron_id, n.compartments) for n in bank.mail.notices] == [("P1", (opened,))]


def test_an_empty_compartment_after_the_door_closes_is_not_a_load(staff) -> None:
    k, bank, _ = staff
    bank.ils.holds["40002"] = ("P2", "KNYGOMATAS")
    pages = k.app.screens[Screen.STAFF].lockers
    k.tap("tab:lockers")
    k.keys("40002")
    opened = next(n for n, c in bank.service.compartments.items() if c.pending is not None)
    bank.tick()
    door_closes(k, bank, opened, item_in=False)
    assert pages.load_error.text == "Neįdėta: Langelis tuščias: egzempliorius nepadėtas."
    assert bank.mail.notices == []


def test_refusals_are_in_words(staff) -> None:
    k, bank, _ = staff
    pages = k.app.screens[Screen.STAFF].lockers
    k.tap("tab:lockers")
    k.keys("40099")  # no hold at all
    assert pages.load_error.text == "Neįdėta: Šiam atsiėmimo punktui rezervacijos nėra."
    bank.ils.holds["40003"] = ("P3", "CENTRINE")  # a hold for another pickup point
    k.keys("40003")
    assert pages.load_error.text == "Neįdėta: Šiam atsiėmimo punktui rezervacijos nėra."
    bank.ils.checkin = lambda item, now: HoldCheckin(
        item, False, screen_message="library system unreachable"
    )
    k.keys("40004")
    assert pages.load_error.text == ("Neįdėta: Bibliotekos sistema neatsako. Bandykite vėliau.")
    assert all(c.pending is None for c in bank.service.compartments.values())


def test_no_free_compartment_is_refused_in_words(staff) -> None:
    k, bank, _ = staff
    pages = k.app.screens[Screen.STAFF].lockers
    for number, item in enumerate(("41", "42", "43", "44", "45", "46")):
        bank.load(item, f"P{number}")
    bank.ils.holds["40005"] = ("P9", "KNYGOMATAS")
    k.tap("tab:lockers")
    k.keys("40005")
    assert pages.load_error.text == "Neįdėta: Nėra laisvo tinkamo dydžio langelio."


def test_open_all_expired_opens_each_once_and_lists_the_items(staff) -> None:
    k, bank, _ = staff
    loaded = sorted({bank.load("51", "P1"), bank.load("52", "P2"), bank.load("53", "P3")})
    fresh = bank.load("54", "P4")
    bank.now += timedelta(hours=47)
    bank.load("55", "P4")  # same patron, same compartment: its deadline is later
    bank.now += timedelta(hours=2)
    before = {n: c["releases"] for n, c in bank.model.status()["compartments"].items()}
    pages = k.app.screens[Screen.STAFF].lockers
    k.tap("tab:expired")
    k.tap("open_expired")
    after = {n: c["releases"] for n, c in bank.model.status()["compartments"].items()}
    opened = sorted(int(n) for n in after if after[n] != before[n])
    assert opened == loaded and fresh not in opened
    assert all(after[str(n)] - before[str(n)] == 1 for n in opened)
    rows = [row for row in pages.retrieved.rows if row.parent is not None]
    assert sorted(row.detail.text for row in rows) == ["51", "52", "53"]
    shown = [int(row.status.text.rsplit(" ", 1)[-1]) for row in rows]
    assert shown == loaded  # in compartment order: staff walk along the bank
    assert bank.ils.checkins.count("51") == 1
    k.tap("open_expired")  # a second tap: nothing is expired any more, nothing opens
    again = {n: c["releases"] for n, c in bank.model.status()["compartments"].items()}
    assert again == after
    assert pages.print_list.parent is None  # no printer on this kiosk: nothing to offer


def test_restart_asks_first_then_stops_the_app(staff) -> None:
    k, _, restarts = staff
    screen = k.app.screens[Screen.STAFF]
    k.tap("restart")
    assert restarts == []
    assert screen.result.text == "Perkrauti kioską dabar? Palieskite dar kartą patvirtinti."
    assert screen.restart.text == "Taip, perkrauti"
    k.tap("restart")
    assert restarts == ["stop"]
    assert k.port.staff.restart_requested


class PaperRoll:
    """The receipt desk's printing face (print_blocks, columns), keeping what it printed."""

    columns = 42

    def __init__(self) -> None:
        self.printed: list = []

    async def print_blocks(self, blocks) -> None:
        self.printed.append(blocks)


def test_the_retrieval_list_prints_when_a_printer_exists(staff) -> None:
    from kiosk.core.receipts import as_text

    k, bank, _ = staff
    roll = PaperRoll()
    desk = k.port.staff
    desk.kiosk.printer = roll
    desk.kiosk.language = SimpleNamespace(texts=lambda: k.app.tr)
    desk.kiosk.health = SimpleNamespace(report=lambda health: None)
    number = bank.load("61", "P1")
    bank.now += timedelta(hours=49)
    pages = k.app.screens[Screen.STAFF].lockers
    k.tap("tab:expired")
    k.tap("open_expired")
    assert pages.print_list.parent is not None
    k.tap("print_list")
    text = as_text(roll.printed[0], roll.columns)
    assert "Išimti neatsiimti egzemplioriai" in text
    assert f"{number:>3}  61  Title 61" in text


def test_the_demo_session_scripts_loading_expiry_and_restart(harness) -> None:
    from tests.kiosk.ui.scripted_port import STAFF_CARD as DEMO_STAFF
    from tests.kiosk.ui.scripted_port import STAFF_PIN

    h = harness
    h.tap("start")
    h.keys(DEMO_STAFF)
    h.keys(STAFF_PIN)
    pages = h.app.screens[Screen.STAFF].lockers
    h.tap("tab:lockers")
    h.keys("50002")
    assert pages.load_error.text == "Neįdėta: Šiam atsiėmimo punktui rezervacijos nėra."
    h.keys("50001")
    assert pages.load_status.text.startswith("Langelis 9 atidarytas")
    h.session.loading_door_closed()
    h.settle()
    assert pages.load_status.text == "Įdėta į langelį 9. Kodas išsiųstas."
    h.tap("tab:expired")
    h.tap("open_expired")
    assert [r.detail.text for r in pages.retrieved.rows if r.parent] == ["50007", "50012"]
    h.tap("restart")
    assert h.app.screens[Screen.STAFF].restart.text == "Taip, perkrauti"
    h.tap("restart")
    assert h.app.screens[Screen.STAFF].result.text != ""
