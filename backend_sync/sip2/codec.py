"""SIP2 2.00 codec, sans-I/O: bytes in, typed messages out; messages in, bytes out.

Tolerant when reading (CR, LF, CRLF or CR LF LF terminators, NUL padding between messages,
lower-case checksums, blanks after the checksum, checksums over code points, blank-padded
counts, `0000` time zones, free-format due dates, an unescaped `|` inside a value, AZ without
AY), strict when writing (exact fixed widths, byte checksums, upper-case hex). Text is kept
exactly as received, so encoding a decoded valid message gives the same bytes back.

Wire layout (spec, "Message formats" and "Error detection"):

    CC FFFFF... XXvalue|XXvalue|...  AYn AZhhhh  CR
    |  |         |                   |    |
    |  |         |                   |    checksum: -(sum of bytes up to and incl. "AZ") & 0xFFFF
    |  |         |                   sequence digit 0-9 (error detection only)
    |  |         variable fields: 2-char id, value, "|" (any order, some repeat)
    |  fixed fields: no ids, exact widths (spec.py)
    command id
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from backend_sync.sip2.spec import SECRET_FIELDS, SPECS, Kind, MessageSpec

MAX_MESSAGE_BYTES = 65536
MAX_FIELD_CHARS = 255
ENCODINGS = ("cp850", "utf-8", "latin-1", "ascii", "cp1257")
_FIELD_ID = re.compile(r"[A-Z][A-Z0-9]")
# re.ASCII: a str pattern's \d would also match Arabic-Indic and other Unicode digits.
_DATE = re.compile(r"\d{8}[ 0-9A-Z]{4}\d{6}", re.ASCII)
_COUNT = re.compile(r" *\d* *", re.ASCII)
_TRAILER = re.compile(r"(?:AY(\d))?AZ([0-9A-Fa-f]{4})$", re.ASCII)
_BLANKS_AFTER_TRAILER = re.compile(rb"AZ[0-9A-Fa-f]{4}[ \t]+$")
# Separators some ACSs escape as HTML character references inside a value (Koha: "&#124;").
_ESCAPED = re.compile(r"&#(?:124|[xX]7[cC]|13|[xX][dD]|10|[xX][aA]);")
_UNESCAPED = {"124": "|", "x7c": "|", "13": "\r", "xd": "\r", "10": "\n", "xa": "\n"}
_FORBIDDEN_IN_VALUE = re.compile(r"[|\r\n\x00]")
# Typographic marks that cp850, latin-1 and ascii lack and NFKD does not decompose: without
# this table a Lithuanian title in „quotes“ would reach the receipt as ?quotes?.
_PUNCTUATION_FALLBACK = {
    "„": '"', "“": '"', "”": '"', "«": '"', "»": '"', "‚": "'", "‘": "'", "’": "'",
    "–": "-", "—": "-", "…": "...", "€": "EUR",
}  # fmt: skip


class Sip2Error(Exception):
    """Base of every error the codec raises."""


class RemoteProtocolError(Sip2Error):
    """The peer sent something that is not a SIP2 message we can read."""


class EncodeError(Sip2Error):
    """We were asked to send something that SIP2 cannot carry."""


class Checksum(Enum):
    VALID = "valid"
    INVALID = "invalid"
    ABSENT = "absent"


@dataclass(frozen=True)
class Message:
    """One SIP2 message. `fixed` in spec order; `fields` in wire order, repeats kept."""

    command: str
    fixed: tuple[tuple[str, str], ...] = ()
    fields: tuple[tuple[str, str], ...] = ()
    sequence: int | None = None
    error_detection: bool = False

    @property
    def spec(self) -> MessageSpec:
        return SPECS[self.command]

    @property
    def name(self) -> str:
        return self.spec.name

    def fixed_value(self, name: str) -> str:
        for key, value in self.fixed:
            if key == name:
                return value
        raise KeyError(f"{self.name} has no fixed field {name!r}")

    def get(self, field_id: str, default: str | None = None) -> str | None:
        for key, value in self.fields:
            if key == field_id:
                return value
        return default

    def get_all(self, field_id: str) -> list[str]:
        return [value for key, value in self.fields if key == field_id]


def make(
    command: str, fixed: Mapping[str, str], fields: Iterable[tuple[str, str | None]]
) -> Message:
    """Build a message in spec order from a dict of fixed values; fields whose value is None
    are left out (optional and unused), empty strings are sent empty (required but unused)."""
    spec = SPECS[command]
    missing = [f.name for f in spec.fixed if f.name not in fixed]
    if missing:
        raise EncodeError(f"{spec.name}: fixed field(s) missing: {', '.join(missing)}")
    unknown = sorted(set(fixed) - {f.name for f in spec.fixed})
    if unknown:
        raise EncodeError(f"{spec.name}: no such fixed field(s): {', '.join(unknown)}")
    return Message(
        command,
        tuple((f.name, fixed[f.name]) for f in spec.fixed),
        tuple((fid, value) for fid, value in fields if value is not None),
    )


@dataclass(frozen=True)
class Decoded:
    message: Message
    checksum: Checksum
    checksum_over_code_points: bool = False
    warnings: tuple[str, ...] = field(default=())


def checksum(body: bytes) -> str:
    """The AZ value for `body` (every byte up to and including "AZ")."""
    return f"{(-sum(body)) & 0xFFFF:04X}"


def decode(data: bytes, encoding: str = "cp850") -> Decoded:
    """Decode one message (its CR/CRLF terminator optional). Raises RemoteProtocolError."""
    if len(data) > MAX_MESSAGE_BYTES:
        raise RemoteProtocolError(f"message of {len(data)} bytes is longer than the limit")
    raw = data.strip(b"\r\n\x00")
    blanks = _BLANKS_AFTER_TRAILER.search(raw)
    if blanks is not None:  # "…AZ1A2B  ": the blanks are no part of the checksummed text
        raw = raw.rstrip(b" \t")
    if b"\x00" in raw or b"\r" in raw:
        raise RemoteProtocolError("NUL or CR inside a message")
    text = _decode_text(raw, encoding)
    if len(text) < 2 or text[:2] not in SPECS:
        raise RemoteProtocolError(f"unknown command {text[:2]!r}")
    spec = SPECS[text[:2]]
    body_text, sequence, status, over_code_points, has_trailer = _split_trailer(raw, text, encoding)
    fixed = _read_fixed(spec, body_text)
    fields = _read_fields(body_text[spec.fixed_length :])
    message = Message(spec.command, fixed, fields, sequence, has_trailer)
    warnings = _warnings(message)
    if blanks is not None:
        warnings.append("blanks after the checksum ignored")
    return Decoded(message, status, over_code_points, tuple(warnings))


def _decode_text(raw: bytes, encoding: str) -> str:
    if encoding not in ENCODINGS:
        raise ValueError(f"unsupported SIP2 encoding {encoding!r}")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise RemoteProtocolError(f"not valid {encoding} at byte {exc.start}") from None


def _split_trailer(
    raw: bytes, text: str, encoding: str
) -> tuple[str, int | None, Checksum, bool, bool]:
    match = _TRAILER.search(text)
    if match is None or match.start() < 2:
        return text, None, Checksum.ABSENT, False, False
    sequence = int(match.group(1)) if match.group(1) is not None else None
    given = int(match.group(2), 16)
    if (sum(raw[:-4]) + given) & 0xFFFF == 0:
        status, over_code_points = Checksum.VALID, False
    elif (sum(map(ord, text[:-4])) + given) & 0xFFFF == 0:
        status, over_code_points = Checksum.VALID, True
    else:
        status, over_code_points = Checksum.INVALID, False
    return text[: match.start()], sequence, status, over_code_points, True


def _read_fixed(spec: MessageSpec, text: str) -> tuple[tuple[str, str], ...]:
    if len(text) < spec.fixed_length:
        raise RemoteProtocolError(
            f"{spec.name}: truncated: {len(text)} characters, the fixed part needs "
            f"{spec.fixed_length}"
        )
    values = []
    offset = 2
    for fixed in spec.fixed:
        value = text[offset : offset + fixed.width]
        if not _fixed_ok(fixed.kind, fixed.allowed, value):
            raise RemoteProtocolError(
                f"{spec.name}: fixed field {fixed.name} has a bad value {value!r}"
            )
        values.append((fixed.name, value))
        offset += fixed.width
    return tuple(values)


def _fixed_ok(kind: Kind, allowed: str, value: str) -> bool:
    match kind:
        case Kind.FLAG:
            return value in allowed or value == " "
        case Kind.COUNT:
            return bool(_COUNT.fullmatch(value))
        case Kind.DATE:
            return bool(_DATE.fullmatch(value)) or value.strip(" ") == ""
        case Kind.STATUS:
            return all(c in "YN " for c in value)
        case Kind.TEXT:
            return not _FORBIDDEN_IN_VALUE.search(value)


def _read_fields(text: str) -> tuple[tuple[str, str], ...]:
    fields: list[list[str]] = []
    chunks = text.split("|")
    if chunks and chunks[-1] == "":
        chunks.pop()
    for chunk in chunks:
        if len(chunk) >= 2 and _FIELD_ID.fullmatch(chunk[:2]):
            fields.append([chunk[:2], chunk[2:]])
        elif fields:  # an unescaped "|" inside the previous value: keep it there
            fields[-1][1] += "|" + chunk
        elif chunk:
            raise RemoteProtocolError(f"garbage where a field id was expected: {chunk[:20]!r}")
    return tuple((fid, value) for fid, value in fields)


def _warnings(message: Message) -> list[str]:
    present = {fid for fid, _ in message.fields}
    return [
        f"required field {fid} is missing" for fid in message.spec.required if fid not in present
    ]


def unescape(value: str) -> str:
    """A value with the separators an ACS escaped as character references (``&#124;`` for
    ``|``, CR, LF) put back. Decoding keeps the wire text (so it encodes back to the same
    bytes); whoever reads a value for people (mapping, via ``unescaped``) calls this."""
    return _ESCAPED.sub(lambda m: _UNESCAPED[m.group(0)[2:-1].lower()], value)


def unescaped(message: Message) -> Message:
    """The same message with every field value unescaped (for reading, not for re-encoding)."""
    fields = tuple((fid, unescape(value)) for fid, value in message.fields)
    if fields == message.fields:
        return message
    return Message(
        message.command, message.fixed, fields, message.sequence, message.error_detection
    )


def encode(message: Message, encoding: str = "cp850", terminator: bytes = b"\r") -> bytes:
    """Strict encoding: exact fixed widths, field values without delimiters, byte checksum."""
    spec = SPECS.get(message.command)
    if spec is None:
        raise EncodeError(f"unknown command {message.command!r}")
    parts = [message.command]
    names = tuple(name for name, _ in message.fixed)
    if names != tuple(f.name for f in spec.fixed):
        raise EncodeError(f"{spec.name}: fixed fields must be {[f.name for f in spec.fixed]}")
    for fixed, (_, value) in zip(spec.fixed, message.fixed, strict=True):
        if len(value) != fixed.width:
            raise EncodeError(
                f"{spec.name}: fixed field {fixed.name} must be {fixed.width} characters, "
                f"got {value!r}"
            )
        if not _fixed_ok(fixed.kind, fixed.allowed, value):
            raise EncodeError(f"{spec.name}: fixed field {fixed.name} has a bad value {value!r}")
        parts.append(value)
    for fid, value in message.fields:
        if not _FIELD_ID.fullmatch(fid) or fid in ("AY", "AZ"):
            raise EncodeError(f"{spec.name}: bad field id {fid!r}")
        if _FORBIDDEN_IN_VALUE.search(value):
            raise EncodeError(f"{spec.name}: field {fid} contains a delimiter, CR, LF or NUL")
        if len(value) > MAX_FIELD_CHARS:
            raise EncodeError(f"{spec.name}: field {fid} is longer than {MAX_FIELD_CHARS}")
        parts.append(f"{fid}{value}|")
    body = encode_text("".join(parts), encoding)
    if message.error_detection or message.sequence is not None:
        trailer = "AZ" if message.sequence is None else f"AY{message.sequence % 10}AZ"
        body += trailer.encode("ascii")
        body += checksum(body).encode("ascii")
    return body + terminator


def encode_text(text: str, encoding: str) -> bytes:
    """Encode; letters the encoding cannot hold lose their diacritics (ą -> a), never the word."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return b"".join(_encode_char(ch, encoding) for ch in text)


