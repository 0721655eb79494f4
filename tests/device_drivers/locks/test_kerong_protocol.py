"""Kerong KR-CU16 frames against the published vectors; arbitrary bytes raise only our error."""

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from device_drivers.locks import kerong_protocol as kp


@pytest.mark.parametrize(
    ("lock", "frame"),
    [(0, "02 00 31 03 36"), (15, "02 0f 31 03 45"), (5, "02 05 31 03 3b")],
)
def test_unlock_vectors(lock: int, frame: str) -> None:
    assert kp.unlock(0, lock).hex(" ") == frame


def test_status_query_and_board_nibble() -> None:
    assert kp.status_query(0).hex(" ") == "02 00 30 03 35"
    assert kp.unlock(2, 3) == bytes([0x02, 0x23, 0x31, 0x03, (0x02 + 0x23 + 0x31 + 0x03) & 0xFF])
    assert kp.decode_command(kp.unlock(2, 3)) == kp.Command(2, kp.CMD_UNLOCK, 3)


def test_status_bits_are_little_endian_across_the_pair() -> None:
    # lock 1 and lock 9 latched; IR of lock 16 occupied
    frame = bytes([0x02, 0x00, 0x35, 0x01, 0x01, 0x00, 0x80, 0x03])
    frame += bytes([sum(frame) & 0xFF])
    status = kp.decode_status(frame)
    assert [i for i, b in enumerate(status.latched) if b] == [0, 8]
    assert [i for i, b in enumerate(status.occupied) if b] == [15]
    assert kp.encode_status(status) == frame
    assert status.inputs()[0] and status.inputs()[31]


def test_bad_checksum_and_bad_shape_are_typed() -> None:
    frame = bytearray(kp.status_query(0))
    frame[-1] ^= 1
    with pytest.raises(kp.KerongChecksumError):
        kp.decode_command(bytes(frame))
    with pytest.raises(kp.KerongFrameError):
        kp.decode_status(kp.status_query(0))
    with pytest.raises(ValueError):
        kp.unlock(16, 0)


def test_splitter_resynchronises_on_stx() -> None:
    splitter = kp.FrameSplitter(kp.COMMAND_LEN)
    stream = b"\xff\x00" + kp.unlock(0, 1) + kp.status_query(0)[:2]
    assert splitter.feed(stream) == [kp.unlock(0, 1)]
    assert splitter.feed(kp.status_query(0)[2:]) == [kp.status_query(0)]


@given(st.binary(max_size=20))
def test_arbitrary_bytes_raise_only_frame_errors(data: bytes) -> None:
    for decode in (kp.decode_command, kp.decode_status):
        with contextlib.suppress(kp.KerongFrameError):
            decode(data)


@given(st.binary(max_size=64))
def test_splitter_never_raises_and_emits_whole_frames(data: bytes) -> None:
    for frame in kp.FrameSplitter(kp.STATUS_LEN).feed(data):
        assert len(frame) == kp.STATUS_LEN and frame[0] == kp.STX
