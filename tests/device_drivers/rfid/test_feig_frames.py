"""FEIG ISO-host framing and CRC against published and hand-checked vectors."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from device_drivers.rfid import feig_frames as ff


@pytest.mark.parametrize(
    ("body", "crc"),
    [
        ("08FF00010101", "FF8E"),  # RL866 vectors, same algorithm
        ("08FF40010201", "20B2"),
        ("05FFC0", "4239"),
        ("05FF65", "E5CB"),  # Get Software Version
        ("06FF5200", "0F6E"),  # baud detect
        ("07FFB00100", "1C56"),  # inventory
    ],
)
def test_crc_vectors_sent_low_byte_first(body: str, crc: str) -> None:
    value = ff.crc16(bytes.fromhex(body))
    assert bytes([value & 0xFF, value >> 8]).hex().upper() == crc


def test_crc_check_value() -> None:
    assert ff.crc16(b"123456789") == 0x6F91  # CRC-16/MCRF4XX


def test_encode_inventory_request() -> None:
    frame = ff.encode(ff.Frame(0xFF, 0xB0, bytes([0x01, 0x00])))
    assert frame.hex().upper() == "07FFB001001C56"


def test_decoder_reassembles_byte_by_byte() -> None:
    wire = ff.encode(ff.Frame(0x00, 0xB0, b"\x01\x03\x00" + bytes(8), status=0x00))
    decoder = ff.FrameDecoder(replies=True)
    frames = []
    for byte in wire + wire:
        decoder.feed(bytes([byte]))
        frame = decoder.next_frame()
        if frame:
            frames.append(frame)
    assert frames == [ff.Frame(0x00, 0xB0, b"\x01\x03\x00" + bytes(8), status=0x00)] * 2


def test_advanced_frame_for_long_replies() -> None:
    data = bytes(range(256)) * 2
    wire = ff.encode(ff.Frame(0x00, 0xB0, data, status=0x00))
    assert wire[0] == ff.ADVANCED_START
    assert (wire[1] << 8 | wire[2]) == len(wire)
    decoder = ff.FrameDecoder(replies=True)
    decoder.feed(wire)
    assert decoder.next_frame() == ff.Frame(0x00, 0xB0, data, status=0x00)


def test_crc_error_drops_one_frame_and_the_stream_goes_on() -> None:
    good = ff.encode(ff.Frame(0xFF, 0x65))
    bad = good[:-1] + bytes([good[-1] ^ 0xFF])
    decoder = ff.FrameDecoder(replies=False)
    decoder.feed(bad + good)
    with pytest.raises(ff.FrameCrcError):
        decoder.next_frame()
    assert decoder.next_frame() == ff.Frame(0xFF, 0x65)


def test_impossible_length_is_a_protocol_error() -> None:
    decoder = ff.FrameDecoder(replies=True)
    decoder.feed(b"\x03\xff\x00")
    with pytest.raises(ff.FeigProtocolError):
        decoder.next_frame()


def test_status_text() -> None:
    assert ff.describe_status(0x95, b"\x12") == "ISO 15693 error: locked (0x12) (0x95)"


@given(st.binary(max_size=300), st.booleans())
def test_arbitrary_bytes_raise_only_the_typed_error(data: bytes, replies: bool) -> None:
    decoder = ff.FrameDecoder(replies=replies)
    decoder.feed(data)
    for _ in range(len(data) + 1):
        try:
            if decoder.next_frame() is None:
                break
        except ff.FeigProtocolError:
            continue


@given(
    st.integers(0, 255),
    st.integers(0, 255),
    st.binary(max_size=600),
    st.one_of(st.none(), st.integers(0, 255)),
)
def test_encode_decode_round_trip(
    address: int, command: int, data: bytes, status: int | None
) -> None:
    frame = ff.Frame(address, command, data, status=status)
    decoder = ff.FrameDecoder(replies=status is not None)
    decoder.feed(ff.encode(frame))
    assert decoder.next_frame() == frame
