"""Property tests (issue 16): the ISO 28560-2 and -3 decoders never accept each other's tags
silently. Tags are built by hand (standard_tags.py), in every block, nibble and CRC order,
intact or with one byte of the basic block damaged. The -2 decoder refuses every -3 tag; the
-3 decoder refuses every -2 tag, even when asked to show damaged tags; "auto" reads each as
its own model, and a damaged -3 tag never as a good item (crc_valid false, or refused)."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from device_drivers.rfid import iso28560_2, iso28560_3
from device_drivers.rfid.tag_data import UnknownTagFormat, decode_tag
from tests.device_drivers.rfid.standard_tags import blocks_reversed, ddm_block, oid_element

ITEM_CHARS = string.ascii_uppercase + string.digits + "-/ "
ISIL_CHARS = string.ascii_uppercase + string.digits


@st.composite
def ddm_tags(draw: st.DrawFn) -> tuple[bytes, bool]:
    """(memory, intact): an ISO 28560-3 tag as some encoder wrote and some reader returns it."""
    item = draw(st.text(ITEM_CHARS, min_size=1, max_size=16).filter(lambda t: t[-1] != " "))
    isil = draw(st.text(ISIL_CHARS, max_size=13))
    parts = draw(st.integers(1, 255))
    part = draw(st.integers(1, parts))
    usage = draw(st.integers(0, 15))
    byte0 = draw(st.sampled_from([0x10 | usage, usage << 4 | 0x01]))
    memory = ddm_block(
        item,
        isil,
        parts=parts,
        part=part,
        byte0=byte0,
        crc_msb_first=draw(st.booleans()),
        size=draw(st.sampled_from([36, 40, 64])),
    )
    intact = draw(st.booleans())
    if not intact:
        memory = bytearray(memory)
        at = draw(st.integers(0, 33))
        memory[at] ^= draw(st.integers(1, 255))
        memory = bytes(memory)
    if draw(st.booleans()):
        memory = blocks_reversed(memory)
    return memory, intact


@st.composite
def oid_tags(draw: st.DrawFn) -> bytes:
    """An ISO 28560-2 tag: an item id in integer, octet or UTF-8 compaction, maybe an owner
    ISIL (octet) behind a content parameter, maybe set information; then the terminator."""
    compaction = draw(st.sampled_from([1, 6, 7]))
    if compaction == 1:
        number = draw(st.integers(1, 10**14))
        data = number.to_bytes(max(1, (number.bit_length() + 7) // 8), "big")
    else:
        data = draw(st.text(ITEM_CHARS, min_size=1, max_size=24)).encode("ascii")
    memory = oid_element(1, compaction, data)
    isil = draw(st.text(ISIL_CHARS, max_size=11))
    with_set = draw(st.booleans())
    if compaction != 1 and len(data) > 16:  # see test_a_lone_long_text_item_is_ambiguous
        isil = isil or "LT1"
    if isil or with_set:
        bitmap = (0x80 if isil else 0) | (0x40 if with_set else 0)
        memory += oid_element(2, 0, bytes([bitmap]))
        if isil:
            memory += oid_element(3, 6, isil.encode("ascii"))
        if with_set:
            parts = draw(st.integers(2, 9))
            digits = int(f"{parts:02d}{draw(st.integers(1, parts)):02d}")  # "0201" -> 201
            memory += oid_element(4, 1, digits.to_bytes(2 if digits > 255 else 1, "big"))
    memory += b"\x00"
    memory = memory.ljust(draw(st.sampled_from([36, 64])), b"\x00")
    memory += b"\x00" * (-len(memory) % 4)  # readers hand over whole blocks
    return blocks_reversed(memory) if draw(st.booleans()) else memory


@settings(max_examples=400, deadline=None)
@given(ddm_tags())
def test_the_28560_2_decoder_never_accepts_a_28560_3_tag(tag: tuple[bytes, bool]) -> None:
    memory, _ = tag
    try:
        item = iso28560_2.decode(memory)
    except UnknownTagFormat:
        return
    raise AssertionError(f"ISO 28560-3 tag {memory.hex()} read as ISO 28560-2 {item}")


@settings(max_examples=400, deadline=None)
@given(ddm_tags())
def test_auto_reads_a_28560_3_tag_as_28560_3_and_says_when_its_crc_fails(
    tag: tuple[bytes, bool],
) -> None:
    memory, intact = tag
    try:
        item = decode_tag(memory)
    except UnknownTagFormat:
        assert not intact  # a damaged tag may be beyond recognition; an intact one never
        return
    assert item.model == "iso28560-3"
    assert item.crc_valid is intact  # CRC-16 sees every one-byte error


@settings(max_examples=400, deadline=None)
@given(oid_tags())
def test_the_28560_3_decoder_never_accepts_a_28560_2_tag(memory: bytes) -> None:
    for lenient in (False, True):
        try:
            item = iso28560_3.decode(memory, allow_bad_crc=lenient)
        except UnknownTagFormat:
            continue
        raise AssertionError(f"ISO 28560-2 tag {memory.hex()} read as ISO 28560-3 {item}")


@settings(max_examples=400, deadline=None)
@given(oid_tags())
def test_auto_reads_a_28560_2_tag_as_28560_2(memory: bytes) -> None:
    item = decode_tag(memory)
    assert item.model == "iso28560-2" and item.crc_valid is None


def test_a_lone_long_text_item_is_ambiguous() -> None:
    """The one overlap found: an ISO 28560-2 tag holding nothing but an octet/UTF-8 item id
        of 18 characters or more is byte for byte a 28560-3 block with a failed CRC (61 12 …:
        usage 6, 18 parts, "part '0'", item text, CRC field = characters 17-18). Neither decoder
        claims it without a word from the tag: refused as unknown, never an item of either model;
    with its DSFID 0x06 it is read as the ISO 28560-2 tag it says it is."""
    memory = (oid_element(1, 6, b"0" * 18) + b"\x00").ljust(36, b"\x00")
    for decoder in (iso28560_2.decode, decode_tag):
        try:
            decoder(memory)
        except UnknownTagFormat:
            continue
        raise AssertionError("an ambiguous tag was read as an item")
    assert decode_tag(memory, dsfid=0x06).primary_item_id == "0" * 18  # the tag says -2
