"""SIP2 error detection: the AZ checksum and AY sequence (spec section "Error detection").

Checksums are computed here from the spec rule, -(sum of bytes up to and including "AZ") &
0xFFFF as four hex digits, and compared with vectors published by other implementations.
"""

from __future__ import annotations

import pytest

from backend_sync.sip2.codec import Checksum, Message, checksum, decode, encode

# Known good from Evergreen Sip/Constants.pm, FOLIO edge-sip2 tests and the 3M guide.
KNOWN_GOOD = ["9900302.00AY1AZFCA5", "97AZFEF5", "96AZFEF6"]


def _spec_checksum(body: bytes) -> str:
    return f"{(-sum(body)) & 0xFFFF:04X}"


@pytest.mark.parametrize("wire", KNOWN_GOOD)
def test_known_good_vectors_verify_and_are_reproduced(wire: str) -> None:
    decoded = decode(wire.encode("ascii") + b"\r")
    assert decoded.checksum is Checksum.VALID
    assert encode(decoded.message, "cp850", b"\r") == wire.encode("ascii") + b"\r"


def test_known_vectors_follow_the_spec_rule() -> None:
    for wire in KNOWN_GOOD:
        body, given = wire[:-4].encode("ascii"), wire[-4:]
        assert _spec_checksum(body) == given
        assert checksum(body) == given


def test_the_97_checksum_by_hand() -> None:
    # "9" 0x39 + "7" 0x37 + "A" 0x41 + "Z" 0x5A = 0x10B; 0x10000 - 0x10B = 0xFEF5
    assert checksum(b"97AZ") == "FEF5"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"AZ",
        b"9300CNkiosk01|COslaptas|CPAbonementas|AY0AZ",
        "24              00020261125    143000AERūta Žemaitė|AY9AZ".encode(),
        b"\xff" * 300 + b"AZ",  # the byte sum passes 0xFFFF: only the low 16 bits count
    ],
)
def test_checksum_matches_the_spec_rule(body: bytes) -> None:
    assert checksum(body) == _spec_checksum(body)
    assert (sum(body) + int(checksum(body), 16)) & 0xFFFF == 0


def test_checksum_is_four_upper_case_hex_digits() -> None:
    assert checksum(b"") == "0000"
    assert checksum(b"\x01") == "FFFF"
    assert checksum(b"\x10") == "FFF0"


def test_a_bad_checksum_is_reported_and_the_message_still_decoded() -> None:
    decoded = decode(b"9900302.00AY1AZFCA6\r")
    assert decoded.checksum is Checksum.INVALID
    assert decoded.message.fixed_value("protocol_version") == "2.00"
    assert decoded.message.sequence == 1


def test_lower_case_checksum_hex_is_accepted() -> None:
    decoded = decode(b"9900302.00AY1AZfca5")
    assert decoded.checksum is Checksum.VALID
    assert encode(decoded.message, "ascii", b"") == b"9900302.00AY1AZFCA5"


def test_az_without_ay_keeps_error_detection_without_a_sequence() -> None:
    decoded = decode(b"9300CNkiosk01|COslaptas|AZF34A")
    assert decoded.checksum is Checksum.INVALID
    body = b"9300CNkiosk01|COslaptas|AZ"
    good = body + _spec_checksum(body).encode()
    decoded = decode(good)
    assert decoded.checksum is Checksum.VALID
    assert (decoded.message.sequence, decoded.message.error_detection) == (None, True)
    assert encode(decoded.message, "ascii", b"") == good


def test_a_checksum_over_code_points_is_accepted_and_reported_as_such() -> None:
    text = "12" + "1NNY20261125    143000" + "AJŽemaitės „Marti“|AY2AZ"
    by_code_points = f"{(-sum(map(ord, text))) & 0xFFFF:04X}"
    wire = (text + by_code_points).encode("utf-8")
    decoded = decode(wire, "utf-8")
    assert decoded.checksum is Checksum.VALID
    assert decoded.checksum_over_code_points is True
    assert encode(decoded.message, "utf-8", b"")[-4:].decode() == _spec_checksum(
        (text).encode("utf-8")
    )


def test_ascii_checksums_are_not_reported_as_code_points() -> None:
    decoded = decode(b"9900302.00AY1AZFCA5")
    assert decoded.checksum_over_code_points is False


@pytest.mark.parametrize("sequence", range(10))
def test_every_sequence_digit_round_trips(sequence: int) -> None:
    message = Message("97", sequence=sequence, error_detection=True)
    wire = encode(message, "ascii", b"")
    assert wire.startswith(f"97AY{sequence}AZ".encode())
    assert decode(wire).message == message


def test_a_sequence_above_nine_wraps() -> None:
    wire = encode(Message("97", sequence=12, error_detection=True), "ascii", b"")
    assert wire.startswith(b"97AY2AZ")


def test_a_sequence_alone_turns_error_detection_on() -> None:
    wire = encode(Message("97", sequence=5), "ascii", b"")
    assert decode(wire).checksum is Checksum.VALID
