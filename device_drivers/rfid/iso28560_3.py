"""ISO 28560-3: the fixed-length library data model (the Danish data model, used across the
Nordic and Baltic countries). Pure: bytes in, ``ItemData`` out, and back.

Basic block (34 bytes; a "truncated" 32-byte tag drops the last two ISIL bytes)::

    byte  0      version (hi nibble, =1) | type of usage (lo nibble); some vendors swap them
    byte  1      set: number of parts in the item (m)
    byte  2      set: ordinal part number (n)          "part n of m"
    bytes 3-18   primary item identifier, NUL-padded
    bytes 19-20  CRC-16/CCITT-FALSE, low byte first (some encoders: high byte first),
                 over bytes 0-18 + 21-33
    bytes 21-33  owner library ISIL without its hyphen, NUL-padded
    bytes 34-    optional blocks: LEN | ID (2, LE) | XOR check | payload; LEN 0 ends them

Readers deliver the memory either as written or with every 4-byte block reversed, vendors
disagree on the nibble order of byte 0, and some encoders store the CRC high byte first: the
decoder accepts all of them, uses the CRC as the arbiter, and reports which orders it found.
Must never guess an item from bytes whose CRC fails in every order, unless the caller asks to
see a damaged tag (``allow_bad_crc``: the fields with ``crc_valid=False``; circulation refuses
such an item). A basic block with an empty item id is an unprogrammed tag (UnprogrammedTag),
never an item, and never handed to the ISO 28560-2 decoder (whose reading of ``11 01 01`` is
an item "1"). An ISO 28560-2 element chain is never shown as a damaged 28560-3 tag.
"""

from __future__ import annotations

from device_drivers.rfid import iso15962
from device_drivers.rfid.tag_data import (
    BlockOrder,
    CrcOrder,
    ItemData,
    UnknownTagFormat,
    UnprogrammedTag,
    is_blank,
)

BASIC_LEN = 34
TRUNCATED_LEN = 32
ITEM_ID_LEN = 16
ISIL_LEN = 13
VERSION = 1


