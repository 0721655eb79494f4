"""Tag memory built by hand from the standards, independent of our encoders (issue 16).

ISO 28560-3 / Danish data model basic block (34 bytes)::

    0 version|usage  1 parts  2 part  3-18 item id  19-20 CRC  21-33 ISIL (no hyphen)

CRC-16/CCITT-FALSE over bytes 0-18 + 21-33, written here with its own bit loop (check value
"123456789" -> 0x29B1, as the research notes record). ISO 28560-2 elements are written as ISO
15962 precursor | length | data bytes, also by hand.
"""

from __future__ import annotations


def ccitt_false(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        for bit in range(7, -1, -1):
            top = bool(crc & 0x8000) ^ bool((byte >> bit) & 1)
            crc = ((crc << 1) & 0xFFFF) ^ (0x1021 if top else 0)
    return crc


assert ccitt_false(b"123456789") == 0x29B1


def ddm_block(
    item: str,
    isil: str,
    *,
    parts: int = 1,
    part: int = 1,
    byte0: int = 0x11,
    crc_msb_first: bool = False,
    size: int = 36,
) -> bytes:
    """A Danish data model tag as an encoder writes it, padded to ``size`` bytes."""
    head = bytes([byte0, parts, part]) + item.encode("ascii").ljust(16, b"\x00")
    owner = isil.encode("ascii").ljust(13, b"\x00")
    crc = ccitt_false(head + owner)
    stored = crc.to_bytes(2, "big" if crc_msb_first else "little")
    return (head + stored + owner).ljust(size, b"\x00")


def blocks_reversed(memory: bytes) -> bytes:
    """What a FEIG reader hands over: every 4-byte block most significant byte first."""
    return b"".join(memory[i : i + 4][::-1] for i in range(0, len(memory), 4))


def oid_element(oid: int, compaction: int, data: bytes) -> bytes:
    """ISO 15962 data element with a one-byte length (data under 128 bytes)."""
    assert 1 <= oid <= 14 and len(data) < 128
    return bytes([compaction << 4 | oid, len(data)]) + data


def oid_tag(item_number: int, isil: str = "", size: int = 36) -> bytes:
    """ISO 28560-2: item id in integer compaction (1); owner ISIL in octet compaction (6)
    announced by the content parameter (OID 2: bitmap, first bit = OID 3); terminator 00."""
    length = max(1, (item_number.bit_length() + 7) // 8)
    memory = oid_element(1, 1, item_number.to_bytes(length, "big"))
    if isil:
        memory += oid_element(2, 0, bytes([0x80])) + oid_element(3, 6, isil.encode("ascii"))
    return (memory + b"\x00").ljust(size, b"\x00")
