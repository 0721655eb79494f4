"""ZVT messages: which command is which, its positional parameters, then its BMP fields.

    06 00 0B  12 34 56  BE  09 78  03 01      registration: password, config byte, currency,
              ^password ^cfg ^CC    ^BMP 03    then BMP fields (service byte, TLV)
    06 1E 01  6C                              abort: result code, then optional BMP fields
    04 FF 01  0A                              intermediate status: status, [timeout], [BMPs]
    06 D1 05  00 'T' 'e' 's' 't'              print line: attribute, then text to the end
    06 0F 05  F0 F0 F1 31 00                  completion of a status enquiry: software version
                                              (LLLVAR), terminal status — positional, no tags

A positional parameter marked optional may be left out only together with everything after
it (the spec makes the currency mandatory once a BMP follows, and so on). `decode` takes the
command we sent (`after`) because one reply, 06 0F, has two layouts.
"""

from __future__ import annotations

from dataclasses import dataclass

from device_drivers.payment import zvt_fields
from device_drivers.payment.zvt_apdu import Apdu, decode_apdu
from device_drivers.payment.zvt_errors import ZvtEncodeError, ZvtProtocolError
from device_drivers.payment.zvt_fields import Bmp, FieldValue, Kind


@dataclass(frozen=True)
class Param:
    name: str
    kind: Kind | str  # a field kind, or "rest_text": the text to the end of the data
    size: int = 0
    optional: bool = False


@dataclass(frozen=True)
class CommandSpec:
    cls: int
    instr: int
    name: str
    params: tuple[Param, ...] = ()
    bmps: bool = True  # BMP fields may follow the positional parameters


PASSWORD = Param("password", "bcd", 3)
_SPECS = (
    CommandSpec(0x06, 0x00, "registration", (
        PASSWORD, Param("config_byte", "bin", 1), Param("currency", "bcd", 2, optional=True))),
    CommandSpec(0x06, 0x01, "authorisation"),
    CommandSpec(0x06, 0x02, "log_off"),
    CommandSpec(0x06, 0x0F, "completion"),
    CommandSpec(0x06, 0x1E, "abort", (Param("result_code", "bin", 1),)),
    CommandSpec(0x06, 0x20, "repeat_receipt", (Param("password", "bcd", 3, optional=True),)),
    CommandSpec(0x06, 0x22, "pre_authorisation"),
    CommandSpec(0x06, 0x23, "partial_reversal_of_pre_authorisation"),
    CommandSpec(0x06, 0x24, "book_total"),
    CommandSpec(0x06, 0x25, "pre_authorisation_reversal"),
    CommandSpec(0x06, 0x30, "reversal", (PASSWORD,)),
    CommandSpec(0x06, 0x50, "end_of_day", (Param("password", "bcd", 3, optional=True),)),
    CommandSpec(0x06, 0xB0, "abort_from_ecr"),
    CommandSpec(0x06, 0xD1, "print_line", (
        Param("attribute", "bin", 1), Param("text", "rest_text")), bmps=False),
    CommandSpec(0x06, 0xD3, "print_text_block"),
    CommandSpec(0x05, 0x01, "status_enquiry", (Param("password", "bcd", 3, optional=True),)),
    CommandSpec(0x04, 0x0F, "status_information"),
    CommandSpec(0x04, 0xFF, "intermediate_status", (
        Param("status", "bin", 1), Param("timeout_minutes", "bcd", 1, optional=True))),
)  # fmt: skip
STATUS_COMPLETION = CommandSpec(
    0x06,
    0x0F,
    "status_enquiry_completion",
    (Param("software_version", "lll_text"), Param("terminal_status", "bin", 1)),
)
SPECS: dict[tuple[int, int], CommandSpec] = {(s.cls, s.instr): s for s in _SPECS}
SPECS_BY_NAME: dict[str, CommandSpec] = {s.name: s for s in (*_SPECS, STATUS_COMPLETION)}
ACK_NAME, NEGATIVE_NAME = "ack", "negative_ack"


@dataclass(frozen=True)
class Message:
    name: str
    cls: int
    instr: int
    params: tuple[tuple[str, FieldValue], ...] = ()
    fields: tuple[Bmp, ...] = ()

    def param(self, name: str, default: FieldValue | None = None) -> FieldValue | None:
        return next((v for n, v in self.params if n == name), default)

    def field(self, name: str, default: FieldValue | None = None) -> FieldValue | None:
        return next((f.value for f in self.fields if f.name == name), default)

    @property
    def is_ack(self) -> bool:
        return self.cls == 0x80 or (self.cls == 0x84 and self.instr == 0x00)

    @property
    def is_negative(self) -> bool:
        return self.cls == 0x84 and self.instr != 0x00


