"""Receipts the terminal sends for the ECR to print (PA00P015 §6, §9.4.2), put back together.

    06 D1 <attribute> <text>               one line; an attribute 81-FF closes the receipt
    06 D3 06 <TLV 1F07 type, 25 { 07 line, 07 line, …, 09 attribute }>   a block of lines;
                                           1F07: 01 merchant, 02 customer, 03 administration;
                                           an attribute 09 of 81-FF closes the receipt

A receipt may span several messages. Pure; the session feeds it every print message.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from device_drivers.payment import zvt_tlv
from device_drivers.payment.zvt_fields import decode_text, encode_text
from device_drivers.payment.zvt_messages import Message

RECEIPT_KINDS = {1: "merchant", 2: "customer", 3: "administration"}
TAG_RECEIPT_TYPE = b"\x1f\x07"
TAG_PRINT_TEXTS = b"\x25"
TAG_TEXT_LINE = b"\x07"
TAG_ATTRIBUTE = b"\x09"


@dataclass(frozen=True)
class Receipt:
    kind: str  # customer | merchant | administration | unknown
    lines: tuple[str, ...]


def closes_receipt(attribute: int) -> bool:
    return attribute > 0x80


@dataclass
class ReceiptAssembler:
    done: list[Receipt] = field(default_factory=list)
    _lines: list[str] = field(default_factory=list)
    _kind: str = "unknown"

    def add(self, message: Message) -> None:
        if message.name == "print_line":
            self._lines.append(str(message.param("text", "")))
            if closes_receipt(int(message.param("attribute", 0) or 0)):  # type: ignore[arg-type]
                self._close()
        elif message.name == "print_text_block":
            self._add_block(message.field("tlv", ()))  # type: ignore[arg-type]

    def _add_block(self, objects: tuple[zvt_tlv.TlvObject, ...]) -> None:
        kind = zvt_tlv.find(objects, TAG_RECEIPT_TYPE)
        if kind is not None and isinstance(kind.value, bytes) and kind.value:
            self._kind = RECEIPT_KINDS.get(kind.value[-1], "unknown")
        last = False
        for texts in zvt_tlv.find_all(objects, TAG_PRINT_TEXTS):
            for obj in texts.value if isinstance(texts.value, tuple) else ():
                if obj.tag == TAG_TEXT_LINE and isinstance(obj.value, bytes):
                    self._lines.append(decode_text(obj.value))
                elif obj.tag == TAG_ATTRIBUTE and isinstance(obj.value, bytes) and obj.value:
                    last = last or closes_receipt(obj.value[0])
        if last:
            self._close()

    def _close(self) -> None:
        self.done.append(Receipt(self._kind, tuple(self._lines)))
        self._lines, self._kind = [], "unknown"

    def receipts(self) -> tuple[Receipt, ...]:
        """Every receipt, with a half-sent one (never closed by the terminal) at the end."""
        rest = (Receipt(self._kind, tuple(self._lines)),) if self._lines else ()
        return (*self.done, *rest)


def print_block(
    kind: int, lines: tuple[str, ...], last: bool = True
) -> tuple[zvt_tlv.TlvObject, ...]:
    """The TLV of one 06 D3 print text block (the simulator writes these)."""
    texts = [zvt_tlv.TlvObject(TAG_TEXT_LINE, encode_text(line, "line")) for line in lines]
    if last:
        texts.append(zvt_tlv.TlvObject(TAG_ATTRIBUTE, b"\xff"))
    return (
        zvt_tlv.TlvObject(TAG_RECEIPT_TYPE, bytes((kind,))),
        zvt_tlv.TlvObject(TAG_PRINT_TEXTS, tuple(texts)),
    )
