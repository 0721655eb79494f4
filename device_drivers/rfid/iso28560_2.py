"""ISO 28560-2: library data elements encoded as ISO/IEC 15962 object identifiers (DSFID 0x06).

Pure: bytes in, ``ItemData`` out, and back. The first element must be the primary item id
(relative OID 1); the content parameter (OID 2) is a bitmap of which optional elements follow
(its first bit is OID 3). Elements used here::

    OID 1  primary item id      integer / 6-bit / 7-bit / UTF-8 compaction
    OID 2  content parameter    application-defined bitmap, first bit = OID 3
    OID 3  owner library ISIL   application-defined ISIL compaction (isil_compaction.py)
    OID 4  set information      digits: parts in set, then part number, each half the digits
    OID 5  type of usage        application-defined byte: class nibble | sub-qualifier nibble

Other elements are skipped. Not this model: tags that do not begin with OID 1, bytes after
the terminator that are not one fill value (00 or FF), and memory laid out as an ISO 28560-3
basic block (iso28560_3.looks_like). A 28560-3 tag begins ``11 01 01`` (version|usage,
parts, part), which reads as a complete element "item id 1": never to be taken for one.
"""

from __future__ import annotations

from device_drivers.rfid import isil_compaction, iso15962
from device_drivers.rfid.iso28560_3 import has_valid_crc, reverse_blocks
from device_drivers.rfid.iso28560_3 import looks_like as looks_like_28560_3
from device_drivers.rfid.tag_data import BlockOrder, ItemData, UnknownTagFormat, is_blank

DSFID = 0x06
PRIMARY_ITEM_ID, CONTENT_PARAMETER, OWNER_LIBRARY, SET_INFO, TYPE_OF_USAGE = 1, 2, 3, 4, 5


def decode(memory: bytes, *, declared: bool = False) -> ItemData:
    """``declared``: the tag's DSFID (0x06) or the configuration names this model, so a chain
    that also looks like an ISO 28560-3 layout is read as what it says it is."""
    if is_blank(memory):
        raise UnknownTagFormat("blank tag")
    if has_valid_crc(memory):
        raise UnknownTagFormat("an ISO 28560-3 basic block (its CRC holds), not ISO 28560-2")
    orders: list[tuple[BlockOrder, bytes]] = [("normal", bytes(memory))]
    if len(memory) % 4 == 0:
        orders.append(("reversed", reverse_blocks(memory)))
    problems = []
    for order, candidate in orders:
        try:
            return _decode_elements(candidate, order, declared)
        except UnknownTagFormat as exc:
            problems.append(f"{order}: {exc}")
    raise UnknownTagFormat("ISO 28560-2 rejected (" + ", ".join(problems) + ")")


def _decode_elements(memory: bytes, order: BlockOrder, declared: bool) -> ItemData:
    if not memory or (memory[0] & 0x0F) != PRIMARY_ITEM_ID:
        raise UnknownTagFormat("first data element is not the primary item id")
    if not iso15962.is_clean_chain(memory):
        raise UnknownTagFormat("bytes after the data elements' end (not an element chain)")
    # (a chain that ends before byte 19 leaves the -3 CRC field 0: then it is this model)
    if not declared and looks_like_28560_3(memory):
        raise UnknownTagFormat("laid out as an ISO 28560-3 basic block, not ISO 28560-2")
    elements = {}
    for element in iso15962.parse_elements(memory):
        elements.setdefault(element.oid, element)
    item = elements[PRIMARY_ITEM_ID]
    item_id = iso15962.decode_string(item.compaction, item.data)
    if not item_id or not item_id.isprintable():
        raise UnknownTagFormat("primary item id is empty or not printable")
    if item.compaction == iso15962.INTEGER and len(item.data) > 16:  # over 38 digits
        raise UnknownTagFormat(f"integer item id of {len(item.data)} bytes: not an identifier")
    parts_in_set, part_number = _set_info(elements.get(SET_INFO))
    return ItemData(
        model="iso28560-2",
        primary_item_id=item_id,
        owner_library=_owner(elements.get(OWNER_LIBRARY)),
        part_number=part_number,
        parts_in_set=parts_in_set,
        type_of_usage=_usage(elements.get(TYPE_OF_USAGE)),
        crc_valid=None,
        block_order=order,
    )


def _owner(element: iso15962.DataElement | None) -> str:
    if element is None:
        return ""
    if element.compaction == iso15962.APPLICATION:
        return isil_compaction.check(isil_compaction.decode(element.data))
    return isil_compaction.check(iso15962.decode_string(element.compaction, element.data))


def _set_info(element: iso15962.DataElement | None) -> tuple[int, int]:
    if element is None:
        return 1, 1
    digits = iso15962.decode_string(element.compaction, element.data)
    if not digits.isdigit():
        raise UnknownTagFormat("set information is not digits")
    if len(digits) % 2:
        digits = "0" + digits  # integer compaction drops the leading zero of "0102"
    half = len(digits) // 2
    return int(digits[:half]), int(digits[half:])


def _usage(element: iso15962.DataElement | None) -> int | None:
    if element is None or not element.data:
        return None
    return element.data[0] >> 4


def encode(item: ItemData) -> bytes:
    """Tag memory for ``item`` padded to whole 4-byte blocks; raises ValueError if unfit."""
    if not item.primary_item_id or not item.primary_item_id.isprintable():
        raise ValueError("primary item id must be printable and not empty")
    compaction, data = iso15962.encode_string(item.primary_item_id)
    optional = _optional_elements(item)
    memory = iso15962.encode_element(PRIMARY_ITEM_ID, compaction, data)
    if optional:
        memory += iso15962.encode_element(
            CONTENT_PARAMETER, iso15962.APPLICATION, _content_bitmap(sorted(optional))
        )
        for oid in sorted(optional):
            memory += optional[oid]
    memory += b"\x00" * (4 - len(memory) % 4)  # at least one terminator byte
    return reverse_blocks(memory) if item.block_order == "reversed" else memory


def _optional_elements(item: ItemData) -> dict[int, bytes]:
    elements: dict[int, bytes] = {}
    if item.owner_library:
        if not item.owner_library.isprintable():
            raise ValueError("owner library ISIL must be printable")
        if isil_compaction.can_encode(item.owner_library):
            data, compaction = isil_compaction.encode(item.owner_library), iso15962.APPLICATION
        else:
            compaction, data = iso15962.encode_string(item.owner_library)
        elements[OWNER_LIBRARY] = iso15962.encode_element(OWNER_LIBRARY, compaction, data)
    if (item.parts_in_set, item.part_number) != (1, 1):
        if not 1 <= item.part_number <= item.parts_in_set <= 99:
            raise ValueError("set information must be part 1-99 of at most 99")
        digits = f"{item.parts_in_set:02d}{item.part_number:02d}".lstrip("0")
        compaction, data = iso15962.encode_string(digits)
        elements[SET_INFO] = iso15962.encode_element(SET_INFO, compaction, data)
    if item.type_of_usage is not None:
        if not 0 <= item.type_of_usage <= 15:
            raise ValueError("type of usage must be 0-15")
        elements[TYPE_OF_USAGE] = iso15962.encode_element(
            TYPE_OF_USAGE, iso15962.APPLICATION, bytes([item.type_of_usage << 4])
        )
    return elements


def _content_bitmap(oids: list[int]) -> bytes:
    bits = ["0"] * 8
    for oid in oids:
        bits[oid - 3] = "1"
    return bytes([int("".join(bits), 2)])
