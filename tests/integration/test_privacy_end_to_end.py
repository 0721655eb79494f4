"""Patron data at rest, end to end: the kiosk as `kiosk run` builds it, against the whole
simulator fleet over real sockets. Ona borrows two books live and takes an e-mailed receipt;
Jonas has a checkout refused (staff resolve it) and borrows one while the ILS is down, which
is replayed when it is back; staff load a hold into a locker and Žygimantas picks it up with
his code. Then every byte of every SQLite file under data_dir (and its WAL) is read: no full
card number and no patron e-mail address may remain, while the kiosk still runs and after it
stopped. Nothing is left pending at the end, so nothing may keep a card.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from backend_sync.store.outbox import REFUSED_LIVE
from kiosk.core.circulation.session import LineStatus, State
from kiosk.core.lockers.service import LoadStarted
from kiosk.demo.core_visit import CodeCatcher
from kiosk.ui.presenters.intents import (
    CardPresented,
    Finished,
    PickupCodeEntered,
    PinEntered,
    ReceiptChosen,
    StartTapped,
)
from kiosk.ui.presenters.views import Screen
from kiosk.wiring.assembly import Kiosk
from simulators.fleet import Fleet

from . import test_kiosk_wiring as wiring
from .test_kiosk_wiring import HELD_FOR_USAS, ONA, ONA_PIN, STACK, control, until, visit

fleet = wiring.fleet  # the wiring tests' fixture: the whole fleet on free ports

JONAS, JONAS_PIN = "2100000002", "2345"
USAS = "2100000012"
LOCKER_STAFF, LOCKER_STAFF_PIN = "2100000007", "7890"
RECEIPT_TO = "ona@pastas.lt"
CARDS = (ONA, JONAS, USAS, LOCKER_STAFF)
ADDRESSES = (
    RECEIPT_TO, "ona.zemaityte@example.lt", "jonas.petraitis@example.lt",
    "zygimantas.usas@example.lt",
)  # fmt: skip


def patron_data_on_disk(data_dir: Path) -> list[str]:
    """Which of the patrons' cards and addresses any SQLite file (or WAL) under data_dir holds."""
    files = [p for p in data_dir.rglob("*.sqlite*") if p.is_file() and not p.name.endswith("lock")]
    raw = b"".join(p.read_bytes() for p in files)
    return [text for text in (*CARDS, *ADDRESSES) if text.encode() in raw]


def free_book(fleet: Fleet) -> str:
    lib = fleet.running["ils"].handle.library
    for item in lib.items():
        barcode = item.barcode
        if barcode in STACK or item.item_type != "book" or item.parts != 1:
            continue
        if lib.loan(barcode) is None and not lib.holds_on(barcode):
            return barcode
    raise AssertionError("the demo library has no free book left")


async def sign_in(kiosk: Kiosk, card: str, pin: str) -> None:
    kiosk.port.send(StartTapped())
    kiosk.port.send(CardPresented(card))
    await until(lambda: kiosk.service.view.state is State.AWAITING_PIN, "the PIN prompt")
    kiosk.port.send(PinEntered(pin))
    await until(lambda: kiosk.service.view.state is State.WORKING, "the borrow screen")


async def lay(fleet: Fleet, kiosk: Kiosk, item: str, lines: int) -> None:
    await asyncio.to_thread(control(fleet, "rfid").call, "place", item=item)

    def done() -> bool:
        seen = kiosk.service.view.lines
        return len(seen) == lines and all(x.status is not LineStatus.WORKING for x in seen)

    await until(done, f"{item} handled")


async def finish(fleet: Fleet, kiosk: Kiosk, receipt: ReceiptChosen) -> None:
    kiosk.port.send(Finished())
    await until(lambda: kiosk.port.state().screen is Screen.RECEIPT, "the receipt choice")
    kiosk.port.send(receipt)
    await until(lambda: kiosk.port.state().screen is Screen.GOODBYE, "goodbye")
    await asyncio.to_thread(control(fleet, "rfid").call, "remove", all=True)
    kiosk.port.send(Finished())


async def ona_borrows_and_takes_an_email(fleet: Fleet, kiosk: Kiosk) -> None:
    await sign_in(kiosk, ONA, ONA_PIN)
    for count, item in enumerate(STACK, 1):
        await lay(fleet, kiosk, item, count)
    await finish(fleet, kiosk, ReceiptChosen("email", RECEIPT_TO))
    await until(lambda: kiosk.mailer.outbox.counts()["sent"] == 1, "the receipt sent")