def _encode_char(ch: str, encoding: str) -> bytes:
    try:
        return ch.encode(encoding)
    except UnicodeEncodeError:
        if ch in _PUNCTUATION_FALLBACK:
            return _PUNCTUATION_FALLBACK[ch].encode(encoding)
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        return base.encode(encoding, errors="replace") if base else b"?"


def with_sequence(message: Message, sequence: int | None, error_detection: bool) -> Message:
    return Message(message.command, message.fixed, message.fields, sequence, error_detection)


def redacted(message: Message) -> Message:
    """The same message with the PIN, login and terminal passwords blanked (for logs)."""
    fields = tuple((fid, "***" if fid in SECRET_FIELDS and v else v) for fid, v in message.fields)
    return Message(
        message.command, message.fixed, fields, message.sequence, message.error_detection
    )


class Framer:
    """Splits a byte stream into messages at CR or LF: CR (the spec), CRLF (Koha), LF alone or
    CR LF LF (other ACSs); the empty lines between and NUL padding around messages are dropped.

    A frame longer than MAX_MESSAGE_BYTES is discarded up to its terminator and reported as a
    RemoteProtocolError in the output, so one bad line never stalls or floods the reader.
    """

    def __init__(self, max_bytes: int = MAX_MESSAGE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._buffer = bytearray()
        self._discarding = False

    def feed(self, data: bytes) -> list[bytes | RemoteProtocolError]:
        out: list[bytes | RemoteProtocolError] = []
        self._buffer += data
        while True:
            end = _line_end(self._buffer)
            if end < 0:
                if len(self._buffer) > self.max_bytes:
                    if not self._discarding:
                        out.append(RemoteProtocolError("message longer than the limit; dropped"))
                    self._discarding = True
                    self._buffer.clear()
                return out
            frame = bytes(self._buffer[:end]).strip(b"\x00")
            del self._buffer[: end + 1]
            if self._discarding:
                self._discarding = False
            elif len(frame) > self.max_bytes:
                out.append(RemoteProtocolError("message longer than the limit; dropped"))
            elif frame:
                out.append(frame)


def _line_end(buffer: bytearray) -> int:
    ends = [i for i in (buffer.find(b"\r"), buffer.find(b"\n")) if i >= 0]
    return min(ends) if ends else -1
