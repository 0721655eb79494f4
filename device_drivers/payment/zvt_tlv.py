"""The TLV container of ZVT (BMP 06, PA00P015 §9): BER-style tags and lengths.

    tag     1+ bytes  bits 8-7 class, bit 6 constructed, bits 5-1 number;
                      number 11111 = more tag bytes follow, each with bit 8 set but the last
    length  1-3 bytes <80: the length itself | 81 nn | 82 hi lo   (high byte first)
    value   length bytes; a constructed object's value is again a sequence of objects

    06 0C  1F07 01 02   25 06  07 04 'T' 'e' 's' 't'
    ^BMP   ^receipt type  ^print texts containing one text line

Pure: bytes in, objects out. Unknown tags are kept (the spec says skip them, never fail).
"""

from __future__ import annotations

from dataclasses import dataclass

from device_drivers.payment.zvt_errors import ZvtEncodeError, ZvtProtocolError

MAX_NESTING = 8


@dataclass(frozen=True)
class TlvObject:
    tag: bytes
    value: bytes | tuple[TlvObject, ...]

    @property
    def constructed(self) -> bool:
        return is_constructed(self.tag)

    def find(self, tag: bytes) -> TlvObject | None:
        if isinstance(self.value, tuple):
            return find(self.value, tag)
        return None


def is_constructed(tag: bytes) -> bool:
    return bool(tag[0] & 0x20)


def find(objects: tuple[TlvObject, ...], tag: bytes) -> TlvObject | None:
    return next((o for o in objects if o.tag == tag), None)


def find_all(objects: tuple[TlvObject, ...], tag: bytes) -> tuple[TlvObject, ...]:
    return tuple(o for o in objects if o.tag == tag)


def decode_objects(data: bytes, depth: int = 0) -> tuple[TlvObject, ...]:
    if depth > MAX_NESTING:
        raise ZvtProtocolError(f"TLV nested deeper than {MAX_NESTING} levels")
    objects, pos = [], 0
    while pos < len(data):
        tag, pos = _read_tag(data, pos)
        length, pos = read_length(data, pos, "TLV object " + tag.hex().upper())
        if pos + length > len(data):
            raise ZvtProtocolError(
                f"TLV object {tag.hex().upper()} says {length} bytes, only {len(data) - pos} follow"
            )
        raw = data[pos : pos + length]
        pos += length
        value = decode_objects(raw, depth + 1) if is_constructed(tag) else raw
        objects.append(TlvObject(tag, value))
    return tuple(objects)


def encode_objects(objects: tuple[TlvObject, ...]) -> bytes:
    out = bytearray()
    for obj in objects:
        check_tag(obj.tag)
        if is_constructed(obj.tag) != isinstance(obj.value, tuple):
            kind = "constructed" if is_constructed(obj.tag) else "primitive"
            raise ZvtEncodeError(f"TLV tag {obj.tag.hex().upper()} is {kind}")
        raw = encode_objects(obj.value) if isinstance(obj.value, tuple) else obj.value
        out += obj.tag + encode_length(len(raw)) + raw
    return bytes(out)


def check_tag(tag: bytes) -> None:
    """ZvtEncodeError unless `tag` is one well-formed BER tag."""
    try:
        _, end = _read_tag(tag, 0)
    except ZvtProtocolError as exc:
        raise ZvtEncodeError(str(exc)) from None
    if end != len(tag):
        raise ZvtEncodeError(f"{tag.hex().upper()} is more than one TLV tag")


def _read_tag(data: bytes, pos: int) -> tuple[bytes, int]:
    start = pos
    if pos >= len(data):
        raise ZvtProtocolError("TLV tag missing")
    first = data[pos]
    pos += 1
    if first & 0x1F == 0x1F:
        while True:
            if pos >= len(data):
                raise ZvtProtocolError(f"TLV tag {data[start:pos].hex().upper()} cut short")
            more = data[pos] & 0x80
            pos += 1
            if pos - start > 4:
                raise ZvtProtocolError("TLV tag longer than 4 bytes")
            if not more:
                break
    return bytes(data[start:pos]), pos


def read_length(data: bytes, pos: int, what: str) -> tuple[int, int]:
    """A BER length at `pos`: (length, position after it)."""
    if pos >= len(data):
        raise ZvtProtocolError(f"{what}: length missing")
    first = data[pos]
    if first < 0x80:
        return first, pos + 1
    count = first & 0x7F
    if count not in (1, 2):
        raise ZvtProtocolError(f"{what}: length form {first:02X} is not 81 or 82")
    if pos + 1 + count > len(data):
        raise ZvtProtocolError(f"{what}: length cut short")
    return int.from_bytes(data[pos + 1 : pos + 1 + count], "big"), pos + 1 + count


def encode_length(length: int) -> bytes:
    if length < 0x80:
        return bytes((length,))
    if length <= 0xFF:
        return bytes((0x81, length))
    if length <= 0xFFFF:
        return b"\x82" + length.to_bytes(2, "big")
    raise ZvtEncodeError(f"TLV value of {length} bytes is too long")