async def jonas_is_refused_once_and_borrows_offline(fleet: Fleet, kiosk: Kiosk) -> None:
    ils = control(fleet, "ils")
    await sign_in(kiosk, JONAS, JONAS_PIN)
    await lay(fleet, kiosk, HELD_FOR_USAS, 1)  # on hold for Žygimantas: the ILS refuses
    await asyncio.to_thread(ils.call, "offline")
    await lay(fleet, kiosk, free_book(fleet), 2)
    await finish(fleet, kiosk, ReceiptChosen("none"))
    assert kiosk.store.rejected() == []  # refused live, Jonas was told: nothing for staff
    (refused,) = kiosk.store.rejected(include_resolved=True)
    assert refused.resolved_note == REFUSED_LIVE
    assert refused.entry.payload["card"] != JONAS  # settled, so scrubbed at once
    assert kiosk.store.summary().pending == 1  # the offline loan, waiting with its card
    await asyncio.to_thread(ils.call, "online")
    kiosk.worker.wake()
    await until(lambda: kiosk.store.summary().pending == 0, "the outbox replayed", 40)


async def zygimantas_picks_up_from_the_locker(fleet: Fleet, kiosk: Kiosk) -> None:
    locks = control(fleet, "lockers")
    runner = kiosk.lockers
    catcher = CodeCatcher(runner.service.notifier)
    runner.service.notifier = catcher
    staff = await asyncio.to_thread(
        runner.call, lambda s, _now: s.staff_login(LOCKER_STAFF, LOCKER_STAFF_PIN)
    )
    started = await asyncio.to_thread(
        runner.call, lambda s, now: s.start_load(staff, HELD_FOR_USAS, now)
    )
    assert isinstance(started, LoadStarted)
    box = started.compartment
    door = runner.service.compartments[box].door
    await until(lambda: door.state.value != "locked", "the door released")
    await asyncio.to_thread(locks.call, "put_item", compartment=box)
    await asyncio.to_thread(locks.call, "close_door", compartment=box)
    await until(lambda: catcher.codes, "the pickup code")
    kiosk.port.send(StartTapped("pickup"))
    kiosk.port.send(PickupCodeEntered(catcher.codes[-1]))
    await until(lambda: door.state.value == "open", "the door seen open")
    await asyncio.to_thread(locks.call, "take_items", compartment=box)
    await asyncio.to_thread(locks.call, "close_door", compartment=box)
    await until(lambda: kiosk.port.state().view.stage == "closed", "the door closed")
    kiosk.port.send(Finished())


def test_no_card_and_no_address_stays_on_disk_once_nothing_is_pending(fleet: Fleet) -> None:
    settings = fleet.kiosk_settings()
    data_dir = Path(settings.kiosk.data_dir)

    async def body(kiosk: Kiosk) -> None:
        await ona_borrows_and_takes_an_email(fleet, kiosk)
        await jonas_is_refused_once_and_borrows_offline(fleet, kiosk)
        await zygimantas_picks_up_from_the_locker(fleet, kiosk)
        summary = kiosk.store.summary()
        assert (summary.pending, summary.unresolved, summary.done) == (0, 0, 3)
        assert kiosk.mailer.outbox.counts() == {"pending": 0, "sent": 1, "failed": 0}
        history = kiosk.lockers.store.history
        await until(history, "the ended load saved")  # the runner saves after its poll
        assert [row["outcome"] for row in history()] == ["picked_up"]

        left: list[str] = []

        def clean() -> bool:
            kiosk.worker.wake()  # its passes empty the WAL, as a new entry's wake would
            left[:] = patron_data_on_disk(data_dir)
            return not left

        with contextlib.suppress(AssertionError):  # timed out: the assert names what is left
            await until(clean, "no patron data on disk while the kiosk runs", 10)
        assert left == []

    visit(settings, body)
    assert patron_data_on_disk(data_dir) == []  # and after it stopped
    assert {p.name for p in data_dir.glob("*.sqlite")} >= {
        "store.sqlite", "mail-outbox.sqlite", "lockers.sqlite",
    }  # fmt: skip
    assert fleet.running["ils"].handle.library.loan(HELD_FOR_USAS).patron == USAS
    mails = [p.read_text(encoding="utf-8") for p in fleet.options.out_dir.parent.glob("sim-mail/*")]
    assert any(RECEIPT_TO in mail for mail in mails)  # delivered, then forgotten by the kiosk
