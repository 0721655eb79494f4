"""ISO/IEC 15962 data elements as ISO 28560-2 uses them: precursor, length, compacted data.

Pure functions over bytes. One data element::

    precursor  bit 7 offset flag | bits 6-4 compaction | bits 3-0 relative OID (15 = escape)
    [OID - 15]     one byte, only when the OID nibble is 15
    [offset]       one byte, only when the offset flag is set: filler bytes after the data
    length         base 128, high bit set on every byte but the last (127 = 7F, 128 = 81 00)
    data           compacted as the precursor says; then `offset` filler bytes

A 0x00 byte where a precursor is expected ends the data; 0x80 is padding and is skipped.
Compaction schemes: 0 application-defined, 1 integer, 2 numeric, 3 5-bit, 4 6-bit, 5 7-bit,
6 octet, 7 UTF-8. Numeric (2) is not supported here: it raises the typed error.
"""

from __future__ import annotations

from dataclasses import dataclass

from device_drivers.rfid.tag_data import UnknownTagFormat

APPLICATION, INTEGER, NUMERIC, FIVE_BIT, SIX_BIT, SEVEN_BIT, OCTET, UTF8 = range(8)
_PADDING_PRECURSOR = 0x80
_SIX_BIT_PAD = "100000"


@dataclass(frozen=True)
class DataElement:
    oid: int
    compaction: int
    data: bytes


def parse_elements(memory: bytes) -> list[DataElement]:
    """Split memory into data elements; raises UnknownTagFormat on a malformed chain."""
    return _parse(memory)[0]


def is_clean_chain(memory: bytes) -> bool:
    """True when ``memory`` is an ISO 28560-2 element chain and nothing else: it opens with
    the primary item id (OID 1) and parses to its terminator; no element is empty, repeated
    or full of zero bytes; every offset's filler is zero; one fill value (00 or FF) follows.
    Tells a 28560-2 tag from an ISO 28560-3 block, damaged or not (whose item text, CRC and
    ISIL read as odd elements after the short one a 0x11 first byte makes), and from a
    half-rewritten tag."""
    if not memory or (memory[0] & 0x0F) != 1 or memory[0] == _PADDING_PRECURSOR:
        return False
    try:
        elements, end = _parse(memory, zero_filler=True)
    except UnknownTagFormat:
        return False
    if any(not element.data or _zero_run(element) for element in elements):
        return False
    if len({element.oid for element in elements}) < len(elements):  # each OID at most once
        return False
    return len(set(memory[end:]) - {0x00}) == 0 or set(memory[end + 1 :]) <= {0xFF}


def _zero_run(element: DataElement) -> bool:
    """What an element that swallowed empty memory holds, not what an encoder writes: NULs or
    '@' padding inside text, a bitmap of nothing, an integer beyond 38 digits (16 bytes)."""
    if element.compaction == INTEGER:
        return len(element.data) > 16
    return b"\x00\x00" in element.data


def _parse(memory: bytes, *, zero_filler: bool = False) -> tuple[list[DataElement], int]:
    elements = []
    pos = 0
    while pos < len(memory) and memory[pos] != 0x00:
        precursor = memory[pos]
        pos += 1
        if precursor == _PADDING_PRECURSOR:
            continue
        oid = precursor & 0x0F
        if oid == 0x0F:
            oid = 15 + _byte_at(memory, pos)
            pos += 1
        offset = 0
        if precursor & 0x80:
            offset = _byte_at(memory, pos)
            pos += 1
        length, pos = _read_length(memory, pos)
        if oid == 0 or pos + length + offset > len(memory):
            raise UnknownTagFormat(f"data element at byte {pos} runs past the memory")
        elements.append(DataElement(oid, (precursor >> 4) & 0x07, memory[pos : pos + length]))
        pos += length + offset
        if zero_filler and any(memory[pos - offset : pos]):
            raise UnknownTagFormat(f"filler bytes before byte {pos} are not zero")
    return elements, pos


def _byte_at(memory: bytes, pos: int) -> int:
    if pos >= len(memory):
        raise UnknownTagFormat("data element cut short")
    return memory[pos]


def _read_length(memory: bytes, pos: int) -> tuple[int, int]:
    length = 0
    for _ in range(4):
        byte = _byte_at(memory, pos)
        pos += 1
        length = (length << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return length, pos
    raise UnknownTagFormat("data element length longer than 4 bytes")


def encode_length(length: int) -> bytes:
    groups = [length & 0x7F]
    length >>= 7
    while length:
        groups.append(0x80 | (length & 0x7F))
        length >>= 7
    return bytes(reversed(groups))


def encode_element(oid: int, compaction: int, data: bytes) -> bytes:
    if not 1 <= oid <= 15 + 255:
        raise ValueError(f"relative OID {oid} out of range")
    head = bytes([compaction << 4 | 15, oid - 15]) if oid >= 15 else bytes([compaction << 4 | oid])
    return head + encode_length(len(data)) + data


def decode_string(compaction: int, data: bytes) -> str:
    """The text of an element compacted with one of the standard schemes (1, 3-7)."""
    match compaction:
        case 1:
            return str(int.from_bytes(data, "big"))
        case 3:
            return "".join(chr(0x40 | v) for v in _groups(data, 5)).rstrip("@")
        case 4:
            text = "".join(chr(v + 0x40 if v < 0x20 else v) for v in _groups(data, 6))
            return text[:-1] if text.endswith(" ") else text
        case 5:
            return "".join(chr(v) for v in _groups(data, 7)).rstrip("\x00")
        case 6:
            return data.decode("latin-1")
        case 7:
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                raise UnknownTagFormat("UTF-8 element is not UTF-8") from None
    raise UnknownTagFormat(f"compaction scheme {compaction} not supported for text")


def _groups(data: bytes, width: int) -> list[int]:
    bits = "".join(f"{byte:08b}" for byte in data)
    return [int(bits[i : i + width], 2) for i in range(0, len(bits) - width + 1, width)]


def encode_string(text: str) -> tuple[int, bytes]:
    """The most compact standard scheme this module can write for ``text``."""
    if text.isdigit() and text.isascii() and not text.startswith("0") and len(text) <= 38:
        value = int(text)
        return INTEGER, value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")
    if text and all(0x20 <= ord(c) <= 0x5F for c in text) and not text.endswith(" "):
        bits = "".join(f"{ord(c) & 0x3F:06b}" for c in text)
        return SIX_BIT, _pack(bits, _SIX_BIT_PAD)
    if text.isascii() and "\x00" not in text:
        return SEVEN_BIT, _pack("".join(f"{ord(c):07b}" for c in text), "0")
    return UTF8, text.encode("utf-8")


def _pack(bits: str, pad_pattern: str) -> bytes:
    """Pad a bit string to whole bytes with (a prefix of) ``pad_pattern`` then zeros."""
    missing = -len(bits) % 8
    bits += (pad_pattern + "0" * 8)[:missing]
    return bytes(int(bits[i : i + 8], 2) for i in range(0, len(bits), 8))
