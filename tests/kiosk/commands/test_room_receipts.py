"""Room confirmations in the running app go through a receipt desk of their own: printed or
queued for e-mail from the room worker thread while the UI's loop runs the desk."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import datetime

import pytest

from kiosk.core.receipt_delivery import PrinterFault, ReceiptDesk
from kiosk.core.receipts import Receipt, RoomBookingSlip
from kiosk.core.rooms.model import Patron
from kiosk.i18n import Catalogs
from kiosk.wiring.loop_bridge import LoopBridge
from kiosk.wiring.touch_app import room_receipts

START = datetime(2026, 11, 25, 14, 0)
RECEIPT = Receipt.for_card(
    "2100000001",
    library_name="Apskrities viešoji biblioteka",
    kiosk_id="demo-1",
    issued_at=START,
    room=RoomBookingSlip("booked", "Grupinio darbo erdvė 2", START, START.replace(hour=15), "b-7"),
)
ONA = Patron("2100000001", "Ona", "Žemaitytė", "ona.zemaityte@example.lt")


class Printer:
    columns = 42

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.printed: list[object] = []

    async def print_blocks(self, blocks) -> None:  # type: ignore[no-untyped-def]
        if self.fail:
            raise PrinterFault("paper out")
        self.printed.append(blocks)


class Mailer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    async def queue(self, address: str, subject: str, text: str) -> None:
        self.sent.append((address, subject, text))


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    running = asyncio.new_event_loop()
    thread = threading.Thread(target=running.run_forever, daemon=True)
    thread.start()
    yield running
    running.call_soon_threadsafe(running.stop)
    thread.join(5)
    running.close()


def desks(printer: Printer, mailer: Mailer):  # type: ignore[no-untyped-def]
    texts = Catalogs().translator("lt")
    return lambda session, receipt: ReceiptDesk(session, receipt, texts, printer, mailer, print)


def test_print_and_email_from_the_worker_thread(loop: asyncio.AbstractEventLoop) -> None:
    printer, mailer = Printer(), Mailer()
    send = room_receipts(desks(printer, mailer), LoopBridge(loop))
    assert send("print", RECEIPT, ONA, "lt") is True
    assert send("email", RECEIPT, ONA, "lt") is True
    assert len(printer.printed) == 1
    [(address, _, text)] = mailer.sent
    assert address == ONA.email and "Grupinio darbo erdvė 2" in text


def test_a_printer_fault_or_no_address_is_a_failed_delivery(
    loop: asyncio.AbstractEventLoop,
) -> None:
    send = room_receipts(desks(Printer(fail=True), Mailer()), LoopBridge(loop))
    assert send("print", RECEIPT, ONA, "lt") is False
    assert send("email", RECEIPT, Patron("1", "A", "B", ""), "lt") is False
