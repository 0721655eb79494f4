"""ZVT codec: spec-shaped vectors, round trips and garbage (hypothesis)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from device_drivers.payment import zvt_fields, zvt_messages, zvt_tlv
from device_drivers.payment.zvt_apdu import Apdu, ApduReader, decode_apdu
from device_drivers.payment.zvt_errors import ZvtProtocolError
from device_drivers.payment.zvt_fields import Bmp
from device_drivers.payment.zvt_messages import bmp, decode, encode, message


def test_authorisation_amount_is_bcd_cents() -> None:
    raw = encode(message("authorisation", bmp("amount", 750), bmp("currency", 978)))
    assert raw == bytes.fromhex("06 01 0A 04 000000000750 49 0978")


def test_status_information_as_a_terminal_writes_it() -> None:
    raw = bytes.fromhex(
        "04 0F 39 27 00 04 000000001234 0B 000042 0C 134501 0D 1206 87 0017 29 52500001"
        " 8A 0A 8B F0 F4 56495341 22 F0 F8 411111EEEEEE1111 3B 3030303132330000"
    )
    msg = decode(raw)
    assert msg.name == "status_information"
    assert msg.field("amount") == 1234
    assert msg.field("trace_number") == 42
    assert msg.field("receipt_number") == 17
    assert msg.field("card_name") == "VISA"
    assert msg.field("pan") == "411111EEEEEE1111"
    assert msg.field("auth_code") == "000123"
    assert msg.field("terminal_id") == 52500001


def test_registration_positional_then_bmps() -> None:
    tlv = (zvt_tlv.TlvObject(b"\x26", (zvt_tlv.TlvObject(b"\x0a", b"\x06\xd3"),)),)
    msg = message("registration", bmp("service_byte", 1), bmp("tlv", tlv), password=123456,
                  config_byte=0xBE, currency=978)  # fmt: skip
    raw = encode(msg)
    assert raw == bytes.fromhex("06 00 10 123456 BE 0978 03 01 06 06 26 04 0A 02 06 D3")
    assert decode(raw) == msg


def test_abort_with_result_code_and_intermediate_status() -> None:
    assert decode(bytes.fromhex("06 1E 01 6C")).param("result_code") == 0x6C
    status = decode(bytes.fromhex("04 FF 02 0A 03"))
    assert status.param("status") == 0x0A and status.param("timeout_minutes") == 3


def test_print_line_and_status_enquiry_completion() -> None:
    line = decode(bytes.fromhex("06 D1 05 00 54657374"))
    assert (line.param("attribute"), line.param("text")) == (0, "Test")
    done = decode(bytes.fromhex("06 0F 06 F0 F0 F2 3132 00"), after=(0x05, 0x01))
    assert done.name == "status_enquiry_completion"
    assert done.param("software_version") == "12" and done.param("terminal_status") == 0


def test_end_of_day_single_totals() -> None:
    totals = zvt_fields.SingleTotals(
        1,
        9,
        tuple(
            zvt_fields.SchemeTotal(n, i, 100 * i) for i, n in enumerate(zvt_fields.TOTALS_SCHEMES)
        ),
    )
    msg = message("status_information", bmp("result_code", 0), bmp("single_totals", totals))
    assert decode(encode(msg)).field("single_totals") == totals


def test_extended_length_is_low_byte_first() -> None:
    apdu = Apdu(0x06, 0xD1, b"\x00" + b"x" * 299)
    raw = apdu.encode()
    assert raw[:5] == bytes.fromhex("06 D1 FF 2C 01")
    assert decode_apdu(raw) == apdu
    assert decode(raw).param("text") == "x" * 299


def test_reader_splits_and_merges_tcp_reads() -> None:
    reader = ApduReader()
    stream = bytes.fromhex("80 00 00 04 FF 01 0A") + Apdu(6, 0xD1, b"\0" + b"y" * 300).encode()
    got = []
    for i in range(len(stream)):
        reader.feed(stream[i : i + 1])
        while (apdu := reader.next_apdu()) is not None:
            got.append(apdu)
    assert [a.control for a in got] == [(0x80, 0), (0x04, 0xFF), (0x06, 0xD1)]


def test_tlv_multibyte_tags_and_long_lengths() -> None:
    objects = (
        zvt_tlv.TlvObject(b"\x1f\x80\x00", b"z" * 200),
        zvt_tlv.TlvObject(b"\x1f\x07", b"\x02"),
    )
    raw = zvt_tlv.encode_objects(objects)
    assert raw[:5] == bytes.fromhex("1F 80 00 81 C8")
    assert zvt_tlv.decode_objects(raw) == objects


@pytest.mark.parametrize(
    ("hexdata", "complaint"),
    [
        ("06 01 03 04 0000", "needs 6 bytes"),
        ("06 01 02 77 00", "unknown BMP 77"),
        ("06 01 07 04 00000000AB00", "not BCD"),
        ("04 0F 04 8B F0 F9 41", "needs 9 bytes"),
        ("04 0F 03 8B 1A 41", "not F0-F9"),
        ("99 99 00", "unknown command"),
        ("06 01 03 04", "says 3 data bytes"),
    ],
)
def test_garbage_says_what_is_wrong(hexdata: str, complaint: str) -> None:
    with pytest.raises(ZvtProtocolError, match=complaint):
        decode(bytes.fromhex(hexdata))


# -- properties -----------------------------------------------------------------------------

_text = st.text(st.characters(codec="cp437", exclude_characters="\x00"), max_size=40)


def _value_for(spec: zvt_fields.BmpSpec) -> st.SearchStrategy:
    kind = spec.kind
    if kind == "bcd":
        return st.integers(0, 10 ** (2 * spec.size) - 1)
    if kind == "bin":
        return st.integers(0, 255)
    if kind == "ascii":
        return st.text(st.characters(codec="cp437", exclude_characters="\x00"), max_size=spec.size)
    if kind == "bytes":
        return st.binary(min_size=spec.size, max_size=spec.size)
    if kind in ("ll_text", "lll_text"):
        return _text
    if kind == "ll_pan":
        return st.text("0123456789E", min_size=1, max_size=19)
    if kind == "tlv":
        return st.lists(
            st.builds(
                zvt_tlv.TlvObject,
                st.sampled_from([b"\x07", b"\x1f\x07", b"\x1f\x80\x00"]),
                st.binary(max_size=140),
            ),
            max_size=3,
        ).map(tuple)
    if kind == "totals":
        return st.builds(zvt_fields.SingleTotals, st.integers(0, 9999), st.integers(0, 9999),
                         st.just(()))  # fmt: skip
    return st.binary(max_size=120)


_bmp = st.sampled_from(sorted(zvt_fields.BMPS)).flatmap(
    lambda tag: _value_for(zvt_fields.BMPS[tag]).map(lambda v, t=tag: Bmp(t, v))
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_bmp, max_size=6))
def test_any_bmp_fields_round_trip(fields: list[Bmp]) -> None:
    msg = message("status_information", *fields)
    assert decode(encode(msg)) == msg


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 255), st.integers(0, 99), _text)
def test_positional_messages_round_trip(code: int, minutes: int, text: str) -> None:
    for msg in (message("abort", result_code=code),
                message("intermediate_status", status=code, timeout_minutes=minutes),
                message("print_line", attribute=code, text=text),
                message("reversal", bmp("receipt_number", minutes), password=123456)):  # fmt: skip
        assert decode(encode(msg)) == msg


@settings(max_examples=1000)
@given(st.binary(max_size=80))
def test_garbage_raises_only_the_typed_error(raw: bytes) -> None:
    for after in (None, (0x05, 0x01)):
        with contextlib.suppress(ZvtProtocolError):
            decode(raw, after)


@settings(max_examples=500)
@given(st.binary(max_size=60))
def test_tlv_garbage_raises_only_the_typed_error(raw: bytes) -> None:
    with contextlib.suppress(ZvtProtocolError):
        zvt_tlv.decode_objects(raw)


@settings(max_examples=300)
@given(st.sampled_from(sorted(zvt_messages.SPECS)), st.binary(max_size=60))
def test_every_command_layout_rejects_garbage_cleanly(
    control: tuple[int, int], data: bytes
) -> None:
    with contextlib.suppress(ZvtProtocolError):
        decode(Apdu(*control, data))
