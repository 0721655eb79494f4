"""The technician credential (kiosk/core/staff_auth.py): the scrypt line against the RFC 7914
test vector, making and verifying, every malformed line refused with a message that names the
problem and never repeats the hash, the PIN format, and arbitrary text never raising anything
but PinHashError."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.circulation.staff_auth import (
    PinFormatError,
    PinHash,
    PinHashError,
    check_pin_format,
    hash_pin,
)

# RFC 7914 section 12, the third vector: P="pleaseletmein", S="SodiumChloride", N=16384, r=8,
# p=1, dkLen=64.
RFC_DIGEST = bytes.fromhex(
    "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
    "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"
)
SALT = b"0123456789abcdef"
B64_SALT = base64.b64encode(SALT).decode()
B64_HASH = base64.b64encode(b"h" * 32).decode()


def test_verify_matches_the_rfc_7914_vector() -> None:
    vector = PinHash(16384, 8, 1, b"SodiumChloride", RFC_DIGEST)
    assert vector.verify("pleaseletmein")
    assert not vector.verify("pleaseletmeout")


def test_a_made_line_parses_back_and_verifies_only_its_pin() -> None:
    made = hash_pin("4321", SALT)
    line = made.line()
    assert line.startswith("scrypt$16384$8$1$" + B64_SALT + "$")
    parsed = PinHash.parse(line)
    assert parsed == made and parsed.line() == line
    assert parsed.verify("4321")
    assert not parsed.verify("4320") and not parsed.verify("") and not parsed.verify("43210")


def test_the_salt_makes_each_line_different() -> None:
    one, other = hash_pin("4321", SALT), hash_pin("4321", SALT[::-1])
    assert one.digest != other.digest
    assert other.verify("4321")


def test_repr_shows_neither_salt_nor_digest() -> None:
    made = hash_pin("4321", SALT)
    assert B64_SALT not in repr(made) and made.digest.hex() not in repr(made)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("", "6 fields"),
        ("4321", "6 fields"),
        (f"scrypt$16384$8$1${B64_SALT}", "6 fields"),
        (f"bcrypt$16384$8$1${B64_SALT}${B64_HASH}", "scheme must be 'scrypt'"),
        (f"scrypt$16k$8$1${B64_SALT}${B64_HASH}", "N must be a whole number"),
        (f"scrypt$16384$-8$1${B64_SALT}${B64_HASH}", "r must be a whole number"),
        (f"scrypt$10000$8$1${B64_SALT}${B64_HASH}", "power of two"),
        (f"scrypt$1024$8$1${B64_SALT}${B64_HASH}", "power of two from 16384"),
        (f"scrypt$16384$0$1${B64_SALT}${B64_HASH}", "r must be 1 to 32"),
        (f"scrypt$16384$8$99${B64_SALT}${B64_HASH}", "p 1 to 16"),
        (f"scrypt$1048576$32$1${B64_SALT}${B64_HASH}", "MiB of memory"),
        (f"scrypt$16384$8$1$not*base64${B64_HASH}", "salt is not base64"),
        (f"scrypt$16384$8$1${B64_SALT}$@@@@", "hash is not base64"),
        (f"scrypt$16384$8$1$U29kaXVtQ2hsb3JpZGU=${B64_HASH}", "salt must be at least 16"),
        (f"scrypt$16384$8$1${B64_SALT}$c2hvcnQ=", "hash must be 16 to 64 bytes"),
    ],
)
def test_malformed_lines_are_refused_by_name(line: str, message: str) -> None:
    with pytest.raises(PinHashError, match=message) as caught:
        PinHash.parse(line)
    assert B64_SALT not in str(caught.value) and B64_HASH not in str(caught.value)


@pytest.mark.parametrize("pin", ["1234", "123456", "0000"])
def test_keypad_pins_are_accepted(pin: str) -> None:
    check_pin_format(pin)


@pytest.mark.parametrize("pin", ["", "123", "1234567", "12a4", "12 34", "١٢٣٤"])
def test_pins_the_keypad_cannot_type_are_refused(pin: str) -> None:
    with pytest.raises(PinFormatError, match="4 to 6 digits"):
        check_pin_format(pin)
    with pytest.raises(PinFormatError):
        hash_pin(pin, SALT)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_arbitrary_text_parses_or_raises_pin_hash_error(text: str) -> None:
    try:
        made = PinHash.parse(text)
    except PinHashError:
        return
    assert PinHash.parse(made.line()) == made


FIELD = st.one_of(
    st.text(alphabet="0123456789+/=abcXYZ-", max_size=30),
    st.sampled_from(["16384", "8", "1", "0", "32768", B64_SALT, B64_HASH, ""]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(FIELD, min_size=5, max_size=5))
def test_near_miss_lines_parse_or_raise_pin_hash_error(fields: list[str]) -> None:
    """Lines that look like ours (the right scheme and field count) explore the checks
    deeper than random text does; none may slip through with an impossible cost."""
    try:
        made = PinHash.parse("$".join(["scrypt", *fields]))
    except PinHashError:
        return
    assert 128 * made.r * made.n <= 256 * 1024 * 1024 and len(made.salt) >= 16
