"""Tags to put on the simulated pad: library items in either data model, foreign and blank
tags. UIDs come from a counter (deterministic) unless given."""

from __future__ import annotations

import itertools

from device_drivers.rfid import iso28560_2, iso28560_3
from device_drivers.rfid.tag_data import ItemData, Model
from simulators.models.rfid_pad import DEFAULT_BLOCKS, SimTag

_DSFID: dict[str, int] = {"iso28560-3": 0x3E, "iso28560-2": iso28560_2.DSFID}
_serial = itertools.count(1)


def next_uid() -> str:
    return f"E0040150{next(_serial):08X}"


def item_tag(
    item: str,
    library: str = "LT1000101",
    *,
    part: int = 1,
    of: int = 1,
    model: Model = "iso28560-3",
    uid: str | None = None,
    afi: int = 0x07,
    eas: bool = True,
    dsfid: int | None = None,
) -> SimTag:
    if model not in _DSFID:
        raise ValueError(f"model must be one of {', '.join(_DSFID)}")
    data = ItemData(
        model=model,
        primary_item_id=item,
        owner_library=library,
        part_number=part,
        parts_in_set=of,
        type_of_usage=1,
    )
    encoded = iso28560_3.encode(data) if model == "iso28560-3" else iso28560_2.encode(data)
    return raw_tag(
        encoded, uid=uid, afi=afi, eas=eas, dsfid=_DSFID[model] if dsfid is None else dsfid
    )


def raw_tag(
    memory: bytes, *, uid: str | None = None, afi: int = 0x07, eas: bool = True, dsfid: int = 0
) -> SimTag:
    size = DEFAULT_BLOCKS * 4
    if len(memory) > size:
        raise ValueError(f"tag memory holds {size} bytes, got {len(memory)}")
    return SimTag(
        uid=(uid or next_uid()).upper(),
        memory=bytearray(memory.ljust(size, b"\x00")),
        dsfid=dsfid,
        afi=afi,
        eas=eas,
    )


def foreign_3m_tag(barcode: str = "1301234567", uid: str | None = None) -> SimTag:
    """A 3M "RFID501" layout: 04, set nibbles, 00, type, barcode (16), branch/library."""
    memory = bytes([0x04, 0x11, 0x00, 0x01]) + barcode.encode().ljust(16, b"\x00")
    return raw_tag(memory + bytes([0x00, 0x01, 0x00, 0x2A]), uid=uid, afi=0xD7)


def blank_tag(uid: str | None = None) -> SimTag:
    return raw_tag(b"", uid=uid)
