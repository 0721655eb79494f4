"""The receipt as data, and its one layout: what a session's receipt says, line by line.

A ``Receipt`` holds what happened in a session (items borrowed, returned, renewed, paid,
compartments loaded, a locker pickup) with the patron shown only as a masked card number.
``layout()`` turns it into a tuple of blocks (text lines, rules, QR codes, barcodes, a cut)
for a given number of columns and a language; every output format is drawn from these blocks:
ESC/POS bytes (device_drivers/printers/escpos_render.py), PNG (printers/raster.py) and plain
text (``as_text`` here, for e-mail, the screen and speech).

Pure: no I/O, no clock (``issued_at`` is given), no printer or e-mail knowledge. Texts come
through a ``Texts`` port (kiosk/i18n.Translator implements it); every msgid here is in the
catalogues under kiosk/locale/, and every count goes through ngettext.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from kiosk.core.privacy import mask_card


class Texts(Protocol):
    language: str

    def gettext(self, message: str) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int) -> str: ...
    def money(self, cents: int) -> str: ...
    def date(self, day: date) -> str: ...
    def datetime(self, moment: datetime) -> str: ...


class ItemKind(StrEnum):
    BORROWED = "borrowed"
    RETURNED = "returned"
    RENEWED = "renewed"
    LOADED = "loaded"
    PAID = "paid"


@dataclass(frozen=True)
class ReceiptItem:
    kind: ItemKind
    title: str
    item_id: str = ""
    due: date | None = None
    amount_cents: int | None = None
    compartment: str = ""


@dataclass(frozen=True)
class LockerPickup:
    """A pickup slip: where the hold waits, the code that opens it, and a QR to scan."""

    locker: str
    compartment: str
    code: str
    until: date | None = None
    qr_payload: str = ""


@dataclass(frozen=True)
class RoomBookingSlip:
    """A room booking made, checked in to or cancelled at the kiosk (kiosk/core/rooms)."""

    outcome: str  # booked | checked_in | cancelled
    room: str
    start: datetime
    end: datetime
    booking_id: str


@dataclass(frozen=True)
class Receipt:
    library_name: str
    kiosk_id: str
    issued_at: datetime
    patron: str = ""
    items: tuple[ReceiptItem, ...] = ()
    opening_hours: tuple[str, ...] = ()
    message: str = ""
    payment_reference: str = ""
    pickup: LockerPickup | None = None
    room: RoomBookingSlip | None = None
    notes: tuple[str, ...] = ()
    qr_payload: str = ""

    def __post_init__(self) -> None:
        # The masked form always carries asterisks; a bare number means someone forgot to mask.
        if self.patron and "*" not in self.patron:
            raise ValueError("Receipt.patron must be a masked card number (use for_card)")

    @staticmethod
    def for_card(card: str, **fields: object) -> Receipt:
        """A receipt for the patron with this card; only the masked number is kept."""
        return Receipt(patron=mask_card(card), **fields)  # type: ignore[arg-type]


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class Line:
    text: str
    align: Align = Align.LEFT
    bold: bool = False
    large: bool = False


@dataclass(frozen=True)
class Rule:
    char: str = "-"


@dataclass(frozen=True)
class QrCode:
    payload: str


@dataclass(frozen=True)
class Barcode:
    """CODE128 of ``payload`` (ASCII only)."""

    payload: str


@dataclass(frozen=True)
class Cut:
    pass


Block = Line | Rule | QrCode | Barcode | Cut

# The section heading and the count sentence of each kind, in the order they are printed.
# The strings are literal so that message extraction finds them.
_SECTIONS: tuple[tuple[ItemKind, Callable[[Texts], str], Callable[[Texts, int], str]], ...] = (
    (
        ItemKind.BORROWED,
        lambda t: t.gettext("Borrowed"),
        lambda t, n: t.ngettext("%(count)d item borrowed", "%(count)d items borrowed", n),
    ),
    (
        ItemKind.RENEWED,
        lambda t: t.gettext("Renewed"),
        lambda t, n: t.ngettext("%(count)d item renewed", "%(count)d items renewed", n),
    ),
    (
        ItemKind.RETURNED,
        lambda t: t.gettext("Returned"),
        lambda t, n: t.ngettext("%(count)d item returned", "%(count)d items returned", n),
    ),
    (
        ItemKind.LOADED,
        lambda t: t.gettext("Loaded into the locker"),
        lambda t, n: t.ngettext("%(count)d item loaded", "%(count)d items loaded", n),
    ),
    (
        ItemKind.PAID,
        lambda t: t.gettext("Paid"),
        lambda t, n: t.ngettext("%(count)d payment", "%(count)d payments", n),
    ),
)


def layout(receipt: Receipt, texts: Texts, columns: int) -> tuple[Block, ...]:
    """The receipt as blocks for a paper or screen ``columns`` characters wide."""
    if columns < 16:
        raise ValueError("a receipt needs at least 16 columns")
    blocks: list[Block] = [*_header(receipt, texts, columns), Rule()]
    for kind, heading, count in _SECTIONS:
        items = [item for item in receipt.items if item.kind is kind]
        if items:
            blocks += _section(items, heading(texts), count(texts, len(items)), texts, columns)
            blocks.append(Rule())
    blocks += _payment(receipt, texts, columns)
    blocks += _pickup(receipt, texts, columns)
    blocks += _room(receipt, texts, columns)
    blocks += [Line(text) for note in receipt.notes for text in _wrap(note, columns)]
    if receipt.qr_payload:
        blocks.append(QrCode(receipt.qr_payload))
    blocks += _footer(receipt, texts, columns)
    blocks.append(Cut())
    return tuple(blocks)


def as_text(blocks: Iterable[Block], columns: int) -> str:
    """Plain text of the blocks: for e-mail, the screen and speech (QR and cut left out)."""
    out: list[str] = []
    for block in blocks:
        match block:
            case Line(text=text, align=align, large=large):
                width = columns // 2 if large else columns
                out.append(_aligned(text, align, width).rstrip())
            case Rule(char=char):
                out.append(char * columns)
            case Barcode(payload=payload):
                out.append(_aligned(payload, Align.CENTER, columns).rstrip())
            case QrCode() | Cut():
                pass
    return "\n".join(out) + "\n"


SPEECH_COLUMNS = 200  # wide enough that no sentence is wrapped for the ear


def as_speech(blocks: Iterable[Block]) -> str:
    """What self-voicing reads of a receipt: its lines in order, the columns of a line
    (a title and its due date) separated by a pause, no rules, codes or cut."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Line) and block.text.strip():
            out.append(_COLUMN_GAP.sub(", ", block.text.strip()))
    return "\n".join(out)


