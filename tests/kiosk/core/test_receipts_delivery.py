"""One receipt decision per session: print once however often Print is tapped, offer e-mail
or none when the printer fails, and never lose the session to a printer fault."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

from kiosk.core.receipt_delivery import (
    Choice,
    IllegalReceiptStep,
    InvalidEmailAddress,
    PrinterFault,
    ReceiptDeclined,
    ReceiptDesk,
    ReceiptEmailQueued,
    ReceiptPrinted,
    ReceiptPrintFailed,
    State,
    validate_email,
)
from kiosk.core.receipts import Block, ItemKind, Receipt, ReceiptItem
from kiosk.i18n import Catalogs

RECEIPT = Receipt.for_card(
    "20001234567",
    library_name="Biblioteka",
    kiosk_id="k-1",
    issued_at=datetime(2026, 11, 25, 14, 30),
    items=(ReceiptItem(ItemKind.BORROWED, "Šventųjų ąžuolų giesmės"),),
)


class PaperOutFault(PrinterFault):
    reason = "paper_out"


class CountingPrinter:
    columns = 32

    def __init__(self, fault: PrinterFault | None = None) -> None:
        self.fault = fault
        self.jobs: list[tuple[Block, ...]] = []

    async def print_blocks(self, blocks: tuple[Block, ...]) -> None:
        await asyncio.sleep(0)  # let a second tap arrive while this one prints
        self.jobs.append(blocks)
        if self.fault:
            raise self.fault


class RecordingMailer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    async def queue(self, address: str, subject: str, text: str) -> None:
        self.sent.append((address, subject, text))


def desk(printer: CountingPrinter | None, mailer: RecordingMailer | None = None):
    events: list[object] = []
    texts = Catalogs().translator("lt")
    return ReceiptDesk("s-1", RECEIPT, texts, printer, mailer, events.append), events


def test_repeated_taps_on_print_print_once() -> None:
    printer = CountingPrinter()
    receipt_desk, events = desk(printer, RecordingMailer())

    async def tap_three_times() -> list[object]:
        return await asyncio.gather(
            receipt_desk.print(), receipt_desk.print(), receipt_desk.print()
        )

    asyncio.run(tap_three_times())
    asyncio.run(receipt_desk.print())
    assert len(printer.jobs) == 1
    assert receipt_desk.state is State.PRINTED and events == [ReceiptPrinted("s-1")]
    assert receipt_desk.choices() == ()
    with pytest.raises(IllegalReceiptStep):
        asyncio.run(receipt_desk.email("a@b.lt"))


def test_printer_fault_offers_email_or_none_and_the_session_goes_on() -> None:
    mailer = RecordingMailer()
    receipt_desk, events = desk(CountingPrinter(PaperOutFault("no paper")), mailer)
    outcome = asyncio.run(receipt_desk.print())
    assert outcome.state is State.PRINT_FAILED and outcome.reason == "paper_out"
    assert outcome.offer == (Choice.EMAIL, Choice.NONE)
    assert asyncio.run(receipt_desk.print()).state is State.PRINT_FAILED  # no retry, no crash
    assert asyncio.run(receipt_desk.email(" jonas@example.lt ")).state is State.EMAIL_QUEUED
    address, subject, text = mailer.sent[0]
    assert address == "jonas@example.lt" and subject == "Biblioteka: jūsų kvitas"
    assert "1. Šventųjų ąžuolų giesmės" in text and "20001234567" not in text
    assert events == [ReceiptPrintFailed("s-1", "paper_out"), ReceiptEmailQueued("s-1")]


def test_declining_and_a_kiosk_without_printer() -> None:
    receipt_desk, events = desk(None, None)
    assert receipt_desk.choices() == (Choice.NONE,)
    assert asyncio.run(receipt_desk.print()).state is State.PENDING
    assert receipt_desk.decline().state is State.DECLINED
    assert events == [ReceiptDeclined("s-1")]
    with pytest.raises(IllegalReceiptStep):
        receipt_desk.decline()


@pytest.mark.parametrize(
    "bad", ["", "jonas", "jonas@", "@example.lt", "a b@c.lt", "a@b", "a@b..lt"]
)
def test_typed_addresses_are_validated(bad: str) -> None:
    with pytest.raises(InvalidEmailAddress):
        validate_email(bad)
    receipt_desk, _ = desk(None, RecordingMailer())
    with pytest.raises(InvalidEmailAddress):
        asyncio.run(receipt_desk.email(bad))
    assert receipt_desk.state is State.PENDING


def test_the_spoken_receipt_reads_every_line_in_the_patrons_language_without_rules() -> None:
    receipt = Receipt.for_card(
        "20001234567",
        library_name="Biblioteka",
        kiosk_id="k-1",
        issued_at=datetime(2026, 11, 25, 14, 30),
        items=(
            ReceiptItem(ItemKind.BORROWED, "Šventųjų ąžuolų giesmės", due=datetime(2026, 12, 16)),
            ReceiptItem(ItemKind.RETURNED, "Metai"),
        ),
    )
    for language, borrowed in (("lt", "Paimta"), ("en", "Borrowed")):
        texts = Catalogs().translator(language)
        desk = ReceiptDesk("s1", receipt, texts, CountingPrinter(), None, lambda _e: None)
        spoken = desk.spoken()
        lines = spoken.splitlines()
        assert "Šventųjų ąžuolų giesmės" in spoken and "Metai" in spoken and borrowed in lines
        assert "20001234567" not in spoken  # the masked card only
        assert not any(set(line) <= set("-=* ") for line in lines)  # no rules read out
        assert not any("  " in line for line in lines)  # columns become pauses
        assert texts.date(datetime(2026, 12, 16).date()) in spoken
