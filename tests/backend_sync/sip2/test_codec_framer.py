"""The stream framer: a TCP byte stream cut into messages at CR, whatever the chunk boundaries."""

from __future__ import annotations

import pytest

from backend_sync.sip2.codec import Checksum, Framer, RemoteProtocolError, decode

STREAM = b"9900302.00AY1AZFCA5\r97AZFEF5\r941\r"
FRAMES = [b"9900302.00AY1AZFCA5", b"97AZFEF5", b"941"]


def _feed_all(framer: Framer, chunks: list[bytes]) -> list[bytes | RemoteProtocolError]:
    out: list[bytes | RemoteProtocolError] = []
    for chunk in chunks:
        out += framer.feed(chunk)
    return out


def test_one_chunk_with_several_messages() -> None:
    assert Framer().feed(STREAM) == FRAMES


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 19, 20])
def test_messages_split_across_chunk_boundaries(size: int) -> None:
    chunks = [STREAM[i : i + size] for i in range(0, len(STREAM), size)]
    assert _feed_all(Framer(), chunks) == FRAMES


def test_a_partial_message_waits_for_its_terminator() -> None:
    framer = Framer()
    assert framer.feed(b"9900302.00") == []
    assert framer.feed(b"AY1AZFCA5") == []
    assert framer.feed(b"\r") == [b"9900302.00AY1AZFCA5"]


@pytest.mark.parametrize("size", [1, 4, 100])
def test_crlf_terminators_as_koha_sends_them(size: int) -> None:
    stream = STREAM.replace(b"\r", b"\r\n")
    chunks = [stream[i : i + size] for i in range(0, len(stream), size)]
    assert _feed_all(Framer(), chunks) == FRAMES


def test_empty_lines_are_skipped() -> None:
    assert Framer().feed(b"\r\r\n\r941\r\n\r\n") == [b"941"]


def test_an_overlong_frame_without_terminator_is_dropped_once_then_the_stream_recovers() -> None:
    framer = Framer(max_bytes=32)
    out = framer.feed(b"64" + b"x" * 40)
    assert len(out) == 1
    assert isinstance(out[0], RemoteProtocolError)
    assert "longer than the limit" in str(out[0])
    assert framer.feed(b"y" * 100) == []  # still the same bad frame: no second error
    assert framer.feed(b"zzz\r941\r") == [b"941"]


def test_an_overlong_frame_inside_one_chunk() -> None:
    out = Framer(max_bytes=32).feed(b"64" + b"x" * 40 + b"\r97AZFEF5\r")
    assert isinstance(out[0], RemoteProtocolError)
    assert out[1:] == [b"97AZFEF5"]


def test_a_frame_of_exactly_the_limit_passes() -> None:
    frame = b"97" + b"x" * 30
    assert Framer(max_bytes=32).feed(frame + b"\r") == [frame]


def test_framed_messages_decode() -> None:
    decoded = [decode(frame) for frame in Framer().feed(STREAM)]
    assert [d.message.command for d in decoded] == ["99", "97", "94"]
    assert [d.checksum for d in decoded] == [Checksum.VALID, Checksum.VALID, Checksum.ABSENT]


def test_frames_after_the_limit_use_the_default_limit() -> None:
    framer = Framer()
    out = framer.feed(b"AF" + b"x" * framer.max_bytes + b"\r941\r")
    assert isinstance(out[0], RemoteProtocolError)
    assert out[1:] == [b"941"]
