"""The jack's input-event protocol, pure: vectors packed with struct from the kernel's own layout
(linux/input.h: timeval of two longs, __u16 type, __u16 code, __s32 value), batching at
SYN_REPORT, SYN_DROPPED, the 32-bit layout, refusal of what the kernel never writes, and
properties (arbitrary bytes in arbitrary chunks raise only JackProtocolError; round trips)."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from device_drivers.speech.jack_events import (
    EV_SW,
    EV_SYN,
    EVENT_FORMAT_32,
    EVENT_FORMAT_64,
    EVIOCGVERSION,
    SW_HEADPHONE_INSERT,
    SW_JACK_PHYSICAL_INSERT,
    SW_LINEOUT_INSERT,
    SW_MICROPHONE_INSERT,
    SYN_DROPPED,
    SYN_REPORT,
    InputEvent,
    JackChanged,
    JackDecoder,
    JackProtocolError,
    StateLost,
    decode_event,
    encode_event,
    eviocgsw,
    passed_on,
    switch_bits,
    switch_report,
)

EV_KEY = 0x01


def kernel64(sec: int, usec: int, type_: int, code: int, value: int) -> bytes:
    """One event exactly as a 64-bit kernel lays it out: long, long, u16, u16, s32."""
    return struct.pack("=qqHHi", sec, usec, type_, code, value)


def kernel32(sec: int, usec: int, type_: int, code: int, value: int) -> bytes:
    return struct.pack("=iiHHi", sec, usec, type_, code, value)


PLUG = kernel64(1700000000, 250, EV_SW, 0x02, 1) + kernel64(1700000000, 250, EV_SYN, 0, 0)
UNPLUG = kernel64(1700000009, 9, EV_SW, 0x02, 0) + kernel64(1700000009, 9, EV_SYN, 0, 0)


def signals(data: bytes, fmt: str = EVENT_FORMAT_64, plugged: bool | None = None) -> list:
    decoder = JackDecoder(fmt, plugged=plugged)
    decoder.receive(data)
    return list(decoder.signals())


def test_layout_sizes_and_constants_match_the_kernel_headers() -> None:
    assert struct.calcsize(EVENT_FORMAT_64) == 24 and struct.calcsize(EVENT_FORMAT_32) == 16
    assert (EV_SYN, EV_SW, SYN_REPORT, SYN_DROPPED) == (0x00, 0x05, 0, 3)
    assert (SW_HEADPHONE_INSERT, SW_MICROPHONE_INSERT) == (0x02, 0x04)
    assert (SW_LINEOUT_INSERT, SW_JACK_PHYSICAL_INSERT) == (0x06, 0x07)
    # _IOR('E', 0x1b, 8) and _IOR('E', 0x01, int) as linux/input.h computes them
    assert eviocgsw(8) == 0x8008451B and EVIOCGVERSION == 0x80044501


def test_plug_then_unplug_with_their_timestamps() -> None:
    assert signals(PLUG + UNPLUG) == [
        JackChanged(True, 1700000000, 250),
        JackChanged(False, 1700000009, 9),
    ]


def test_change_applies_only_at_syn_report() -> None:
    decoder = JackDecoder(EVENT_FORMAT_64)
    decoder.receive(PLUG[:24])
    assert decoder.next_signal() is None and decoder.plugged is None
    decoder.receive(PLUG[24:])
    assert decoder.next_signal() == JackChanged(True, 1700000000, 250)


def test_one_byte_at_a_time_across_reads() -> None:
    decoder = JackDecoder(EVENT_FORMAT_64)
    seen = []
    for byte in PLUG + UNPLUG:
        decoder.receive(bytes([byte]))
        seen += list(decoder.signals())
    assert [change.plugged for change in seen] == [True, False]
    assert decoder.buffered == 0


def test_the_32_bit_layout_decodes_the_same_report() -> None:
    data = kernel32(5, 6, EV_SW, SW_HEADPHONE_INSERT, 1) + kernel32(5, 6, EV_SYN, SYN_REPORT, 0)
    assert signals(data, EVENT_FORMAT_32) == [JackChanged(True, 5, 6)]


def test_other_event_types_and_unknown_switches_are_ignored() -> None:
    noise = (
        kernel64(1, 0, EV_KEY, 115, 1)  # KEY_VOLUMEUP on the same node
        + kernel64(1, 0, EV_SW, 0x00, 1)  # SW_LID
        + kernel64(1, 0, EV_SYN, SYN_REPORT, 0)
    )
    assert signals(noise + PLUG) == [JackChanged(True, 1700000000, 250)]


def test_a_headset_is_plugged_a_microphone_alone_is_not() -> None:
    headset = switch_report({SW_HEADPHONE_INSERT: True, SW_MICROPHONE_INSERT: True}, 3, 0)
    assert signals(headset, plugged=False) == [JackChanged(True, 3, 0)]
    microphone = switch_report({SW_MICROPHONE_INSERT: True}, 4, 0)
    assert signals(microphone, plugged=False) == []
    assert signals(microphone) == []  # nothing known about the outputs: say nothing


def test_line_out_and_bare_physical_insert_count_as_plugged() -> None:
    for switch in (SW_LINEOUT_INSERT, SW_JACK_PHYSICAL_INSERT):
        assert signals(switch_report({switch: True}), plugged=False) == [JackChanged(True)]


def test_same_state_again_is_not_a_change() -> None:
    assert signals(PLUG + PLUG) == [JackChanged(True, 1700000000, 250)]
    assert signals(PLUG, plugged=True) == []


def test_headphones_out_while_physical_insert_stays_keeps_plugged() -> None:
    both = switch_report({SW_HEADPHONE_INSERT: True, SW_JACK_PHYSICAL_INSERT: True})
    assert signals(both + switch_report({SW_HEADPHONE_INSERT: False})) == [JackChanged(True)]


def test_syn_dropped_discards_up_to_the_next_report_then_asks_for_a_resync() -> None:
    dropped = (
        kernel64(1, 0, EV_SW, SW_HEADPHONE_INSERT, 1)
        + kernel64(1, 0, EV_SYN, SYN_DROPPED, 0)
        + kernel64(1, 0, EV_SW, SW_HEADPHONE_INSERT, 0)
        + kernel64(1, 0, EV_SYN, SYN_REPORT, 0)
    )
    decoder = JackDecoder(EVENT_FORMAT_64)
    decoder.receive(dropped)
    assert list(decoder.signals()) == [StateLost()]
    assert decoder.plugged is None
    assert decoder.seed(1 << SW_HEADPHONE_INSERT) == JackChanged(True)


def test_seed_from_the_switch_bitmap_reports_only_a_difference() -> None:
    decoder = JackDecoder(EVENT_FORMAT_64)
    assert decoder.seed(0) == JackChanged(False)
    assert decoder.seed(0) is None
    assert decoder.seed(1 << SW_LINEOUT_INSERT) == JackChanged(True)
    decoder.receive(UNPLUG)  # headphone off, line out still in
    assert list(decoder.signals()) == []


@pytest.mark.parametrize(
    ("record", "complaint"),
    [
        (kernel64(1, 0, 0x40, 0, 0), "beyond EV_MAX"),
        (kernel64(1, 0, EV_SW, 0x11, 1), "beyond SW_MAX"),
        (kernel64(1, 0, EV_SYN, 0x10, 0), "beyond SYN_MAX"),
        (kernel64(1, 1_000_000, EV_SYN, 0, 0), "not a microsecond count"),
    ],
)
def test_what_the_kernel_never_writes_is_refused_and_skipped(record: bytes, complaint: str) -> None:
    decoder = JackDecoder(EVENT_FORMAT_64)
    decoder.receive(kernel64(1, 0, EV_SW, SW_HEADPHONE_INSERT, 1) + record + UNPLUG + PLUG)
    with pytest.raises(JackProtocolError, match=complaint):
        decoder.next_signal()
    # the batch around the bad record is lost (the state is unknown), then decoding goes on
    assert list(decoder.signals()) == [StateLost(), JackChanged(True, 1700000000, 250)]


def test_reading_a_24_byte_stream_with_the_32_bit_layout_is_caught() -> None:
    decoder = JackDecoder(EVENT_FORMAT_32)
    decoder.receive(PLUG + UNPLUG)
    with pytest.raises(JackProtocolError):
        list(decoder.signals())


def test_decode_event_wants_exactly_one_record() -> None:
    with pytest.raises(JackProtocolError, match="24 bytes, got 23"):
        decode_event(PLUG[:23], EVENT_FORMAT_64)
    assert decode_event(PLUG[:24], EVENT_FORMAT_64) == InputEvent(EV_SW, 2, 1, 1700000000, 250)


def test_discarding_a_partial_event() -> None:
    decoder = JackDecoder(EVENT_FORMAT_64)
    decoder.receive(PLUG[:30])
    assert decoder.discard_partial() == 30 and decoder.buffered == 0


def test_switch_bitmap_as_evioctl_fills_it_in_either_byte_order() -> None:
    bits = 1 << SW_HEADPHONE_INSERT | 1 << SW_MICROPHONE_INSERT | 1 << 16
    assert switch_bits(bits.to_bytes(8, "little"), 8, "little") == bits
    assert switch_bits(bits.to_bytes(8, "big"), 8, "big") == bits
    two_longs = (bits & 0xFFFF_FFFF).to_bytes(4, "big") + (bits >> 32).to_bytes(4, "big")
    assert switch_bits(two_longs, 4, "big") == bits


def test_first_state_is_passed_on_only_when_plugged() -> None:
    assert passed_on(None, True) and not passed_on(None, False)
    assert passed_on(True, False) and passed_on(False, True)


# -- properties ---------------------------------------------------------------------------

events = st.builds(
    InputEvent,
    type=st.integers(0, 0x1F),
    code=st.integers(0, 0x0F),
    value=st.integers(-(2**31), 2**31 - 1),
    sec=st.integers(-(2**31), 2**31 - 1),
    usec=st.integers(0, 999_999),
)


@given(st.binary(max_size=400), st.lists(st.integers(1, 40), max_size=20))
def test_arbitrary_bytes_in_arbitrary_chunks_raise_only_the_typed_error(
    data: bytes, cuts: list[int]
) -> None:
    for fmt in (EVENT_FORMAT_64, EVENT_FORMAT_32):
        decoder = JackDecoder(fmt)
        position = 0
        for size in [*cuts, len(data)]:
            decoder.receive(data[position : position + size])
            position += size
            while True:
                try:
                    if decoder.next_signal() is None:
                        break
                except JackProtocolError:
                    continue
        assert decoder.buffered < struct.calcsize(fmt)  # everything whole was consumed


@given(events, st.sampled_from([EVENT_FORMAT_64, EVENT_FORMAT_32]))
def test_encode_decode_round_trip(event: InputEvent, fmt: str) -> None:
    assert decode_event(encode_event(event, fmt), fmt) == event


@given(st.lists(st.tuples(st.sampled_from([2, 4, 6, 7]), st.booleans()), min_size=1, max_size=12))
def test_reports_decode_to_the_state_they_encode(steps: list[tuple[int, bool]]) -> None:
    decoder = JackDecoder(EVENT_FORMAT_64, plugged=False)
    state: dict[int, bool] = {}
    for code, on in steps:
        decoder.receive(switch_report({code: on}, event_format=EVENT_FORMAT_64))
        list(decoder.signals())
        state[code] = on
        outputs = [state.get(c, False) for c in (2, 6, 7)]
        assert decoder.plugged is any(outputs)
