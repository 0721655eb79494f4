"""`kiosk sip2 decode|encode`: SIP2 messages from a log or capture as JSON, and back to wire.

Thin: bytes from stdin go through backend_sync.sip2.codec and out as one JSON object a line
(decode), or JSON objects a line go through the codec and out as wire bytes (encode). It never
opens a socket and never reads the configuration. A line that fails is reported on stdout in
its place and the command goes on; the exit code is 1 at the end if any line failed.

    decode:  9900302.00AY1AZFCA5          ->  {"command": "99", "name": "sc_status",
                                                "fixed": {...}, "fields": [], "sequence": 1,
                                                "checksum": "valid"}
    encode:  {"command": "97", "fixed": {}, "fields": [], "sequence": null,
              "checksum": "valid"}        ->  97AZFEF5
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from typing import BinaryIO

from backend_sync.sip2.codec import (
    ENCODINGS,
    Checksum,
    Decoded,
    EncodeError,
    Message,
    Sip2Error,
    decode,
    encode,
    unescape,
)
from backend_sync.sip2.spec import SPECS, SPECS_BY_NAME

TERMINATORS = {"CR": b"\r", "CRLF": b"\r\n", "LF": b"\n"}
RAW_SHOWN = 200  # characters of an undecodable line echoed back; a 1 MB line is not
_LINE_END = re.compile(rb"\r\n|\r|\n")

ENCODING_HELP = (
    "character set of the SIP2 bytes: the [ils] encoding the kiosk and the library system "
    "agreed on (default: cp850, the SIP2 default)"
)

DECODE_DESCRIPTION = (
    "Read SIP2 messages one a line on stdin (lines may end in CR, CRLF, LF or CR LF LF, or "
    "have the CR stripped; NUL padding and blanks after the checksum are ignored) and print "
    'one JSON object per message, with "checksum" valid/invalid/absent and any "warnings"; '
    "values with separators the ACS escaped (&#124; for |) are listed again under "
    '"unescaped". A line that cannot be decoded prints {"error": ..., "raw": ...} and the '
    "command goes on; the exit code is then 1."
)

ENCODE_DESCRIPTION = (
    "Read one JSON object a line (the form `kiosk sip2 decode` prints) and print the wire "
    'message. A "sequence" of 0-9 appends AYnAZxxxx; a null sequence with a "checksum" other '
    'than "absent" appends AZxxxx only. A line that cannot be encoded prints {"error": ...} '
    "and the command goes on; the exit code is then 1."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sip2",
        help="decode SIP2 messages to JSON, encode JSON to SIP2 (for reading logs)",
        description=__doc__.split("\n\n")[0],
    )
    sub = parser.add_subparsers(dest="sip2_command", metavar="ACTION", required=True)
    dec = sub.add_parser(
        "decode",
        help="read SIP2 messages, one a line, on stdin; print one JSON object per message",
        description=DECODE_DESCRIPTION,
    )
    dec.add_argument("--encoding", choices=ENCODINGS, default="cp850", help=ENCODING_HELP)
    dec.set_defaults(func=run_decode)
    enc = sub.add_parser(
        "encode",
        help="read JSON objects as `sip2 decode` prints them on stdin; print SIP2 messages",
        description=ENCODE_DESCRIPTION,
    )
    enc.add_argument("--encoding", choices=ENCODINGS, default="cp850", help=ENCODING_HELP)
    enc.add_argument(
        "--terminator",
        choices=tuple(TERMINATORS),
        default="LF",
        help="what ends each message: CR as on the wire, CRLF as Koha sends, "
        "LF for reading on a terminal (default: LF)",
    )
    enc.set_defaults(func=run_encode)


def run_decode(args: argparse.Namespace) -> int:
    out = _stdout()
    failed = False
    for line in _lines(sys.stdin.buffer):
        try:
            report = decoded_as_json(decode(line, args.encoding))
        except Sip2Error as exc:
            failed = True
            report = {"error": str(exc), "raw": _shown(line, args.encoding)}
        _write_json(out, report)
    return 1 if failed else 0


def run_encode(args: argparse.Namespace) -> int:
    out = _stdout()
    failed = False
    terminator = TERMINATORS[args.terminator]
    for number, line in enumerate(sys.stdin.buffer, start=1):
        if not line.strip():
            continue
        try:
            wire = encode(message_from_json(line), args.encoding, terminator)
        except (EncodeError, ValueError) as exc:
            failed = True
            _write_json(out, {"error": f"line {number}: {exc}"})
            continue
        out.write(wire)
        out.flush()
    return 1 if failed else 0


def decoded_as_json(decoded: Decoded) -> dict[str, object]:
    """The JSON form of a decoded message; `message_from_json` reads it back."""
    message = decoded.message
    report: dict[str, object] = {
        "command": message.command,
        "name": message.name,
        "fixed": dict(message.fixed),
        "fields": [[fid, value] for fid, value in message.fields],
        "sequence": message.sequence,
        "checksum": decoded.checksum.value,
    }
    if decoded.checksum_over_code_points:
        report["checksum_over"] = "code points"
    if decoded.warnings:
        report["warnings"] = list(decoded.warnings)
    escaped = [[fid, unescape(value)] for fid, value in message.fields if unescape(value) != value]
    if escaped:  # "fields" stay as on the wire (they encode back); these are what they say
        report["unescaped"] = escaped
    return report


def message_from_json(line: bytes | str) -> Message:
    """Build a message from one JSON line; ValueError says what is wrong with it."""
    try:
        data = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    if "error" in data:
        raise ValueError("this line is a decode error, there is no message to encode")
    command = _command(data)
    spec = SPECS[command]
    fixed = data.get("fixed", {})
    if not isinstance(fixed, dict) or not all(isinstance(v, str) for v in fixed.values()):
        raise ValueError("'fixed' must be an object of strings")
    names = [f.name for f in spec.fixed]
    unknown = sorted(set(fixed) - set(names))
    if unknown:
        raise ValueError(f"{spec.name} has no fixed field(s) {', '.join(unknown)}")
    missing = [name for name in names if name not in fixed]
    if missing:
        raise ValueError(f"{spec.name}: fixed field(s) missing: {', '.join(missing)}")
    sequence = data.get("sequence")
    if sequence is not None and (type(sequence) is not int or not 0 <= sequence <= 9):
        raise ValueError("'sequence' must be null or a digit 0-9")
    checksum = data.get("checksum", Checksum.ABSENT.value)
    if checksum not in {c.value for c in Checksum}:
        raise ValueError("'checksum' must be 'valid', 'invalid' or 'absent'")
    return Message(
        command,
        tuple((name, fixed[name]) for name in names),
        _fields(data.get("fields", [])),
        sequence,
        sequence is not None or checksum != Checksum.ABSENT.value,
    )


def _command(data: dict) -> str:
    command, name = data.get("command"), data.get("name")
    if command is None and isinstance(name, str) and name in SPECS_BY_NAME:
        return SPECS_BY_NAME[name].command
    if not isinstance(command, str) or command not in SPECS:
        raise ValueError(f"unknown command {command!r}")
    if name is not None and name != SPECS[command].name:
        raise ValueError(f"command {command} is {SPECS[command].name}, not {name!r}")
    return command


def _fields(fields: object) -> tuple[tuple[str, str], ...]:
    pairs = fields if isinstance(fields, list) else None
    if pairs is None or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in pairs
    ):
        raise ValueError("'fields' must be a list of [id, value] string pairs")
    return tuple((fid, value) for fid, value in pairs)


def _lines(stream: BinaryIO) -> Iterator[bytes]:
    """Messages one a line; a line may end in CR, CRLF or LF, and a capture may use CR alone."""
    for line in stream:
        for piece in _LINE_END.split(line):
            if piece:
                yield piece


def _shown(line: bytes, encoding: str) -> str:
    text = line[: RAW_SHOWN * 4].decode(encoding, errors="backslashreplace")
    if len(text) > RAW_SHOWN or len(line) > RAW_SHOWN * 4:
        return f"{text[:RAW_SHOWN]}... ({len(line)} bytes)"
    return text


def _stdout() -> BinaryIO:
    sys.stdout.flush()
    return sys.stdout.buffer


def _write_json(out: BinaryIO, report: dict[str, object]) -> None:
    # JSON is UTF-8 whatever the terminal's locale: the letters stay readable, never a crash.
    out.write(json.dumps(report, ensure_ascii=False).encode("utf-8") + b"\n")
    out.flush()
