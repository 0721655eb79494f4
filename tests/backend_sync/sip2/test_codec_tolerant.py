"""Tolerant reading: what real ACSs send that the spec does not quite allow (research §0-§1).

Koha's CRLF, Sierra's `0000` zones, Librid's blank-padded counts, free-format due dates,
NYPL's unescaped `|`, AZ without AY, a missing final `|`: each still decodes.
"""

from __future__ import annotations

import pytest

from backend_sync.sip2.codec import Checksum, decode, encode

DATE = "20261125    143000"


def _with_checksum(text: str) -> bytes:
    body = text.encode("ascii")
    return body + f"{(-sum(body)) & 0xFFFF:04X}".encode()


@pytest.mark.parametrize("terminator", [b"\r", b"\r\n", b"\n", b""])
def test_any_terminator_is_accepted(terminator: bytes) -> None:
    decoded = decode(b"9900302.00AY1AZFCA5" + terminator)
    assert decoded.checksum is Checksum.VALID
    assert decoded.message.sequence == 1


def test_a_leading_lf_left_over_from_crlf_is_ignored() -> None:
    assert decode(b"\n941\r").message.fixed_value("ok") == "1"


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ("0001   23       00000010", ["0001", "   2", "3   ", "    ", "0000", "0010"]),
        (" " * 24, [" " * 4] * 6),
    ],
)
def test_blank_padded_counts_in_64(counts: str, expected: list[str]) -> None:
    wire = f"64{' ' * 14}000{DATE}{counts}AOLTAPS|AALT1|AEJonas|"
    message = decode(wire.encode("ascii")).message
    assert [value for name, value in message.fixed if name.endswith("_count")] == expected
    assert encode(message, "ascii", b"") == wire.encode("ascii")


def test_blank_padded_counts_in_66_as_librid_sends_them() -> None:
    message = decode(f"661   2   1{DATE}AOLTAPS|".encode("ascii")).message
    assert message.fixed_value("renewed_count") == "   2"
    assert message.fixed_value("unrenewed_count") == "   1"


@pytest.mark.parametrize("zone", ["0000", "    ", "   Z", "   Q"])
def test_time_zones(zone: str) -> None:
    message = decode(f"17{'20261125' + zone + '143000'}AOLTAPS|AB1|".encode("ascii")).message
    assert message.fixed_value("transaction_date") == f"20261125{zone}143000"


def test_blank_and_all_zero_dates() -> None:
    nb = decode(f"11NN{DATE}{' ' * 18}AOX|AAY|ABZ|AC|".encode("ascii")).message
    assert nb.fixed_value("nb_due_date") == " " * 18
    sync = decode(f"98YYYYNN100005{'0' * 18}2.00AOX|BXYYYYYYYYYYYYYYYY|".encode("ascii")).message
    assert sync.fixed_value("date_time_sync") == "0" * 18


@pytest.mark.parametrize(
    "due",
    ["20261216    235900", "2026-12-16 23:59:00", "16.12.2026", "12/16/2026,23:59", "2026-12-16"],
)
def test_free_format_due_dates_in_ah_are_kept_verbatim(due: str) -> None:
    wire = f"121NNY{DATE}AOLTAPS|AALT1|AB39|AJTitle|AH{due}|"
    message = decode(wire.encode("ascii")).message
    assert message.get("AH") == due
    assert encode(message, "ascii", b"") == wire.encode("ascii")


@pytest.mark.parametrize(
    ("title", "kept"),
    [
        ("Rock | Pop", "Rock | Pop"),
        ("Šaltinis|pirmas", "Šaltinis|pirmas"),
        ("A|b|c", "A|b|c"),
    ],
)
def test_an_unescaped_bar_inside_a_value_stays_in_that_value(title: str, kept: str) -> None:
    wire = f"101YNY{DATE}AOLTAPS|AB39|AJ{title}|AQAbonementas|"
    message = decode(wire.encode("utf-8"), "utf-8").message
    assert message.get("AJ") == kept
    assert message.get("AQ") == "Abonementas"


def test_an_escaped_bar_is_left_to_the_reader() -> None:
    # Koha and Evergreen escape the delimiter as an HTML entity; the codec does not unescape.
    message = decode(f"101YNY{DATE}AOLTAPS|AB39|AJRock &#124; Pop|".encode("ascii")).message
    assert message.get("AJ") == "Rock &#124; Pop"


def test_a_missing_final_bar() -> None:
    message = decode(f"36Y{DATE}AOLTAPS|AALT1".encode("ascii")).message
    assert message.fields == (("AO", "LTAPS"), ("AA", "LT1"))


def test_a_missing_final_bar_before_the_trailer() -> None:
    decoded = decode(_with_checksum(f"36Y{DATE}AOLTAPS|AALT1AY3AZ"))
    assert decoded.checksum is Checksum.VALID
    assert decoded.message.sequence == 3
    assert decoded.message.get("AA") == "LT1"


def test_a_bar_before_the_trailer_as_some_clients_send_it() -> None:
    decoded = decode(_with_checksum("9900302.00|AY1AZ"))
    assert decoded.checksum is Checksum.VALID
    assert decoded.message.fields == ()


def test_empty_fields_are_kept_empty() -> None:
    message = decode(f"23000{DATE}AOLTAPS|AALT1|AC|AD|".encode("ascii")).message
    assert message.get("AC") == ""
    assert message.get("AD") == ""


def test_missing_required_fields_are_warnings_not_errors() -> None:
    decoded = decode(f"121NNY{DATE}AOLTAPS|AB39|".encode("ascii"))
    assert decoded.warnings == (
        "required field AA is missing",
        "required field AJ is missing",
        "required field AH is missing",
    )
    assert decoded.message.get("AB") == "39"


def test_unknown_field_ids_pass_through() -> None:
    wire = f"64{' ' * 14}000{DATE}{'0000' * 6}AOX|AAY|AEZ|ZYcustom|PB19800101|GG1|FAfee|"
    message = decode(wire.encode("ascii")).message
    assert [fid for fid, _ in message.fields][3:] == ["ZY", "PB", "GG", "FA"]


def test_kohas_invalid_language_and_blank_flags_are_tolerated() -> None:
    message = decode(f"23eng{DATE}AOX|AAY|AC|AD|".encode("ascii")).message
    assert message.fixed_value("language") == "eng"
    assert decode(f"12 NNY{DATE}AOX|".encode("ascii")).message.fixed_value("ok") == " "


def test_cp850_bytes_that_are_not_utf8_decode_in_cp850() -> None:
    wire = f"101YNY{DATE}AOX|AB1|AQ".encode("ascii") + "Müller|".encode("cp850")
    assert decode(wire, "cp850").message.get("AQ") == "Müller"
