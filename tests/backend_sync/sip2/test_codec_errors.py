"""Bad input: every way a peer can send something unreadable gets a RemoteProtocolError that
names the problem, never another exception."""

from __future__ import annotations

import pytest

from backend_sync.sip2.codec import (
    MAX_MESSAGE_BYTES,
    RemoteProtocolError,
    Sip2Error,
    decode,
)

DATE = "20261125    143000"


@pytest.mark.parametrize(
    ("wire", "complaint"),
    [
        (b"64", "truncated: 2 characters, the fixed part needs 61"),
        (f"64{' ' * 14}000{DATE}0000".encode(), "truncated"),
        (b"11NN2026", "truncated"),
        (b"9", "unknown command"),
        (b"", "unknown command ''"),
        (b"\r\n", "unknown command"),
        (b"XX123", "unknown command 'XX'"),
        (b"00000", "unknown command '00'"),
        (b"41" + DATE.encode(), "unknown command '41'"),
        (b"hello world", "unknown command 'he'"),
    ],
)
def test_truncated_and_unknown(wire: bytes, complaint: str) -> None:
    with pytest.raises(RemoteProtocolError, match=complaint):
        decode(wire)


@pytest.mark.parametrize(
    ("wire", "field"),
    [
        # node-sip2 sends the print width unpadded: `40` in a width-3 field shifts the version
        (b"990401.00|", "protocol_version"),
        # a three-digit hold count shifts the counts after it into the AO field id
        (f"64{' ' * 14}000{DATE}001{'0000' * 5}AOX|AAY|AEZ|".encode(), "unavailable_holds_count"),
        # a 17-character date
        (f"17{DATE[:-1]}AOX|AB1|".encode(), "transaction_date"),
        # Arabic-Indic digits are digits to str.isdigit, not to SIP2
        (f"17{'٢' * 8}    143000AOX|AB1|".encode(), "transaction_date"),
        (f"661{'١' * 4}0000{DATE}AOX|".encode(), "renewed_count"),
        (f"11NN{DATE}{DATE[:-1]}AOX|".encode(), "nb_due_date"),
        (f"121XNY{DATE}AOX|".encode(), "renewal_ok"),
        (b"94Y", "ok"),
        (f"24YYYYYYYYYYYYYX000{DATE}AOX|".encode(), "patron_status"),
        (f"15?{DATE}AOX|".encode(), "hold_mode"),
        (b"3720261125    14300001A0EURBV1|", "payment_type"),
    ],
)
def test_wrong_fixed_widths_and_values_name_the_field(wire: bytes, field: str) -> None:
    with pytest.raises(RemoteProtocolError, match=f"fixed field {field} has a bad value"):
        decode(wire)


@pytest.mark.parametrize(
    "wire",
    [
        b"99\x00302.00",
        b"9900302.00AY1\x00AZFCA5",
        b"96\r97",
    ],
)
def test_nul_and_cr_inside_a_message(wire: bytes) -> None:
    with pytest.raises(RemoteProtocolError, match="NUL or CR"):
        decode(wire)


def test_nothing_but_nul_padding_is_no_message() -> None:
    with pytest.raises(RemoteProtocolError, match="unknown command"):
        decode(b"\x00\x00\x00")


@pytest.mark.parametrize(
    "wire",
    [
        bytes(range(256)),
        bytes(range(255, -1, -1)),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xff\xfe\xfd" * 10,
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a TLS ClientHello on a plain socket
    ],
)
@pytest.mark.parametrize("encoding", ["cp850", "utf-8", "ascii"])
def test_binary_garbage(wire: bytes, encoding: str) -> None:
    with pytest.raises(RemoteProtocolError):
        decode(wire, encoding)


def test_a_one_megabyte_line_is_refused_before_it_is_read() -> None:
    line = b"64" + b"A" * 1_000_000 + b"\r"
    with pytest.raises(RemoteProtocolError, match=f"{len(line)} bytes is longer than the limit"):
        decode(line)


def test_the_limit_itself_is_allowed() -> None:
    body = f"101YNY{DATE}AOX|AB1|".encode()
    filler = b"AFx|" * ((MAX_MESSAGE_BYTES - len(body)) // 4)
    wire = body + filler + b"x" * (MAX_MESSAGE_BYTES - len(body) - len(filler))
    assert len(wire) == MAX_MESSAGE_BYTES
    assert decode(wire).message.command == "10"
    with pytest.raises(RemoteProtocolError, match="longer than the limit"):
        decode(wire + b"x")


@pytest.mark.parametrize(
    ("wire", "encoding", "position"),
    [
        (b"101YNY" + DATE.encode() + b"AJ\xc5|", "utf-8", 26),
        (b"101YNY" + DATE.encode() + b"AJ\xff\xfe|", "utf-8", 26),
        (b"101YNY" + DATE.encode() + "AJŽ|".encode("cp1257"), "utf-8", 26),
        (b"101YNY" + DATE.encode() + "AJŽ|".encode(), "ascii", 26),
    ],
)
def test_bytes_the_encoding_cannot_read(wire: bytes, encoding: str, position: int) -> None:
    with pytest.raises(RemoteProtocolError, match=f"not valid {encoding} at byte {position}"):
        decode(wire, encoding)


def test_garbage_before_the_first_field_id() -> None:
    with pytest.raises(RemoteProtocolError, match="garbage where a field id was expected"):
        decode(f"17{DATE}xyzAOX|".encode())


def test_every_codec_error_is_a_sip2_error() -> None:
    assert issubclass(RemoteProtocolError, Sip2Error)


def test_an_unsupported_encoding_is_a_programming_error_not_the_peers() -> None:
    with pytest.raises(ValueError, match="unsupported SIP2 encoding 'koi8-r'"):
        decode(b"941", "koi8-r")