def spec_for(cls: int, instr: int, after: tuple[int, int] | None = None) -> CommandSpec:
    if (cls, instr) == (0x06, 0x0F) and after == (0x05, 0x01):
        return STATUS_COMPLETION
    if cls in (0x80, 0x84):
        return CommandSpec(cls, instr, ACK_NAME if cls == 0x80 else NEGATIVE_NAME)
    spec = SPECS.get((cls, instr))
    if spec is None:
        raise ZvtProtocolError(f"unknown command {cls:02X} {instr:02X}")
    return spec


def decode(raw: bytes | Apdu, after: tuple[int, int] | None = None) -> Message:
    """One APDU as a Message; ZvtProtocolError says what is wrong with it."""
    apdu = raw if isinstance(raw, Apdu) else decode_apdu(raw)
    spec = spec_for(apdu.cls, apdu.instr, after)
    try:
        return _decode_with(spec, apdu)
    except ZvtProtocolError:
        if spec.name != "completion" or after is not None:
            raise
        return _decode_with(STATUS_COMPLETION, apdu)  # a status enquiry's, read from a log


def _decode_with(spec: CommandSpec, apdu: Apdu) -> Message:
    data, pos, params = apdu.data, 0, []
    where = f"{spec.name} ({apdu.cls:02X} {apdu.instr:02X}): "
    for param in spec.params:
        if pos >= len(data) and param.optional:
            break
        if param.kind == "rest_text":
            params.append((param.name, zvt_fields.decode_text(data[pos:])))
            pos = len(data)
            continue
        value, pos = zvt_fields.decode_value(
            param.kind,
            param.size,
            data,
            pos,
            where + param.name,  # type: ignore[arg-type]
        )
        params.append((param.name, value))
    if pos < len(data) and not spec.bmps:
        raise ZvtProtocolError(f"{where}{len(data) - pos} unexpected bytes at the end")
    fields = zvt_fields.decode_bmps(data[pos:], where) if pos < len(data) else ()
    return Message(spec.name, apdu.cls, apdu.instr, tuple(params), fields)  # type: ignore[arg-type]


def encode(message: Message) -> bytes:
    return to_apdu(message).encode()


def to_apdu(message: Message) -> Apdu:
    spec = (
        spec_for(message.cls, message.instr)
        if message.name != STATUS_COMPLETION.name
        else (STATUS_COMPLETION)
    )
    given = dict(message.params)
    if len(given) != len(message.params):
        raise ZvtEncodeError(f"{spec.name}: a parameter is given twice")
    unknown = set(given) - {p.name for p in spec.params}
    if unknown:
        raise ZvtEncodeError(f"{spec.name} has no parameter(s) {', '.join(sorted(unknown))}")
    out, left_out = bytearray(), None
    for param in spec.params:
        if param.name not in given:
            if not param.optional:
                raise ZvtEncodeError(f"{spec.name}: parameter {param.name} missing")
            left_out = param.name
            continue
        if left_out is not None:
            raise ZvtEncodeError(f"{spec.name}: {param.name} given without {left_out}")
        value = given[param.name]
        if param.kind == "rest_text":
            out += zvt_fields.encode_text(str(value), param.name)
        else:
            out += zvt_fields.encode_value(param.kind, param.size, value, param.name)  # type: ignore[arg-type]
    if message.fields and not spec.bmps:
        raise ZvtEncodeError(f"{spec.name} carries no BMP fields")
    if message.fields and left_out is not None:
        raise ZvtEncodeError(f"{spec.name}: BMP fields need {left_out} before them")
    for field in message.fields:
        out += zvt_fields.encode_bmp(field)
    return Apdu(message.cls, message.instr, bytes(out))


def message(name: str, *fields: Bmp, **params: FieldValue) -> Message:
    """Build a message by name: ``message("authorisation", Bmp(0x04, 750))``."""
    spec = SPECS_BY_NAME[name]
    order = [p.name for p in spec.params]
    ordered = tuple((n, params[n]) for n in order if n in params)
    extra = set(params) - set(order)
    if extra:
        raise ZvtEncodeError(f"{name} has no parameter(s) {', '.join(sorted(extra))}")
    return Message(name, spec.cls, spec.instr, ordered, fields)


def bmp(name: str, value: FieldValue) -> Bmp:
    return Bmp(zvt_fields.BMPS_BY_NAME[name].tag, value)


def ack() -> Message:
    return Message(ACK_NAME, 0x80, 0x00)


def negative(code: int, *fields: Bmp) -> Message:
    return Message(NEGATIVE_NAME, 0x84, code, (), fields)