_COLUMN_GAP = re.compile(r"\s{2,}")


def _header(receipt: Receipt, t: Texts, columns: int) -> list[Block]:
    blocks: list[Block] = [
        Line(text, Align.CENTER, bold=True) for text in _wrap(receipt.library_name, columns)
    ]
    blocks.append(Line(t.gettext("RECEIPT"), Align.CENTER, bold=True, large=True))
    blocks.append(Line(t.datetime(receipt.issued_at)))
    station = t.gettext("Self-service station: %(kiosk)s") % {"kiosk": receipt.kiosk_id}
    blocks += [Line(text) for text in _wrap(station, columns)]
    if receipt.patron:
        card = t.gettext("Library card: %(card)s") % {"card": receipt.patron}
        blocks += [Line(text) for text in _wrap(card, columns)]
    return blocks


def _section(
    items: list[ReceiptItem], heading: str, count: str, t: Texts, columns: int
) -> list[Block]:
    blocks: list[Block] = [Line(heading, bold=True)]
    for number, item in enumerate(items, start=1):
        blocks += [Line(text) for text in _wrap(f"{number}. {item.title}", columns, indent=3)]
        blocks += [
            Line(text) for detail in _details(item, t) for text in _wrap(detail, columns, 3, 3)
        ]
    blocks.append(Line(count % {"count": len(items)}))
    return blocks


def _details(item: ReceiptItem, t: Texts) -> list[str]:
    details: list[str] = []
    if item.item_id:
        details.append(t.gettext("Item: %(id)s") % {"id": item.item_id})
    if item.due is not None and item.kind is ItemKind.RENEWED:
        details.append(t.gettext("New due date: %(date)s") % {"date": t.date(item.due)})
    elif item.due is not None:
        details.append(t.gettext("Due: %(date)s") % {"date": t.date(item.due)})
    if item.compartment:
        details.append(t.gettext("Compartment: %(number)s") % {"number": item.compartment})
    if item.amount_cents is not None:
        details.append(t.gettext("Amount: %(amount)s") % {"amount": t.money(item.amount_cents)})
    return details


