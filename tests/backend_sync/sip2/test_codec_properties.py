"""Property tests: the decoder never fails with anything but a Sip2Error, and every valid message
of every type survives encode -> decode -> encode unchanged, in every encoding.

No Hypothesis deadlines: the machine is shared and a slow example is not a failure.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from backend_sync.sip2.codec import (
    ENCODINGS,
    MAX_FIELD_CHARS,
    Checksum,
    EncodeError,
    Framer,
    Message,
    RemoteProtocolError,
    Sip2Error,
    decode,
    encode,
)
from backend_sync.sip2.spec import SPECS, Fixed, Kind

FIXTURE = Path(__file__).parents[2] / "fixtures" / "sip2" / "messages.json"
VALID_WIRES = [v["wire"] for v in json.loads(FIXTURE.read_text("utf-8"))["messages"]]
FORBIDDEN = "|\r\n\x00"
ENCODING = st.sampled_from(ENCODINGS)


def _decodes_or_sip2_error(data: bytes, encoding: str) -> None:
    try:
        decoded = decode(data, encoding)
    except Sip2Error:
        return
    assert decoded.message.command in SPECS
    assert decoded.checksum in Checksum


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), ENCODING)
@example(b"9900302.00AY\xd9\xa1AZFCA5", "utf-8")  # an Arabic-Indic digit where AY's digit goes
@example(b"64" + "\u0661".encode() * 59, "utf-8")  # Unicode digits in counts and dates
def test_arbitrary_bytes_raise_only_sip2_errors(data: bytes, encoding: str) -> None:
    _decodes_or_sip2_error(data, encoding)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(SPECS)), st.binary(max_size=120), ENCODING)
def test_arbitrary_bytes_after_a_real_command_raise_only_sip2_errors(
    command: str, tail: bytes, encoding: str
) -> None:
    _decodes_or_sip2_error(command.encode() + tail, encoding)


@st.composite
def _mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(VALID_WIRES)).encode("utf-8") + b"AY1AZ0000")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        match draw(st.sampled_from(("replace", "insert", "delete"))):
            case "replace" if at < len(data):
                data[at] = draw(st.integers(0, 255))
            case "insert":
                data[at:at] = draw(st.binary(min_size=1, max_size=3))
            case "delete":
                del data[at : at + draw(st.integers(1, 3))]
    return bytes(data)


@settings(max_examples=300, deadline=None)
@given(_mutated(), ENCODING)
def test_mutated_valid_messages_raise_only_sip2_errors(data: bytes, encoding: str) -> None:
    _decodes_or_sip2_error(data, encoding)


@settings(deadline=None)
@given(st.lists(st.binary(max_size=50), max_size=10), st.integers(8, 64))
def test_the_framer_never_loses_a_short_frame(chunks: list[bytes], limit: int) -> None:
    framer = Framer(max_bytes=limit)
    out = [item for chunk in chunks for item in framer.feed(chunk)]
    for item in out:
        assert isinstance(item, RemoteProtocolError) or (b"\r" not in item and len(item) <= limit)


def _alphabet(encoding: str) -> st.SearchStrategy[str]:
    if encoding == "utf-8":
        return st.characters(exclude_characters=FORBIDDEN, exclude_categories=["Cs"])
    # single-byte encodings: every character the code page holds, built once
    holds = bytes(range(256)).decode(encoding, errors="ignore")
    return st.sampled_from([c for c in holds if c not in FORBIDDEN])


ALPHABETS = {encoding: _alphabet(encoding) for encoding in ENCODINGS}


def _text(encoding: str, min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.text(ALPHABETS[encoding], min_size=min_size, max_size=max_size)


def _fixed_value(fixed: Fixed, encoding: str) -> st.SearchStrategy[str]:
    digits = st.text("0123456789", min_size=fixed.width, max_size=fixed.width)
    match fixed.kind:
        case Kind.FLAG:
            return st.sampled_from(fixed.allowed + " ")
        case Kind.COUNT:
            padded = st.integers(0, 10 ** (fixed.width - 1) - 1).map(str)
            return digits | padded.map(lambda s: s.rjust(fixed.width)) | st.just(" " * fixed.width)
        case Kind.DATE:
            zone = st.sampled_from(["    ", "0000", "   Z", "   Q"])
            day = st.dates().map(lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}")
            clock = st.times().map(lambda t: f"{t.hour:02d}{t.minute:02d}{t.second:02d}")
            return st.tuples(day, zone, clock).map("".join) | st.just(" " * 18)
        case Kind.STATUS:
            return st.text("YN ", min_size=fixed.width, max_size=fixed.width)
        case Kind.TEXT:
            return _text(encoding, fixed.width, fixed.width)


_FIELD_ID = st.from_regex(r"[A-Z][A-Z0-9]", fullmatch=True).filter(lambda f: f not in ("AY", "AZ"))


@st.composite
def _valid_message(draw: st.DrawFn) -> tuple[Message, str]:
    encoding = draw(ENCODING)
    spec = SPECS[draw(st.sampled_from(sorted(SPECS)))]
    fixed = tuple((f.name, draw(_fixed_value(f, encoding))) for f in spec.fixed)
    fields = draw(st.lists(st.tuples(_FIELD_ID, _text(encoding, 0, 40)), max_size=8))
    if draw(st.booleans()):  # sometimes one field at the spec's maximum length
        fields.append(("AF", draw(_text(encoding, MAX_FIELD_CHARS, MAX_FIELD_CHARS))))
    sequence = draw(st.none() | st.integers(0, 9))
    error_detection = sequence is not None or draw(st.booleans())
    return Message(spec.command, fixed, tuple(fields), sequence, error_detection), encoding


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_valid_message(), st.sampled_from([b"\r", b"\r\n"]))
def test_valid_messages_of_every_type_round_trip(
    generated: tuple[Message, str], terminator: bytes
) -> None:
    message, encoding = generated
    wire = encode(message, encoding, terminator)
    decoded = decode(wire, encoding)
    assert decoded.message == message
    assert decoded.checksum is (Checksum.VALID if message.error_detection else Checksum.ABSENT)
    assert encode(decoded.message, encoding, terminator) == wire


@settings(deadline=None)
@given(
    st.sampled_from(sorted(SPECS)),
    st.lists(st.tuples(st.text(max_size=3), st.text(max_size=6)), max_size=6),
    st.lists(st.tuples(st.text(max_size=3), st.text(max_size=300)), max_size=4),
    ENCODING,
)
def test_encode_raises_only_encode_errors(
    command: str, fixed: list, fields: list, encoding: str
) -> None:
    with contextlib.suppress(EncodeError):
        wire = encode(Message(command, tuple(fixed), tuple(fields)), encoding)
        assert wire.endswith(b"\r")
