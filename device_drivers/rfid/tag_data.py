"""What a library tag says, independent of the data model that stored it.

Owns the decoded item (``ItemData``), the typed errors of every data-model decoder, and the
choice between data models (``decode_tag``). Pure: bytes in, values out; never talks to a
reader. ISO 28560-1 defines the elements; -2 and -3 are two encodings of them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Model = Literal["iso28560-3", "iso28560-2"]
BlockOrder = Literal["normal", "reversed"]
NibbleOrder = Literal["version-high", "version-low"]


class TagDataError(Exception):
    """The tag memory is not a library data model this kiosk understands (the tag's fault)."""


class UnknownTagFormat(TagDataError):
    """Blank, foreign (3M, Bibliotheca proprietary …) or corrupted: not a known library model."""


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

    def to_json(self) -> dict[str, object]:
        return asdict(self)


DSFID_MODELS: dict[int, Model] = {0x06: "iso28560-2", 0x3E: "iso28560-3"}


def decode_tag(
    memory: bytes, model: Model | Literal["auto"] = "auto", dsfid: int | None = None
) -> ItemData:
    """Decode tag memory with the named model, or choose one ("auto").

    "auto" follows the tag's DSFID when the reader gave one that names a model, else tries
    ISO 28560-3 (its CRC is the arbiter) and then ISO 28560-2. A tag laid out like 28560-3
    whose CRC fails is damaged, not a 28560-2 tag. Raises UnknownTagFormat when no model
    accepts the bytes: never a misread item.
    """
    # Imported here so each model module can import ItemData without a cycle.
    from device_drivers.rfid import iso28560_2, iso28560_3

    if model == "auto" and is_blank(memory):
        raise UnknownTagFormat("blank tag")
    if model == "auto" and dsfid in DSFID_MODELS:
        model = DSFID_MODELS[dsfid]
    match model:
        case "iso28560-3":
            return iso28560_3.decode(memory)
        case "iso28560-2":
            return iso28560_2.decode(memory)
    try:
        return iso28560_3.decode(memory)
    except UnknownTagFormat as exc:
        first = str(exc)
    try:
        damaged = iso28560_3.decode(memory, allow_bad_crc=True)
    except UnknownTagFormat:
        damaged = None
    if damaged is not None:
        raise UnknownTagFormat(
            "ISO 28560-3 layout but the CRC fails in every block order "
            "(an ISO 28560-2 tag is read with its DSFID 0x06 or model iso28560-2)"
        )
    try:
        return iso28560_2.decode(memory)
    except UnknownTagFormat as exc:
        raise UnknownTagFormat(f"not a known library data model ({first}; {exc})") from None


def is_blank(memory: bytes) -> bool:
    """Factory-fresh or wiped memory: one byte value repeated (00, FF, or 3M's 55 fill)."""
    stripped = memory.rstrip(b"\x00")
    return len(set(stripped)) <= 1
