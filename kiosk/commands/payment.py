"""`kiosk payment decode|encode`: ZVT card-terminal messages as JSON, and back to hex.

Thin: the hex goes through device_drivers.payment (zvt_messages, zvt_serial, zvt_json). It
never opens a connection and never reads the configuration.

    decode:  06 1E 01 6C                   ->  {"command": "abort", "class_instr": "06 1E",
                                                "params": {"result_code": 108}, …,
                                                "result": "cancelled or timed out at the terminal"}
    decode:  10 02 06 01 … 10 03 59 58     ->  the APDU inside the serial frame, CRC checked
    encode:  {"command": "authorisation", "fields": [{"bmp": "04", "value": 750}]}
                                           ->  06 01 07 04 00 00 00 00 07 50
"""

from __future__ import annotations

import argparse
import json
import sys

from device_drivers.payment import zvt_codes, zvt_json, zvt_messages, zvt_serial
from device_drivers.payment.zvt_errors import ZvtEncodeError, ZvtProtocolError
from kiosk.commands.common import EXIT_REFUSED

DECODE_DESCRIPTION = (
    "Print a ZVT APDU as JSON: the command, its class/instr, each positional parameter, each "
    "BMP field and TLV object by name and value, and the amount in cents. HEX is the message "
    "in hex (spaces allowed), or '-' to read messages from stdin, one a line. A serial frame "
    "(starting 10 02) is unwrapped and its CRC checked. A message that cannot be decoded "
    'prints {"error": …} and the exit code is 1.'
)
ENCODE_DESCRIPTION = (
    "Print the hex of a ZVT message given as JSON in the form `kiosk payment decode` prints "
    "(fields may be named by 'bmp' hex tag or by 'name'). JSON is the object, or '-' to read "
    "objects from stdin, one a line. --serial wraps the APDU in a serial frame with its CRC."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "payment",
        help="decode ZVT card-terminal messages to JSON, encode JSON to ZVT (for reading logs)",
        description=__doc__.split("\n\n")[0],
    )
    sub = parser.add_subparsers(dest="payment_command", metavar="ACTION", required=True)
    dec = sub.add_parser("decode", help="print a ZVT APDU or serial frame as JSON",
                         description=DECODE_DESCRIPTION)  # fmt: skip
    dec.add_argument("hex", metavar="HEX|-", help="the message in hex, or - for stdin")
    dec.add_argument(
        "--after",
        metavar="CLASS_INSTR",
        help="the command this message answers, e.g. 0501 (a 06 0F after a status enquiry "
        "has its own layout)",
    )
    dec.set_defaults(func=run_decode)
    enc = sub.add_parser("encode", help="print the hex of a ZVT message given as JSON",
                         description=ENCODE_DESCRIPTION)  # fmt: skip
    enc.add_argument("json", metavar="JSON|-", help="the message as JSON, or - for stdin")
    enc.add_argument("--serial", action="store_true", help="wrap in DLE STX … DLE ETX CRC")
    enc.set_defaults(func=run_encode)


def run_decode(args: argparse.Namespace) -> int:
    after = _control(args.after) if args.after else None
    failed = False
    for line in _inputs(args.hex):
        report = decode_hex(line, after)
        failed = failed or "error" in report
        print(json.dumps(report, ensure_ascii=False), flush=True)
    return EXIT_REFUSED if failed else 0


def run_encode(args: argparse.Namespace) -> int:
    failed = False
    for line in _inputs(args.json):
        try:
            apdu = zvt_messages.encode(zvt_json.message_from_json(json.loads(line)))
        except (ValueError, ZvtEncodeError) as exc:
            failed = True
            print(json.dumps({"error": str(exc)}), flush=True)
            continue
        wire = zvt_serial.encode_frame(apdu) if args.serial else apdu
        print(wire.hex(" ").upper(), flush=True)
    return EXIT_REFUSED if failed else 0


def decode_hex(text: str, after: tuple[int, int] | None = None) -> dict[str, object]:
    """One message in hex as its JSON report ({"error": …} when it is not valid ZVT)."""
    try:
        raw = bytes.fromhex(text.replace(":", " "))
    except ValueError:
        return {"error": "not hex", "raw": text[:200]}
    serial = raw[:2] == bytes((zvt_serial.DLE, zvt_serial.STX))
    try:
        apdu = zvt_serial.decode_frame(raw) if serial else raw
        report = zvt_json.message_as_json(zvt_messages.decode(apdu, after))
    except (ValueError, ZvtProtocolError) as exc:
        return {"error": str(exc), "raw": raw.hex(" ").upper()[:600]}
    if serial:
        report["serial_frame"] = {"crc": "valid", "apdu": apdu.hex(" ").upper()}
    _explain(report)
    return report


def _explain(report: dict[str, object]) -> None:
    params = report["params"]
    fields = {f["name"]: f["value"] for f in report["fields"]}  # type: ignore[attr-defined]
    code = params.get("result_code", fields.get("result_code"))  # type: ignore[attr-defined]
    if isinstance(code, int):
        report["result"] = zvt_codes.result_text(code)
    if report["command"] == "negative_ack":
        report["result"] = zvt_codes.result_text(int(str(report["class_instr"])[-2:], 16))
    status = params.get("status")  # type: ignore[attr-defined]
    if report["command"] == "intermediate_status" and isinstance(status, int):
        report["status_text"] = zvt_codes.status_text(status)
    if isinstance(fields.get("card_type"), int):
        report["card"] = zvt_codes.card_type_name(fields["card_type"])  # type: ignore[arg-type]


def _control(text: str) -> tuple[int, int]:
    raw = bytes.fromhex(text.replace(" ", ""))
    if len(raw) != 2:
        raise argparse.ArgumentTypeError("--after takes CLASS INSTR, e.g. 0501")
    return raw[0], raw[1]


def _inputs(argument: str) -> list[str]:
    if argument != "-":
        return [argument]
    return [line.strip() for line in sys.stdin if line.strip()]
