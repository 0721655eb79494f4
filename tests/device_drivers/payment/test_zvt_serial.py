"""ZVT serial framing: CRC, DLE doubling, ACK/NAK, repeats."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from device_drivers.payment import zvt_serial
from device_drivers.payment.zvt_serial import Ack, BadFrame, Frame, FrameReader, Nak


def test_crc_is_kermit() -> None:
    assert zvt_serial.crc16_kermit(b"123456789") == 0x2189  # the catalogue's check value


def test_spec_vector_with_a_doubled_dle() -> None:
    apdu = bytes.fromhex("06 01 07 04 00 00 00 00 51 10")  # EUR 51.10: the amount ends in 10
    frame = zvt_serial.encode_frame(apdu)
    assert frame == bytes.fromhex("10 02 06 01 07 04 00 00 00 00 51 10 10 10 03 59 58")
    assert zvt_serial.decode_frame(frame) == apdu


def test_dle_stx_inside_data_is_not_a_new_frame() -> None:
    apdu = bytes.fromhex("06 D1 03 00 10 02")
    events = FrameReader().feed(zvt_serial.encode_frame(apdu))
    assert events == [Frame(apdu)]


def test_bad_crc_asks_for_nak_and_ack_nak_are_bare_bytes() -> None:
    frame = bytearray(zvt_serial.encode_frame(bytes.fromhex("80 00 00")))
    frame[-1] ^= 0xFF
    events = FrameReader().feed(b"\x06" + bytes(frame) + b"\x15")
    assert events[0] == Ack() and isinstance(events[1], BadFrame) and events[2] == Nak()
    assert "CRC" in events[1].reason


def test_three_sendings_then_give_up() -> None:
    sending = zvt_serial.Transmission(b"frame")
    assert sending.next_attempt() == b"frame"
    assert sending.next_attempt() == b"frame"
    assert sending.next_attempt() is None
    assert sending.sent == 3


@given(st.binary(min_size=3, max_size=300))
def test_any_apdu_survives_framing(apdu: bytes) -> None:
    assert zvt_serial.decode_frame(zvt_serial.encode_frame(apdu)) == apdu


@given(st.binary(max_size=100))
def test_noise_gives_only_events(noise: bytes) -> None:
    for event in FrameReader().feed(noise):
        assert isinstance(event, Frame | BadFrame | Ack | Nak)
