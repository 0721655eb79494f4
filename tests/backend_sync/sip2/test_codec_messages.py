"""Every SIP2 2.00 message type, both directions, against hand-written vectors.

The vectors (tests/fixtures/sip2/messages.json) were written from the spec layout with
Lithuanian data; each is decoded, encoded and round-tripped in every supported encoding. The
expected text for encodings that cannot hold Lithuanian letters is derived from a hand-made
table here, not from the codec's own fallback.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backend_sync.sip2.codec import (
    ENCODINGS,
    Checksum,
    EncodeError,
    Message,
    decode,
    encode,
    encode_text,
    make,
    redacted,
)
from backend_sync.sip2.spec import SPECS

FIXTURE = Path(__file__).parents[2] / "fixtures" / "sip2" / "messages.json"
VECTORS = json.loads(FIXTURE.read_text(encoding="utf-8"))["messages"]
IDS = [f"{v['command']}-{SPECS[v['command']].name}" for v in VECTORS]

# What a Lithuanian text must become in an encoding without these letters (cp850, latin-1,
# ascii): the base letter, straight quotes, a hyphen, and EUR for the euro sign.
_PLAIN = str.maketrans(
    {
        **dict(zip("ąčęėįšųūžĄČĘĖĮŠŲŪŽ", "aceeisuuzACEEISUUZ", strict=True)),
        "„": '"',
        "“": '"',
        "–": "-",
        "€": "EUR",
    }
)
_KEEPS_LITHUANIAN = {"utf-8", "cp1257"}
V200 = ("protocol_version", "2.00")
V2BAR = ("protocol_version", "2|00")


def _spec_checksum(body: bytes) -> str:
    """The rule of spec section "Error detection", written out independently of the codec."""
    total = 0
    for byte in body:
        total += byte
    return format((0x10000 - (total & 0xFFFF)) & 0xFFFF, "04X")


def _expected_text(text: str, encoding: str) -> str:
    return text if encoding in _KEEPS_LITHUANIAN else text.translate(_PLAIN)


def _message(vector: dict, sequence: int | None = None, ed: bool = False) -> Message:
    base = make(vector["command"], vector["fixed"], [tuple(f) for f in vector["fields"]])
    return Message(base.command, base.fixed, base.fields, sequence, ed)


def test_the_vectors_cover_every_message_type() -> None:
    assert sorted(v["command"] for v in VECTORS) == sorted(SPECS)


def test_every_non_ascii_character_of_the_vectors_has_an_expected_plain_form() -> None:
    text = "".join(v["wire"] for v in VECTORS)
    assert text.translate(_PLAIN).isascii()


@pytest.mark.parametrize("vector", VECTORS, ids=IDS)
def test_decode_gives_the_spec_fields(vector: dict) -> None:
    decoded = decode(vector["wire"].encode("utf-8") + b"\r", "utf-8")
    message = decoded.message
    assert message.command == vector["command"]
    assert [name for name, _ in message.fixed] == [f.name for f in SPECS[message.command].fixed]
    assert dict(message.fixed) == vector["fixed"]
    assert [list(f) for f in message.fields] == vector["fields"]
    assert (message.sequence, message.error_detection) == (None, False)
    assert decoded.checksum is Checksum.ABSENT
    assert decoded.warnings == ()


@pytest.mark.parametrize("vector", VECTORS, ids=IDS)
def test_encode_gives_the_hand_written_bytes(vector: dict) -> None:
    assert encode(_message(vector), "utf-8") == vector["wire"].encode("utf-8") + b"\r"


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("vector", VECTORS, ids=IDS)
def test_round_trip_with_error_detection(vector: dict, encoding: str) -> None:
    sequence = VECTORS.index(vector) % 10
    wire = encode(_message(vector, sequence, True), encoding, b"\r")
    body = wire[:-5]
    assert body.endswith(f"AY{sequence}AZ".encode())
    assert wire[-5:-1].decode() == _spec_checksum(body)
    assert wire[: -len(f"AY{sequence}AZ") - 5] == _expected_text(vector["wire"], encoding).encode(
        encoding
    )

    decoded = decode(wire, encoding)
    assert decoded.checksum is Checksum.VALID
    assert not decoded.checksum_over_code_points
    assert decoded.message.sequence == sequence
    assert decoded.message.fields == tuple(
        (fid, _expected_text(value, encoding)) for fid, value in vector["fields"]
    )
    assert encode(decoded.message, encoding, b"\r") == wire


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("vector", VECTORS, ids=IDS)
def test_round_trip_without_error_detection_is_byte_for_byte(vector: dict, encoding: str) -> None:
    wire = _expected_text(vector["wire"], encoding).encode(encoding) + b"\r"
    decoded = decode(wire, encoding)
    assert decoded.checksum is Checksum.ABSENT
    assert encode(decoded.message, encoding, b"\r") == wire


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "„Metai“ – Žemaitė ąčęėįšųūž".encode()),
        ("cp1257", b"\x84Metai\x93 \x96 \xdeemait\xeb \xe0\xe8\xe6\xeb\xe1\xf0\xf8\xfb\xfe"),
        ("cp850", b'"Metai" - Zemaite aceeisuuz'),
        ("latin-1", b'"Metai" - Zemaite aceeisuuz'),
        ("ascii", b'"Metai" - Zemaite aceeisuuz'),
    ],
)
def test_lithuanian_text_in_each_encoding(encoding: str, expected: bytes) -> None:
    assert encode_text("„Metai“ – Žemaitė ąčęėįšųūž", encoding) == expected


def test_letters_an_encoding_holds_are_kept() -> None:
    assert encode_text("Müller, Thérèse, Øyvind", "cp850") == b"M\x81ller, Th\x82r\x8ase, \x9dyvind"
    assert encode_text("Müller, Thérèse", "latin-1") == "Müller, Thérèse".encode("latin-1")


def test_a_character_without_any_plain_form_becomes_a_question_mark() -> None:
    assert encode_text("知", "cp850") == b"?"


def test_utf8_checksum_is_over_bytes_not_letters() -> None:
    vector = next(v for v in VECTORS if v["command"] == "12")
    wire = encode(_message(vector, 4, True), "utf-8", b"")
    code_point_sum = -sum(map(ord, wire[:-4].decode("utf-8"))) & 0xFFFF
    assert int(wire[-4:], 16) != code_point_sum
    assert wire[-4:].decode() == _spec_checksum(wire[:-4])


def test_repeatable_and_vendor_fields_keep_wire_order() -> None:
    vector = next(v for v in VECTORS if v["command"] == "64")
    message = decode(vector["wire"].encode("utf-8"), "utf-8").message
    assert message.get_all("AU") == ["39999000000017", "39999000000024", "39999000000031"]
    assert [fid for fid, _ in message.fields][-3:] == ["AF", "XI", "PA"]
    assert message.get("XI") == "12345"

    vector = next(v for v in VECTORS if v["command"] == "10")
    message = decode(vector["wire"].encode("utf-8"), "utf-8").message
    ids = [fid for fid, _ in message.fields]
    assert ids[ids.index("CR") : ids.index("DA") + 1] == ["CR", "CS", "CT", "CV", "CY", "DA"]
    assert message.get("DA") == "Eglė Žalgirytė"


def test_interleaved_repeats_stay_interleaved() -> None:
    wire = "66100010001" + "20261125    143000" + "AOX|BMa|AFone|BMb|AFtwo|BNc|"
    message = decode(wire.encode("ascii"), "ascii").message
    assert message.fields == (
        ("AO", "X"), ("BM", "a"), ("AF", "one"), ("BM", "b"), ("AF", "two"), ("BN", "c"),
    )  # fmt: skip
    assert encode(message, "ascii", b"") == wire.encode("ascii")


def test_message_accessors() -> None:
    message = decode(VECTORS[0]["wire"].encode("utf-8"), "utf-8").message
    assert message.name == "login"
    assert message.fixed_value("uid_algorithm") == "0"
    assert message.get("ZZ", "none") == "none"
    assert message.get_all("ZZ") == []
    with pytest.raises(KeyError, match="no fixed field"):
        message.fixed_value("nonexistent")


def test_make_leaves_out_none_and_keeps_empty_values() -> None:
    message = make("17", {"transaction_date": " " * 18}, [("AO", "X"), ("AC", ""), ("AB", None)])
    assert message.fields == (("AO", "X"), ("AC", ""))
    assert encode(message, "ascii", b"") == b"17" + b" " * 18 + b"AOX|AC|"


def test_make_names_missing_fixed_fields() -> None:
    with pytest.raises(EncodeError, match="missing: nb_due_date"):
        make("11", {"sc_renewal_policy": "N", "no_block": "N", "transaction_date": " " * 18}, [])


def test_redacted_blanks_pin_and_passwords_only() -> None:
    login = decode(VECTORS[0]["wire"].encode("utf-8"), "utf-8").message
    assert redacted(login).fields == (("CN", "kiosk01"), ("CO", "***"), ("CP", "Abonementas"))
    checkout = _message(next(v for v in VECTORS if v["command"] == "11"), 3, True)
    hidden = redacted(checkout)
    assert hidden.get("AD") == "***"
    assert hidden.get("AC") == ""  # empty stays empty: nothing to hide, and it shows it was sent
    assert (hidden.sequence, hidden.error_detection, hidden.fixed) == (3, True, checkout.fixed)


@pytest.mark.parametrize(
    ("message", "complaint"),
    [
        (Message("XX"), "unknown command"),
        (Message("94", (("ok", "11"),)), "must be 1 characters"),
        (Message("94", (("okay", "1"),)), "fixed fields must be"),
        (Message("94", ()), "fixed fields must be"),
        (Message("94", (("ok", "Y"),)), "bad value"),
        (Message("99", (("status_code", "0"), ("max_print_width", "4O0"), V200)), "bad value"),
        (Message("99", (("status_code", "0"), ("max_print_width", "040"), V2BAR)), "bad value"),
        (Message("17", (("transaction_date", "2026-11-25 14:30:0"),)), "bad value"),
        (Message("97", (), (("AY", "1"),)), "bad field id"),
        (Message("97", (), (("AZ", "FEF5"),)), "bad field id"),
        (Message("97", (), (("ao", "x"),)), "bad field id"),
        (Message("97", (), (("A", "x"),)), "bad field id"),
        (Message("97", (), (("AJ", "Rock | Pop"),)), "delimiter"),
        (Message("97", (), (("AJ", "two\rlines"),)), "delimiter"),
        (Message("97", (), (("AJ", "nul\x00"),)), "delimiter"),
        (Message("97", (), (("AJ", "x" * 256),)), "longer than 255"),
    ],
)
def test_encode_refuses_what_sip2_cannot_carry(message: Message, complaint: str) -> None:
    with pytest.raises(EncodeError, match=complaint):
        encode(message, "utf-8")


def test_a_255_character_field_is_allowed() -> None:
    assert encode(Message("97", (), (("AJ", "ž" * 255),)), "utf-8", b"") == (
        b"97AJ" + "ž".encode() * 255 + b"|"
    )
