"""A patron's whole visit end to end, everything real but the screen: the SIP2 client against
the ILS simulator, the FEIG driver (pad monitor, library tags) against the RFID simulator,
the ESC/POS printer against the printer simulator, all over loopback TCP, and the SQLite
outbox with its replayer; the service built by the composition root from settings.

Online: borrow a stack (with a set) and print the receipt; return with sort bins and the
hold alert; renew and the account view. Offline: borrow and return with the ILS down, the
receipt saying so, then the replay when it is back (nothing lost, nothing twice), and a
rejected replay on the reconciliation list.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from backend_sync.store.database import open_store
from backend_sync.store.outbox import OutboxStore, SqliteOutbox
from backend_sync.store.replayer import Replayer
from backend_sync.store.statistics import SqliteStatistics, StoreStatistics
from device_drivers.rfid.feig_reader import FeigReader
from kiosk.core.circulation.service import CirculationService
from kiosk.core.circulation.session import Activity, LineStatus, State
from kiosk.core.circulation.visit import StaffAlert
from kiosk.core.clock import wall_time
from kiosk.core.outbox import EntryState
from kiosk.core.receipt_delivery import ReceiptDesk
from kiosk.core.receipts import Receipt
from kiosk.i18n import Catalogs
from kiosk.settings.model import Settings
from kiosk.wiring.core_parts import build_circulation
from kiosk.wiring.library import library_from
from kiosk.wiring.printer import printer_from
from kiosk.wiring.rfid_pad import RfidPad
from simulators.ils.simulator import IlsSimulator
from simulators.models.rfid_pad import PadTimings, SimTag
from simulators.printer.server import PrinterSimulator, SimulatorOptions
from simulators.rfid import tags
from simulators.rfid.app import RfidSimulator

ONA, ONA_PIN = "2100000001", "1234"
METAI, KURMELIS = "9786090100011", "9786090100042"
BOOK_WITH_CD = "9786090100400"  # two parts
MARTI, DROBULE = "9786090100035", "9786090100257"  # on loan to Ona; Drobulė held here
CHECKED_IN, CHECKED_OUT = 0x07, 0xC2


@dataclass
class Rig:
    ils: IlsSimulator
    rfid: RfidSimulator
    printer: PrinterSimulator
    store: OutboxStore
    alerts: list[StaffAlert] = field(default_factory=list)

    def settings(self, **circulation: Any) -> Settings:
        return Settings.model_validate(
            {
                "kiosk": {"id": "kiosk-e2e", "library_name": "Apskrities biblioteka"},
                "ils": {
                    "host": self.ils.host,
                    "port": self.ils.port,
                    "username": "kiosk1",
                    "password": "demo",
                    "institution": "AVB",
                    "location": "KNYGOMATAS-1",
                    "encoding": "utf-8",
                    "timeout_s": 2.0,
                    "retries": 1,
                    "keepalive_s": 0,
                },
                "rfid": {
                    "url": self.rfid.tcp.url,
                    "timeout_s": 2.0,
                    "inventory_interval_s": 0.02,
                    "arrive_rounds": 1,
                    "leave_rounds": 1,
                },
                "printer": {
                    "url": f"tcp://127.0.0.1:{self.printer.port}",
                    "status_timeout_s": 1.0,
                    "timeout_s": 2.0,
                },
                "circulation": circulation,
            }
        )

    def statistics(self) -> StoreStatistics:
        return StoreStatistics(self.store.engine, "kiosk-e2e")

    def today(self) -> dict[str, Any]:
        # the statistics count days in the library's zone ([kiosk] timezone), as the kiosk's
        # clock does: between midnight there and midnight here the machine's date is another
        day = wall_time(self.settings().kiosk.timezone)().date()
        (row,) = self.statistics().daily(day, day)
        return row

    def afi(self, tag: SimTag) -> int:
        return self.rfid.model.tag(tag.uid).afi

    def receipts(self) -> list[str]:
        out = self.printer.options.out_dir
        return [p.read_text(encoding="utf-8") for p in sorted(out.glob("receipt-*.txt"))]


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    with IlsSimulator(encoding="utf-8") as ils:
        rfid = RfidSimulator(timings=PadTimings(), time_scale=0.0, control_port=None).start()
        printer = PrinterSimulator(
            SimulatorOptions(out_dir=tmp_path / "printed", port=0, pty=False, png=False)
        ).start()
        try:
            yield Rig(ils, rfid, printer, OutboxStore(open_store(tmp_path / "store.sqlite")))
        finally:
            printer.stop()
            rfid.stop()


def visit(
    rig: Rig, body: Callable[[CirculationService], Awaitable[None]], **circulation: Any
) -> None:
    async def main() -> None:
        settings = rig.settings(**circulation)
        assert settings.rfid and settings.printer and settings.ils
        reader = FeigReader(settings.rfid.url, timeout_s=2.0)
        printer = printer_from(settings.printer)
        texts = Catalogs().translator("lt")

        def desk(session_id: str, receipt: Receipt) -> ReceiptDesk:
            return ReceiptDesk(session_id, receipt, texts, printer, None, lambda e: None)

        library = library_from(settings)
        service = build_circulation(
            settings,
            outbox=SqliteOutbox(rig.store),
            library=library,
            pad=RfidPad(reader, settings.rfid),
            receipts=desk,
            on_alert=rig.alerts.append,
            translate=texts.gettext,
            stats=SqliteStatistics(rig.statistics()),
        )
        try:
            await asyncio.wait_for(body(service), 40)
        finally:
            await service.cancel()
            await library.close()
            reader.close()

    asyncio.run(main())


async def lines_done(service: CirculationService, count: int) -> None:
    """Wait (bounded) until the pad monitor delivered `count` items and all are done."""
    for _ in range(1000):
        await service.settle()
        lines = service.view.lines
        if len(lines) >= count and all(line.status is not LineStatus.WORKING for line in lines):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"only {len(service.view.lines)} of {count} items were handled")


async def login(service: CirculationService, card: str = ONA, pin: str = ONA_PIN) -> None:
    await service.present_card(card)
    await service.enter_pin(pin)


def test_borrow_a_stack_with_a_set_and_print_the_receipt(rig: Rig) -> None:
    metai, kurmelis = tags.item_tag(METAI), tags.item_tag(KURMELIS)
    part1, part2 = (
        tags.item_tag(BOOK_WITH_CD, part=1, of=2),
        tags.item_tag(BOOK_WITH_CD, part=2, of=2),
    )

    async def body(service: CirculationService) -> None:
        await login(service)
        assert service.state is State.WORKING
        for tag in (metai, kurmelis, part1):
            rig.rfid.model.place(tag)
        await lines_done(service, 2)
        assert service.view.notice and service.view.notice.key == "item.incomplete_set"
        rig.rfid.model.place(part2)
        await lines_done(service, 3)
        assert {(line.item_id, line.status) for line in service.view.lines} == {
            (METAI, LineStatus.BORROWED),
            (KURMELIS, LineStatus.BORROWED),
            (BOOK_WITH_CD, LineStatus.BORROWED),
        }
        await service.done()
        assert service.state is State.RECEIPT
        await service.receipt("print")
        assert service.state is State.IDLE

    visit(rig, body)
    assert all(rig.afi(t) == CHECKED_OUT for t in (metai, kurmelis, part1, part2))
    for item in (METAI, KURMELIS, BOOK_WITH_CD):
        assert rig.ils.library.count("checkout", item) == 1
    (receipt,) = rig.receipts()
    assert "Metai" in receipt and "Petras Kurmelis" in receipt and ONA not in receipt
    assert rig.store.summary().done == 3 and rig.store.summary().pending == 0
    assert rig.ils.events["answered_35"] == 1
    today = rig.today()
    assert today["checkouts"] == 3 and today["sessions"] == 1


def test_return_sets_security_and_shows_sort_bin_and_hold_alert(rig: Rig) -> None:
    marti = tags.item_tag(MARTI, afi=CHECKED_OUT)
    drobule = tags.item_tag(DROBULE, afi=CHECKED_OUT)

    async def body(service: CirculationService) -> None:
        await service.start_returns()
        rig.rfid.model.place(marti)
        rig.rfid.model.place(drobule)
        await lines_done(service, 2)
        by_item = {line.item_id: line for line in service.view.lines}
        assert by_item[MARTI].status is LineStatus.RETURNED and by_item[MARTI].sort_bin == "R1"
        assert by_item[DROBULE].notice and by_item[DROBULE].notice.key == "item.hold_shelf"
        await service.done()
        await service.receipt("print")

    visit(rig, body)
    assert rig.afi(marti) == CHECKED_IN and rig.afi(drobule) == CHECKED_IN
    assert rig.ils.library.count("checkin") == 2
    receipt = " ".join(rig.receipts()[0].split())  # lines are wrapped to the paper
    assert "Balta drobulė" in receipt
    assert "rezervuotų leidinių lentyną" in receipt  # where the held item goes, in Lithuanian


def test_renew_and_the_account_view(rig: Rig) -> None:
    async def body(service: CirculationService) -> None:
        await login(service)
        await service.choose(Activity.ACCOUNT)
        account = service.view.account
        assert account is not None and {loan.item_id for loan in account.loans} == {MARTI, DROBULE}
        assert account.holds and account.holds[0].ready and account.holds[0].where
        await service.renew(MARTI)
        assert service.view.lines[-1].status is LineStatus.RENEWED
        await service.done()
        await service.receipt("none")

    visit(rig, body)
    assert rig.ils.library.count("renew", MARTI) == 1
    assert rig.receipts() == []


def test_offline_visit_then_replay_applies_each_transaction_once(rig: Rig) -> None:
    metai, kurmelis = tags.item_tag(METAI), tags.item_tag(KURMELIS)
    marti = tags.item_tag(MARTI, afi=CHECKED_OUT)
    rig.ils.set_offline("refuse")

    async def body(service: CirculationService) -> None:
        await login(service)
        assert service.state is State.WORKING and service.view.offline
        rig.rfid.model.place(metai)
        rig.rfid.model.place(kurmelis)
        await lines_done(service, 2)
        await service.choose(Activity.RETURN)
        rig.rfid.model.place(marti)
        await lines_done(service, 3)
        assert [line.status for line in service.view.lines] == [
            LineStatus.BORROWED,
            LineStatus.BORROWED,
            LineStatus.RETURNED,
        ]
        assert all(line.offline for line in service.view.lines)
        await service.done()
        await service.receipt("print")

    visit(rig, body, offline_policy="returns_and_checkouts", offline_max_checkouts=3)
    assert rig.afi(metai) == CHECKED_OUT and rig.afi(marti) == CHECKED_IN
    assert rig.ils.library.count("checkout") == 0
    assert rig.store.summary().pending == 3
    today = rig.today()
    assert today["offline_checkouts"] == 2 and today["offline_returns"] == 1
    # offline the kiosk knows no titles: item numbers instead
    receipt = " ".join(rig.receipts()[0].split())
    assert METAI in receipt and MARTI in receipt
    assert "įrašyta šiame knygomate" in receipt  # said plainly: kept here, sent later

    rig.ils.set_online()
    replay_twice(rig)
    assert rig.ils.library.count("checkout", METAI) == 1
    assert rig.ils.library.count("checkout", KURMELIS) == 1
    assert rig.ils.library.count("checkin", MARTI) == 1
    assert rig.store.summary().pending == 0 and rig.store.rejected() == []


def test_ils_down_mid_stack_and_a_rejected_replay_goes_to_reconciliation(rig: Rig) -> None:
    metai, kurmelis = tags.item_tag(METAI), tags.item_tag(KURMELIS)
    not_on_loan = tags.item_tag("9786090100073")

    async def body(service: CirculationService) -> None:
        await login(service)
        rig.rfid.model.place(metai)
        await lines_done(service, 1)
        rig.ils.set_offline("refuse")
        rig.rfid.model.place(kurmelis)
        await lines_done(service, 2)
        await service.choose(Activity.RETURN)
        rig.rfid.model.place(not_on_loan)  # taken back offline: the ILS will refuse it
        await lines_done(service, 3)
        assert [line.offline for line in service.view.lines] == [False, True, True]

    visit(rig, body, offline_policy="returns_and_checkouts")
    rig.ils.set_online()
    replay_twice(rig)
    assert rig.ils.library.count("checkout", METAI) == 1
    assert rig.ils.library.count("checkout", KURMELIS) == 1
    (listed,) = rig.store.rejected()
    entry = listed.entry
    assert entry.payload["item_id"] == "9786090100073" and entry.state is EntryState.REJECTED
    assert entry.reason


def replay_twice(rig: Rig) -> None:
    """Replay the outbox, then again: the second pass must find nothing to do."""

    async def main() -> None:
        settings = rig.settings()
        assert settings.ils
        library = library_from(settings)
        try:
            replayer = Replayer(rig.store, library)
            await replayer.run_pass()
            second = await replayer.run_pass()
            assert second.done == 0 and second.rejected == 0
        finally:
            await library.close()

    asyncio.run(main())


def test_a_checkout_applied_before_the_link_died_is_not_applied_twice(rig: Rig) -> None:
    metai = tags.item_tag(METAI)

    async def body(service: CirculationService) -> None:
        await login(service)
        rig.ils.faults.arm("drop_after", 0)  # applied, then the connection dies for good
        rig.rfid.model.place(metai)
        await lines_done(service, 1)
        (line,) = service.view.lines
        assert line.status is LineStatus.BORROWED and line.offline  # the offline policy took it
        rig.ils.faults.clear()

    visit(rig, body, offline_policy="returns_and_checkouts")
    assert rig.ils.library.count("checkout", METAI) == 1  # the lost request did go through
    replay_twice(rig)
    assert rig.ils.library.count("checkout", METAI) == 1
    assert rig.store.summary().pending == 0 and rig.store.rejected() == []
