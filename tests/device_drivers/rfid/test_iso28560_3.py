"""ISO 28560-3 (Danish data model): spec CRC vectors, hand-built tags, byte orders, failures."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from device_drivers.rfid import iso28560_3
from device_drivers.rfid.tag_data import ItemData, UnknownTagFormat


def hand_built(byte0: int = 0x11, parts: int = 1, part: int = 1) -> bytes:
    """A basic block assembled byte by byte from the layout, not by the encoder."""
    head = bytes([byte0, parts, part]) + b"3010856677".ljust(16, b"\x00")
    isil = b"DK718500".ljust(13, b"\x00")
    crc = iso28560_3.crc16_ccitt_false(head + isil)
    return head + bytes([crc & 0xFF, crc >> 8]) + isil + b"\x00\x00"


def test_crc_check_values() -> None:
    assert iso28560_3.crc16_ccitt_false(b"123456789") == 0x29B1
    assert iso28560_3.crc16_ccitt_false(b"RFID tag data model") == 0x1AEE


def test_decodes_hand_built_tag() -> None:
    item = iso28560_3.decode(hand_built(parts=3, part=2))
    assert item.primary_item_id == "3010856677"
    assert item.owner_library == "DK718500"
    assert (item.part_number, item.parts_in_set) == (2, 3)
    assert item.type_of_usage == 1
    assert item.crc_valid is True
    assert item.block_order == "normal"


def test_crc_stored_low_byte_first() -> None:
    memory = hand_built()
    crc = iso28560_3.crc16_ccitt_false(memory[:19] + memory[21:34])
    assert memory[19] == crc & 0xFF and memory[20] == crc >> 8


def test_reversed_blocks_are_found_and_reported() -> None:
    reversed_memory = iso28560_3.reverse_blocks(hand_built())
    item = iso28560_3.decode(reversed_memory)
    assert item.block_order == "reversed"
    assert item.primary_item_id == "3010856677"


def test_both_nibble_orders_of_byte_0() -> None:
    high = iso28560_3.decode(hand_built(byte0=0x12))
    low = iso28560_3.decode(hand_built(byte0=0x21))
    assert (high.type_of_usage, high.nibble_order) == (2, "version-high")
    assert (low.type_of_usage, low.nibble_order) == (2, "version-low")


def test_truncated_32_byte_tag() -> None:
    head = bytes([0x11, 1, 1]) + b"1234".ljust(16, b"\x00")
    isil = b"LT1000101".ljust(11, b"\x00")
    crc = iso28560_3.crc16_ccitt_false(head + isil + b"\x00\x00")
    item = iso28560_3.decode(head + bytes([crc & 0xFF, crc >> 8]) + isil)
    assert item.owner_library == "LT1000101"


def test_crc_failing_in_every_order_is_rejected() -> None:
    memory = bytearray(hand_built())
    memory[5] ^= 0x01
    with pytest.raises(UnknownTagFormat, match="CRC"):
        iso28560_3.decode(bytes(memory))
    damaged = iso28560_3.decode(bytes(memory), allow_bad_crc=True)
    assert damaged.crc_valid is False


@pytest.mark.parametrize(
    "memory",
    [
        bytes(36),  # blank, factory fresh
        b"\x55" * 24 + bytes(4),  # 3M blank fill
        bytes([0x04, 0x11, 0x00, 0x01]) + b"1301234567".ljust(16, b"\x00") + bytes(12),  # 3M
        bytes(range(40)),  # noise
        b"\x11\x01",  # too short
    ],
    ids=["blank", "3m-blank", "3m-rfid501", "noise", "short"],
)
def test_foreign_and_blank_tags_are_not_items(memory: bytes) -> None:
    with pytest.raises(UnknownTagFormat):
        iso28560_3.decode(memory)


def test_extension_blocks_round_trip() -> None:
    item = ItemData(
        "iso28560-3", "X1", "LT1000101", crc_valid=True, extensions=((1, "0102"), (4, "546974"))
    )
    memory = iso28560_3.encode(item)
    assert len(memory) % 4 == 0
    assert iso28560_3.decode(memory) == item


def test_encoder_refuses_what_the_model_cannot_hold() -> None:
    with pytest.raises(ValueError):
        iso28560_3.encode(ItemData("iso28560-3", "X" * 17, "LT1"))
    with pytest.raises(ValueError):
        iso28560_3.encode(ItemData("iso28560-3", "X", "LT" + "1" * 12))
    with pytest.raises(ValueError):
        iso28560_3.encode(ItemData("iso28560-3", "X", "LT1", nibble_order="version-low"))


def test_ddm_isil_drops_the_hyphen() -> None:
    assert iso28560_3.ddm_isil("DK-718500") == "DK718500"


printable = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1)


@st.composite
def items(draw: st.DrawFn) -> ItemData:
    usage = draw(st.integers(0, 15))
    nibble = (
        "version-high" if usage == 1 else draw(st.sampled_from(["version-high", "version-low"]))
    )
    parts = draw(st.integers(0, 255))
    return ItemData(
        model="iso28560-3",
        primary_item_id=draw(printable.filter(lambda s: len(s) <= 16)),
        owner_library=draw(
            st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=13)
        ),
        part_number=draw(st.integers(0, 255)),
        parts_in_set=parts,
        type_of_usage=usage,
        crc_valid=True,
        block_order=draw(st.sampled_from(["normal", "reversed"])),
        nibble_order=nibble,
    )


@given(items())
def test_decode_encode_round_trip(item: ItemData) -> None:
    assert iso28560_3.decode(iso28560_3.encode(item)) == item


@given(st.binary(max_size=140))
def test_arbitrary_bytes_raise_only_the_typed_error(memory: bytes) -> None:
    for lenient in (False, True):
        try:
            item = iso28560_3.decode(memory, allow_bad_crc=lenient)
        except UnknownTagFormat:
            continue
        assert item.crc_valid or lenient
        assert item.primary_item_id.isprintable()
