"""What a library tag says, independent of the data model that stored it.

Owns the decoded item (``ItemData``), the typed errors of every data-model decoder, and the
choice between data models (``decode_tag``). Pure: bytes in, values out; never talks to a
reader. ISO 28560-1 defines the elements; -2 and -3 are two encodings of them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Model = Literal["iso28560-3", "iso28560-2"]
BlockOrder = Literal["normal", "reversed"]
NibbleOrder = Literal["version-high", "version-low"]
CrcOrder = Literal["lsb-first", "msb-first"]


class TagDataError(Exception):
    """The tag memory is not a library data model this kiosk understands (the tag's fault)."""


class UnknownTagFormat(TagDataError):
    """Blank, foreign (3M, Bibliotheca proprietary …) or corrupted: not a known library model."""


class UnprogrammedTag(UnknownTagFormat):
    """A library data model with no primary item id: a blank or half-programmed tag that an
    encoder gave only its owner library. Not an item; says whose tag it is."""

    def __init__(
        self,
        model: Model,
        owner_library: str,
        *,
        crc_valid: bool | None,
        block_order: BlockOrder = "normal",
        crc_order: CrcOrder | None = None,
    ) -> None:
        owner = f" of {owner_library}" if owner_library else ""
        super().__init__(f"unprogrammed {model} tag{owner}: no primary item id")
        self.model = model
        self.owner_library = owner_library
        self.crc_valid = crc_valid
        self.block_order = block_order
        self.crc_order = crc_order

    def to_json(self) -> dict[str, object]:
        return {
            "model": self.model,
            "unprogrammed": True,
            "primary_item_id": "",
            "owner_library": self.owner_library,
            "crc_valid": self.crc_valid,
            "block_order": self.block_order,
            "crc_order": self.crc_order,
            "problem": str(self),
        }


@dataclass(frozen=True)
class ItemData:
    """The elements of ISO 28560-1 that circulation needs, as stored on the tag."""

    model: Model
    primary_item_id: str
    owner_library: str
    part_number: int = 1
    parts_in_set: int = 1
    type_of_usage: int | None = 1  # None: an ISO 28560-2 tag without the element
    crc_valid: bool | None = None
    block_order: BlockOrder = "normal"
    nibble_order: NibbleOrder = "version-high"
    extensions: tuple[tuple[int, str], ...] = ()  # optional blocks: (block id, payload hex)
    # ISO 28560-3: how the CRC bytes were stored (reported, not part of the item's identity)
    crc_order: CrcOrder | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


DSFID_MODELS: dict[int, Model] = {0x06: "iso28560-2", 0x3E: "iso28560-3"}


def decode_tag(
    memory: bytes, model: Model | Literal["auto"] = "auto", dsfid: int | None = None
) -> ItemData:
    """Decode tag memory with the named model, or choose one ("auto").

    "auto" follows the tag's DSFID when the reader gave one that names a model; else, in this
    order: an ISO 28560-3 block whose CRC holds (any block/CRC order); a clean ISO 28560-2
    element chain; an ISO 28560-3 block whose CRC fails (returned with ``crc_valid=False``:
    a damaged tag, which circulation refuses). A 28560-3 block without an item id raises
    UnprogrammedTag (with its owner library). Raises UnknownTagFormat when no model accepts
    the bytes: never a misread item. docs/rfid.md, "Which tag is which", has the table.
    """
    # Imported here so each model module can import ItemData without a cycle.
    from device_drivers.rfid import iso28560_2, iso28560_3

    if model == "auto" and is_blank(memory):
        raise UnknownTagFormat("blank tag")
    if model == "auto" and dsfid in DSFID_MODELS:
        model = DSFID_MODELS[dsfid]
    match model:
        case "iso28560-3":
            return iso28560_3.decode(memory, allow_bad_crc=True)
        case "iso28560-2":
            return iso28560_2.decode(memory, declared=True)
    try:
        return iso28560_3.decode(memory)
    except UnprogrammedTag:
        raise
    except UnknownTagFormat as exc:
        first = str(exc)
    try:
        return iso28560_2.decode(memory)
    except UnknownTagFormat as exc:
        second = str(exc)
    try:
        return iso28560_3.decode(memory, allow_bad_crc=True)
    except UnprogrammedTag:
        raise
    except UnknownTagFormat:
        pass
    raise UnknownTagFormat(f"not a known library data model ({first}; {second})")


def is_blank(memory: bytes) -> bool:
    """Factory-fresh or wiped memory: one byte value repeated (00, FF, or 3M's 55 fill)."""
    stripped = memory.rstrip(b"\x00")
    return len(set(stripped)) <= 1
