"""`kiosk payment decode|encode` on messages as other implementations write them."""

from __future__ import annotations

import argparse
import json

import pytest

from kiosk.commands import payment


def main(argv: list[str]) -> int:
    """The `kiosk payment` subcommand alone, so the test does not depend on every other one."""
    parser = argparse.ArgumentParser(prog="kiosk")
    payment.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


STATUS_INFO = (
    "04 0F 39 27 00 04 000000001234 0B 000042 0C 134501 0D 1206 87 0017 29 52500001"
    " 8A 0A 8B F0 F4 56495341 22 F0 F8 411111EEEEEE1111 3B 3030303132330000"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[dict]]:
    code = main(["payment", *argv])
    out = capsys.readouterr().out
    return code, [json.loads(line) if line.startswith("{") else line for line in out.splitlines()]


def test_decode_status_information(capsys: pytest.CaptureFixture[str]) -> None:
    code, [report] = run(capsys, "decode", STATUS_INFO)
    assert code == 0
    assert report["command"] == "status_information" and report["class_instr"] == "04 0F"
    assert report["amount_cents"] == 1234
    fields = {f["name"]: f["value"] for f in report["fields"]}
    assert fields["trace_number"] == 42 and fields["receipt_number"] == 17
    assert fields["card_name"] == "VISA" and fields["pan"] == "411111EEEEEE1111"
    assert report["result"] == "approved" and report["card"] == "Visa"


def test_decode_abort_with_result_code(capsys: pytest.CaptureFixture[str]) -> None:
    code, [report] = run(capsys, "decode", "061E016C")
    assert code == 0 and report["params"] == {"result_code": 0x6C}
    assert report["result"] == "cancelled or timed out at the terminal"


def test_decode_serial_frame_checks_crc(capsys: pytest.CaptureFixture[str]) -> None:
    code, [good] = run(capsys, "decode", "10 02 06 01 07 04 00 00 00 00 51 10 10 10 03 59 58")
    assert code == 0 and good["amount_cents"] == 5110 and good["serial_frame"]["crc"] == "valid"
    code, [bad] = run(capsys, "decode", "10 02 06 01 07 04 00 00 00 00 51 10 10 10 03 59 59")
    assert code == 1 and "CRC" in bad["error"]


def test_decode_garbage_reports_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    code, [report] = run(capsys, "decode", "06 01 02 77 00")
    assert code == 1 and "unknown BMP 77" in report["error"]


def test_encode_is_the_reverse_of_decode(capsys: pytest.CaptureFixture[str]) -> None:
    _, [report] = run(capsys, "decode", STATUS_INFO)
    code, [wire] = run(capsys, "encode", json.dumps(report))
    assert code == 0 and wire.replace(" ", "") == STATUS_INFO.replace(" ", "").upper()


def test_encode_serial_and_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    message = {"command": "authorisation", "fields": [{"name": "amount", "value": 5110}]}
    code, [wire] = run(capsys, "encode", "--serial", json.dumps(message))
    assert code == 0 and wire == "10 02 06 01 07 04 00 00 00 00 51 10 10 10 03 59 58"


def test_encode_refuses_what_cannot_be_written(capsys: pytest.CaptureFixture[str]) -> None:
    code, [report] = run(capsys, "encode", '{"command": "authorisation", "fields": '
                         '[{"bmp": "04", "value": 10000000000000}]}')  # fmt: skip
    assert code == 1 and "does not fit" in report["error"]


def test_help_names_the_actions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["payment", "decode", "--help"])
    assert "serial frame" in capsys.readouterr().out