def _payment(receipt: Receipt, t: Texts, columns: int) -> list[Block]:
    paid = [i.amount_cents or 0 for i in receipt.items if i.kind is ItemKind.PAID]
    blocks: list[Block] = []
    if paid:
        total = t.gettext("Total paid: %(amount)s") % {"amount": t.money(sum(paid))}
        blocks += [Line(text, bold=True) for text in _wrap(total, columns)]
    if receipt.payment_reference:
        ref = t.gettext("Payment reference: %(ref)s") % {"ref": receipt.payment_reference}
        blocks += [Line(text) for text in _wrap(ref, columns)]
        blocks.append(Barcode(receipt.payment_reference))
    if blocks:
        blocks.append(Rule())
    return blocks


def _pickup(receipt: Receipt, t: Texts, columns: int) -> list[Block]:
    pickup = receipt.pickup
    if pickup is None:
        return []
    texts = [
        t.gettext("Book locker: %(locker)s") % {"locker": pickup.locker},
        t.gettext("Compartment: %(number)s") % {"number": pickup.compartment},
    ]
    blocks: list[Block] = [Line(t.gettext("Ready for pickup"), Align.CENTER, bold=True)]
    blocks += [Line(text) for line in texts for text in _wrap(line, columns)]
    code = t.gettext("Pickup code: %(code)s") % {"code": pickup.code}
    blocks += [
        Line(text, Align.CENTER, bold=True, large=True) for text in _wrap(code, columns // 2)
    ]
    if pickup.until is not None:
        until = t.gettext("Pick up by: %(date)s") % {"date": t.date(pickup.until)}
        blocks += [Line(text) for text in _wrap(until, columns)]
    if pickup.qr_payload:
        blocks.append(QrCode(pickup.qr_payload))
    blocks.append(Rule())
    return blocks


def _room(receipt: Receipt, t: Texts, columns: int) -> list[Block]:
    room = receipt.room
    if room is None:
        return []
    headings = {
        "booked": t.gettext("Room booking"),
        "checked_in": t.gettext("Checked in to the room"),
        "cancelled": t.gettext("Room booking cancelled"),
    }
    when = f"{t.date(room.start.date())} {room.start:%H:%M}–{room.end:%H:%M}"
    texts = [
        t.gettext("Room: %(room)s") % {"room": room.room},
        t.gettext("Time: %(when)s") % {"when": when},
        t.gettext("Booking number: %(id)s") % {"id": room.booking_id},
    ]
    blocks: list[Block] = [Line(headings.get(room.outcome, headings["booked"]), bold=True)]
    blocks += [Line(text) for line in texts for text in _wrap(line, columns)]
    if room.booking_id.isascii():
        blocks.append(Barcode(room.booking_id))
    blocks.append(Rule())
    return blocks


def _footer(receipt: Receipt, t: Texts, columns: int) -> list[Block]:
    blocks: list[Block] = []
    if receipt.opening_hours:
        blocks.append(Line(t.gettext("Opening hours"), bold=True))
        blocks += [Line(text) for hours in receipt.opening_hours for text in _wrap(hours, columns)]
    if receipt.message:
        blocks += [Line(text, Align.CENTER) for text in _wrap(receipt.message, columns)]
    return blocks


def _wrap(text: str, columns: int, indent: int = 0, first: int = 0) -> list[str]:
    """Break on spaces; a word longer than the line is split (titles can be long URLs)."""
    return textwrap.wrap(
        text,
        width=columns,
        initial_indent=" " * first,
        subsequent_indent=" " * indent,
        break_on_hyphens=False,
    ) or [""]


def _aligned(text: str, align: Align, width: int) -> str:
    match align:
        case Align.CENTER:
            return text.center(width)
        case Align.RIGHT:
            return text.rjust(width)
        case _:
            return text


def printer_test_receipt(
    library_name: str, kiosk_id: str, issued_at: datetime, texts: Texts
) -> Receipt:
    """Every Lithuanian letter in both cases, „quotes“, the euro sign and a QR code."""
    return Receipt(
        library_name=library_name,
        kiosk_id=kiosk_id,
        issued_at=issued_at,
        notes=(
            texts.gettext("Printer test"),
            texts.gettext("Lowercase letters:") + " ąčęėįšųūž",
            texts.gettext("Capital letters:") + " ĄČĘĖĮŠŲŪŽ",
            texts.gettext("Quotation marks and euro:") + " „Knyga“ " + texts.money(120),
        ),
        qr_payload=f"knygomatas printer test {kiosk_id}",
    )