def crc16_ccitt_false(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final xor."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def reverse_blocks(memory: bytes, block_size: int = 4) -> bytes:
    """Reverse the bytes of every block: what some readers do on the wire."""
    return b"".join(memory[i : i + block_size][::-1] for i in range(0, len(memory), block_size))


def basic_block_crc(memory: bytes) -> int:
    basic = memory[:BASIC_LEN].ljust(BASIC_LEN, b"\x00")
    return crc16_ccitt_false(basic[:19] + basic[21:BASIC_LEN])


def stored_crc_order(memory: bytes) -> CrcOrder | None:
    """How bytes 19-20 hold the CRC of this (block-order normalised) memory, or None."""
    crc = basic_block_crc(memory)
    if crc == memory[19] | (memory[20] << 8):
        return "lsb-first"
    if crc == memory[20] | (memory[19] << 8):
        return "msb-first"
    return None


def has_valid_crc(memory: bytes) -> bool:
    """The basic block's CRC holds in either block order and either CRC byte order."""
    if len(memory) < TRUNCATED_LEN:
        return False
    return any(stored_crc_order(candidate) for _, candidate in _orders(memory))


def looks_like(memory: bytes) -> bool:
    """Laid out as an ISO 28560-3 basic block in this very order, CRC or not: a version-1
    nibble, item id and ISIL fields that are text (at least one set) and a CRC field that
    is set. What the ISO 28560-2 decoder refuses to read as its
    own (a damaged tag's set bytes may say anything, so they are not asked)."""
    if len(memory) < TRUNCATED_LEN or is_blank(memory) or not any(memory[19:21]):
        return False
    return _signature(memory, whole_set=False)


def _signature(memory: bytes, *, whole_set: bool = True) -> bool:
    if VERSION not in (memory[0] >> 4, memory[0] & 0x0F):
        return False
    if whole_set and memory[2] > memory[1]:  # damaged tags may break this; -2 tags mostly do
        return False
    try:
        fields = (_text(memory[3:19], "item"), _text(memory[21:BASIC_LEN], "isil"))
    except UnknownTagFormat:
        return False
    return any(fields)


def _orders(memory: bytes) -> list[tuple[BlockOrder, bytes]]:
    orders: list[tuple[BlockOrder, bytes]] = [("normal", bytes(memory))]
    if len(memory) % 4 == 0:
        orders.append(("reversed", reverse_blocks(memory)))
    return orders


def decode(memory: bytes, *, allow_bad_crc: bool = False) -> ItemData:
    """Decode tag memory (32 bytes or more). Raises UnknownTagFormat when it is not this model,
    UnprogrammedTag when it is this model without an item id.

    ``allow_bad_crc`` shows a damaged tag's fields with ``crc_valid=False``; circulation
    refuses such an item (the pad reports it as damaged).
    """
    if len(memory) < TRUNCATED_LEN:
        raise UnknownTagFormat(f"{len(memory)} bytes: an ISO 28560-3 basic block needs 32")
    if is_blank(memory):
        raise UnknownTagFormat("blank tag")
    orders = _orders(memory)
    problems = []
    for order, candidate in orders:
        crc_order = stored_crc_order(candidate)
        if crc_order is None:
            problems.append(f"{order}: CRC mismatch")
            continue
        try:
            return _fields(candidate, order, crc_valid=True, crc_order=crc_order)
        except UnprogrammedTag:
            raise
        except UnknownTagFormat as exc:
            problems.append(f"{order}: {exc}")
    if allow_bad_crc:
        if any(iso15962.is_clean_chain(candidate) for _, candidate in orders):
            raise UnknownTagFormat("an ISO 28560-2 element chain, not a damaged ISO 28560-3 tag")
        for order, candidate in orders:
            if not _signature(candidate, whole_set=False):
                continue
            try:
                return _fields(candidate, order, crc_valid=False, crc_order=None)
            except UnprogrammedTag:
                raise
            except UnknownTagFormat:
                continue
    raise UnknownTagFormat("ISO 28560-3 rejected (" + ", ".join(problems) + ")")


def _fields(
    memory: bytes, order: BlockOrder, *, crc_valid: bool, crc_order: CrcOrder | None
) -> ItemData:
    high, low = memory[0] >> 4, memory[0] & 0x0F
    if high == VERSION:
        nibble_order, usage = "version-high", low
    elif low == VERSION:
        nibble_order, usage = "version-low", high
    else:
        raise UnknownTagFormat(f"byte 0 is {memory[0]:#04x}: no version-1 nibble")
    item_id = _text(memory[3:19], "primary item identifier")
    isil = _text(memory[21:BASIC_LEN], "owner library")
    if not item_id:
        if crc_valid or isil:  # a bad CRC over nothing but a header is no evidence of a tag
            raise UnprogrammedTag(
                "iso28560-3", isil, crc_valid=crc_valid, block_order=order, crc_order=crc_order
            )
        raise UnknownTagFormat("empty primary item identifier and owner library")
    return ItemData(
        model="iso28560-3",
        primary_item_id=item_id,
        owner_library=isil,
        part_number=memory[2],
        parts_in_set=memory[1],
        type_of_usage=usage,
        crc_valid=crc_valid,
        block_order=order,
        nibble_order=nibble_order,
        extensions=_extensions(memory[BASIC_LEN:]),
        crc_order=crc_order,
    )


def _text(field: bytes, name: str) -> str:
    value = field.rstrip(b"\x00")
    if b"\x00" in value:
        raise UnknownTagFormat(f"{name} has a NUL inside")
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        raise UnknownTagFormat(f"{name} is not text") from None
    if not text.isprintable():
        raise UnknownTagFormat(f"{name} has control characters")
    return text


def _extensions(tail: bytes) -> tuple[tuple[int, str], ...]:
    """Optional blocks as (block id, payload hex); a malformed chain ends the list (the basic
    block is still valid: its CRC does not cover these)."""
    found = []
    pos = 0
    while pos < len(tail) and tail[pos] >= 4:
        size = tail[pos]
        block = tail[pos : pos + size]
        if len(block) < size or _xor(block) != 0:
            break
        found.append((block[1] | (block[2] << 8), block[4:].hex()))
        pos += size
    return tuple(found)


def _xor(data: bytes) -> int:
    result = 0
    for byte in data:
        result ^= byte
    return result


def encode(item: ItemData) -> bytes:
    """The tag memory for ``item``, padded to whole 4-byte blocks, in ``item.block_order``.

    The ISIL is stored exactly as given (the Danish model stores it without the hyphen:
    ``ddm_isil`` does that). Raises ValueError for values this model cannot hold.
    """
    _check_encodable(item)
    usage, version = item.type_of_usage, VERSION
    byte0 = (version << 4 | usage) if item.nibble_order == "version-high" else (usage << 4 | 1)
    item_id = item.primary_item_id.encode("utf-8").ljust(ITEM_ID_LEN, b"\x00")
    isil = item.owner_library.encode("utf-8").ljust(ISIL_LEN, b"\x00")
    memory = bytearray(bytes([byte0, item.parts_in_set, item.part_number]) + item_id)
    memory += b"\x00\x00" + isil
    crc = basic_block_crc(bytes(memory))
    low_first = item.crc_order != "msb-first"
    memory[19:21] = bytes([crc & 0xFF, crc >> 8] if low_first else [crc >> 8, crc & 0xFF])
    for block_id, payload_hex in item.extensions:
        memory += _extension_block(block_id, bytes.fromhex(payload_hex))
    if item.extensions:
        memory += b"\x00"  # ends the chain of optional blocks
    memory += b"\x00" * (-len(memory) % 4)
    data = bytes(memory)
    return reverse_blocks(data) if item.block_order == "reversed" else data


def _extension_block(block_id: int, payload: bytes) -> bytes:
    size = 4 + len(payload)
    if not 0 <= block_id <= 0xFFFF or size > 255:
        raise ValueError("extension block id must fit 2 bytes and its payload 251 bytes")
    head = bytes([size, block_id & 0xFF, block_id >> 8])
    return head + bytes([_xor(head + payload)]) + payload


def _check_encodable(item: ItemData) -> None:
    item_id = item.primary_item_id.encode("utf-8")
    printable = item.primary_item_id.isprintable()
    if not 1 <= len(item_id) <= ITEM_ID_LEN or b"\x00" in item_id or not printable:
        raise ValueError("primary item id must be 1-16 printable bytes")
    isil = item.owner_library.encode("utf-8")
    if len(isil) > ISIL_LEN or b"\x00" in isil or not item.owner_library.isprintable():
        raise ValueError("owner library ISIL must be at most 13 printable bytes")
    if not 0 <= item.part_number <= 255 or not 0 <= item.parts_in_set <= 255:
        raise ValueError("part number and parts in set must be 0-255")
    if not 0 <= item.type_of_usage <= 15:
        raise ValueError("type of usage must be 0-15")
    if item.nibble_order == "version-low" and item.type_of_usage == VERSION:
        raise ValueError("with type of usage 1 the nibble order cannot be told apart")


def ddm_isil(isil: str) -> str:
    """The Danish model stores an ISIL without its hyphen: ``DK-718500`` -> ``DK718500``."""
    return isil.replace("-", "", 1)
