"""BMP fields of ZVT (PA00P015 §13) and the encodings they use.

A BMP field is one tag byte and a value whose length the tag fixes, or that carries its own
length as LLVAR / LLLVAR:

    04 00 00 00 00 07 50        amount, 6 bytes BCD: 750 cents
    8B F0 F4 56 49 53 41        card name, LLVAR: F0 F4 = 04 bytes follow ("VISA")
    3C F0 F1 F2 ...             additional text, LLLVAR: F0 F1 F2 = 012 bytes follow
    22 F0 F5 67 99 EE EE 34     PAN, LLVAR of BCD nibbles, E = masked digit, F = padding

Numbers are packed BCD, left-padded with 0. Text is CP437 (the "8-bit ZVT set"). A tag not
in the table cannot be skipped (its length is unknown), so it is a ZvtProtocolError.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from device_drivers.payment import zvt_tlv
from device_drivers.payment.zvt_errors import ZvtEncodeError, ZvtProtocolError
from device_drivers.payment.zvt_tlv import TlvObject

TEXT_ENCODING = "cp437"
Kind = Literal["bcd", "bin", "ascii", "bytes", "ll_text", "lll_text", "ll_pan", "ll_bytes",
               "lll_bytes", "tlv", "totals"]  # fmt: skip


@dataclass(frozen=True)
class BmpSpec:
    tag: int
    name: str
    kind: Kind
    size: int = 0  # fixed kinds only


@dataclass(frozen=True)
class SchemeTotal:
    scheme: str
    count: int
    amount_cents: int


@dataclass(frozen=True)
class SingleTotals:
    """BMP 60 of an end-of-day: receipt numbers from/to, then count and total per scheme."""

    receipt_from: int
    receipt_to: int
    schemes: tuple[SchemeTotal, ...]


TOTALS_SCHEMES = ("girocard", "JCB", "Eurocard", "Amex", "VISA", "Diners", "others")

FieldValue = int | str | bytes | tuple[TlvObject, ...] | SingleTotals

_TABLE = (
    BmpSpec(0x01, "timeout", "bin", 1),
    BmpSpec(0x02, "max_status_infos", "bin", 1),
    BmpSpec(0x03, "service_byte", "bin", 1),
    BmpSpec(0x04, "amount", "bcd", 6),
    BmpSpec(0x05, "pump_number", "bin", 1),
    BmpSpec(0x06, "tlv", "tlv"),
    BmpSpec(0x0B, "trace_number", "bcd", 3),
    BmpSpec(0x0C, "time", "bcd", 3),
    BmpSpec(0x0D, "date", "bcd", 2),
    BmpSpec(0x0E, "expiry_date", "bcd", 2),
    BmpSpec(0x17, "card_sequence_number", "bcd", 2),
    BmpSpec(0x19, "payment_type", "bin", 1),
    BmpSpec(0x22, "pan", "ll_pan"),
    BmpSpec(0x23, "track_2", "ll_bytes"),
    BmpSpec(0x24, "track_3", "lll_bytes"),
    BmpSpec(0x27, "result_code", "bin", 1),
    BmpSpec(0x29, "terminal_id", "bcd", 4),
    BmpSpec(0x2A, "vu_number", "ascii", 15),
    BmpSpec(0x2D, "track_1", "ll_bytes"),
    BmpSpec(0x2E, "sync_chip_data", "lll_bytes"),
    BmpSpec(0x37, "original_trace_number", "bcd", 3),
    BmpSpec(0x3A, "cvv", "bcd", 2),
    BmpSpec(0x3B, "auth_code", "ascii", 8),
    BmpSpec(0x3C, "additional_text", "lll_text"),
    BmpSpec(0x3D, "password", "bcd", 3),
    BmpSpec(0x49, "currency", "bcd", 2),
    BmpSpec(0x60, "single_totals", "totals"),
    BmpSpec(0x87, "receipt_number", "bcd", 2),
    BmpSpec(0x88, "turnover_number", "bcd", 3),
    BmpSpec(0x8A, "card_type", "bin", 1),
    BmpSpec(0x8B, "card_name", "ll_text"),
    BmpSpec(0x8C, "card_type_id", "bin", 1),
    BmpSpec(0x9A, "geldkarte_data", "lll_bytes"),
    BmpSpec(0xA0, "host_result_code", "bin", 1),
    BmpSpec(0xA7, "chip_data", "ll_bytes"),
    BmpSpec(0xAA, "date_with_year", "bcd", 3),
    BmpSpec(0xAF, "ef_info", "lll_bytes"),
    BmpSpec(0xBA, "aid", "bytes", 5),
    BmpSpec(0xD0, "algorithm_key", "bin", 1),
    BmpSpec(0xD1, "offset", "ll_bytes"),
    BmpSpec(0xD2, "card_output_direction", "bin", 1),
    BmpSpec(0xD3, "dukpt_key_id", "bin", 1),
    BmpSpec(0xE0, "min_input_length", "bin", 1),
    BmpSpec(0xE9, "max_input_length", "bin", 1),
    BmpSpec(0xEA, "echo", "bin", 1),
    BmpSpec(0xF0, "display_duration", "bin", 1),
    BmpSpec(0xF9, "beeps", "bin", 1),
    BmpSpec(0xFA, "card_reader_activation", "bin", 1),
    BmpSpec(0xFB, "confirmation", "bin", 1),
)
BMPS: dict[int, BmpSpec] = {spec.tag: spec for spec in _TABLE}
BMPS_BY_NAME: dict[str, BmpSpec] = {spec.name: spec for spec in _TABLE}


@dataclass(frozen=True)
class Bmp:
    tag: int
    value: FieldValue

    @property
    def name(self) -> str:
        return BMPS[self.tag].name


def decode_bmps(data: bytes, where: str = "") -> tuple[Bmp, ...]:
    fields, pos = [], 0
    while pos < len(data):
        field, pos = decode_bmp(data, pos, where)
        fields.append(field)
    return tuple(fields)


def decode_bmp(data: bytes, pos: int, where: str = "") -> tuple[Bmp, int]:
    tag = data[pos]
    spec = BMPS.get(tag)
    if spec is None:
        raise ZvtProtocolError(f"{where}unknown BMP {tag:02X} at byte {pos}")
    value, end = decode_value(spec.kind, spec.size, data, pos + 1, f"{where}BMP {tag:02X}")
    return Bmp(tag, value), end


def decode_value(kind: Kind, size: int, data: bytes, pos: int, what: str) -> tuple[object, int]:
    """A value of `kind` at `pos`: (value, position after it)."""
    if kind in ("bcd", "bin", "ascii", "bytes"):
        raw = _take(data, pos, size, what)
        return _fixed(kind, raw, what), pos + size
    if kind == "tlv":
        length, start = zvt_tlv.read_length(data, pos, what)
        raw = _take(data, start, length, what)
        return zvt_tlv.decode_objects(raw), start + length
    digits = 2 if kind.startswith("ll_") else 3
    length = read_var_length(_take(data, pos, digits, what), what)
    raw = _take(data, pos + digits, length, what)
    return _variable(kind, raw, what), pos + digits + length


def encode_bmp(field: Bmp) -> bytes:
    spec = BMPS.get(field.tag)
    if spec is None:
        raise ZvtEncodeError(f"unknown BMP {field.tag:02X}")
    return bytes((field.tag,)) + encode_value(spec.kind, spec.size, field.value, spec.name)


def encode_value(kind: Kind, size: int, value: object, name: str) -> bytes:
    match kind:
        case "bcd":
            return encode_bcd(_int(value, name), size, name)
        case "bin":
            if _int(value, name) > 0xFF:
                raise ZvtEncodeError(f"{name}: {value} does not fit one byte")
            return bytes((value,))  # type: ignore[arg-type]
        case "ascii":
            raw = encode_text(_str(value, name), name)
            if len(raw) > size:
                raise ZvtEncodeError(f"{name}: longer than {size} characters")
            return raw.ljust(size, b"\x00")
        case "bytes":
            if not isinstance(value, bytes) or len(value) != size:
                raise ZvtEncodeError(f"{name}: expected {size} bytes")
            return value
        case "tlv":
            if not isinstance(value, tuple):
                raise ZvtEncodeError(f"{name}: expected TLV objects")
            raw = zvt_tlv.encode_objects(value)
            return zvt_tlv.encode_length(len(raw)) + raw
    return _encode_variable(kind, value, name)


def _encode_variable(kind: Kind, value: object, name: str) -> bytes:
    if kind in ("ll_text", "lll_text"):
        raw = encode_text(_str(value, name), name)
    elif kind == "ll_pan":
        raw = encode_pan(_str(value, name), name)
    elif kind == "totals":
        if not isinstance(value, SingleTotals):
            raise ZvtEncodeError(f"{name}: expected single totals")
        raw = encode_totals(value)
    elif isinstance(value, bytes):
        raw = value
    else:
        raise ZvtEncodeError(f"{name}: expected bytes")
    digits = 2 if kind.startswith("ll_") else 3
    if len(raw) >= 10**digits:
        raise ZvtEncodeError(f"{name}: {len(raw)} bytes do not fit a {digits}-digit length")
    return bytes(0xF0 | int(d) for d in str(len(raw)).zfill(digits)) + raw


def read_var_length(prefix: bytes, what: str) -> int:
    if any(b & 0xF0 != 0xF0 or b & 0x0F > 9 for b in prefix):
        raise ZvtProtocolError(f"{what}: length {prefix.hex().upper()} is not F0-F9 digits")
    return int("".join(str(b & 0x0F) for b in prefix))


def decode_bcd(raw: bytes, what: str) -> int:
    digits = raw.hex()
    if not digits.isdigit():
        raise ZvtProtocolError(f"{what}: {raw.hex().upper()} is not BCD")
    return int(digits) if digits else 0


def encode_bcd(number: int, size: int, name: str) -> bytes:
    if number < 0 or number >= 10 ** (2 * size):
        raise ZvtEncodeError(f"{name}: {number} does not fit {2 * size} BCD digits")
    return bytes.fromhex(str(number).zfill(2 * size))


def encode_pan(pan: str, name: str = "pan") -> bytes:
    if not pan or any(c not in "0123456789E" for c in pan.upper()):
        raise ZvtEncodeError(f"{name}: digits and E (masked) only")
    return bytes.fromhex(pan + ("F" if len(pan) % 2 else ""))


def decode_pan(raw: bytes, what: str) -> str:
    nibbles = raw.hex().upper()
    if nibbles.endswith("F"):
        nibbles = nibbles[:-1]
    if not nibbles or any(c not in "0123456789E" for c in nibbles):
        raise ZvtProtocolError(f"{what}: PAN {raw.hex().upper()} is not BCD digits or E")
    return nibbles


def encode_text(text: str, name: str) -> bytes:
    try:
        return text.encode(TEXT_ENCODING)
    except UnicodeEncodeError:
        raise ZvtEncodeError(f"{name}: {text!r} has letters CP437 cannot carry") from None


def decode_text(raw: bytes) -> str:
    return raw.decode(TEXT_ENCODING).rstrip("\x00")


def decode_totals(raw: bytes, what: str = "BMP 60") -> SingleTotals:
    if len(raw) < 4 or (len(raw) - 4) % 7:
        raise ZvtProtocolError(f"{what}: {len(raw)} bytes are not 4 + 7 per scheme")
    schemes = []
    for index, pos in enumerate(range(4, len(raw), 7)):
        name = TOTALS_SCHEMES[index] if index < len(TOTALS_SCHEMES) else f"scheme_{index + 1}"
        amount = decode_bcd(raw[pos + 1 : pos + 7], what)
        schemes.append(SchemeTotal(name, raw[pos], amount))
    return SingleTotals(decode_bcd(raw[:2], what), decode_bcd(raw[2:4], what), tuple(schemes))


def encode_totals(totals: SingleTotals) -> bytes:
    out = bytearray(encode_bcd(totals.receipt_from, 2, "receipt_from"))
    out += encode_bcd(totals.receipt_to, 2, "receipt_to")
    for scheme in totals.schemes:
        if not 0 <= scheme.count <= 0xFF:
            raise ZvtEncodeError(f"{scheme.scheme}: count {scheme.count} does not fit a byte")
        out += bytes((scheme.count,)) + encode_bcd(scheme.amount_cents, 6, scheme.scheme)
    return bytes(out)


def _fixed(kind: Kind, raw: bytes, what: str) -> object:
    if kind == "bcd":
        return decode_bcd(raw, what)
    if kind == "bin":
        return raw[0]
    if kind == "ascii":
        return decode_text(raw)
    return raw


def _variable(kind: Kind, raw: bytes, what: str) -> object:
    if kind in ("ll_text", "lll_text"):
        return decode_text(raw)
    if kind == "ll_pan":
        return decode_pan(raw, what)
    if kind == "totals":
        return decode_totals(raw, what)
    return raw


def _take(data: bytes, pos: int, size: int, what: str) -> bytes:
    if pos + size > len(data):
        raise ZvtProtocolError(f"{what}: needs {size} bytes at {pos}, message ends at {len(data)}")
    return bytes(data[pos : pos + size])


def _int(value: object, name: str) -> int:
    if type(value) is not int or value < 0:
        raise ZvtEncodeError(f"{name}: expected a non-negative whole number, got {value!r}")
    return value


def _str(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise ZvtEncodeError(f"{name}: expected text, got {value!r}")
    return value
