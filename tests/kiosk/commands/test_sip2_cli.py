"""`kiosk sip2 decode|encode`, run in-process through kiosk.cli.main with real stdin bytes, and
once through the installed `kiosk` script."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from backend_sync.sip2.codec import ENCODINGS, Checksum, Message, decode, encode, make
from kiosk.bench.sip2_codec import build_mix
from kiosk.cli import build_parser, main

FIXTURE = Path(__file__).parents[2] / "fixtures" / "sip2" / "messages.json"
VECTORS = json.loads(FIXTURE.read_text("utf-8"))["messages"]
DATE = "20261125    143000"


def _run(monkeypatch, capsysbinary, argv: list[str], data: bytes) -> tuple[int, bytes, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code = main(argv)
    captured = capsysbinary.readouterr()
    return code, captured.out, captured.err.decode()


def _json_lines(out: bytes) -> list[dict]:
    return [json.loads(line) for line in out.decode("utf-8").splitlines()]


def _wire(encoding: str, terminator: bytes = b"\r") -> bytes:
    """Every fixture message with error detection, in `encoding`, one after the other."""
    parts = []
    for number, vector in enumerate(VECTORS):
        base = make(vector["command"], vector["fixed"], [tuple(f) for f in vector["fields"]])
        message = Message(base.command, base.fixed, base.fields, number % 10, True)
        parts.append(encode(message, encoding, terminator))
    return b"".join(parts)


def test_decode_prints_the_documented_json(monkeypatch, capsysbinary) -> None:
    code, out, err = _run(monkeypatch, capsysbinary, ["sip2", "decode"], _wire("cp850"))
    assert (code, err) == (0, "")
    reports = _json_lines(out)
    assert [r["command"] for r in reports] == [v["command"] for v in VECTORS]
    patron = reports[[v["command"] for v in VECTORS].index("64")]
    assert list(patron) == ["command", "name", "fixed", "fields", "sequence", "checksum"]
    assert patron["name"] == "patron_information_response"
    assert list(patron["fixed"])[:3] == ["patron_status", "language", "transaction_date"]
    assert patron["fixed"]["charged_items_count"] == "0003"
    assert [f for f in patron["fields"] if f[0] == "AU"] == [
        ["AU", "39999000000017"], ["AU", "39999000000024"], ["AU", "39999000000031"],
    ]  # fmt: skip
    assert patron["fields"][-2:] == [["XI", "12345"], ["PA", "20271231"]]
    assert (patron["sequence"], patron["checksum"]) == (9, "valid")


def test_decode_keeps_lithuanian_letters_readable(monkeypatch, capsysbinary) -> None:
    argv = ["sip2", "decode", "--encoding", "utf-8"]
    _, out, _ = _run(monkeypatch, capsysbinary, argv, _wire("utf-8"))
    checkout = next(r for r in _json_lines(out) if r["command"] == "12")
    assert ["AJ", "„Metai“ – Kristijonas Donelaitis"] in checkout["fields"]
    assert "„Metai“".encode() in out


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("terminator", ["CR", "CRLF", "LF"])
def test_encode_of_decode_gives_the_same_bytes(
    monkeypatch, capsysbinary, encoding: str, terminator: str
) -> None:
    ending = {"CR": b"\r", "CRLF": b"\r\n", "LF": b"\n"}[terminator]
    wire = _wire(encoding, ending)
    argv = ["sip2", "decode", "--encoding", encoding]
    code, decoded, _ = _run(monkeypatch, capsysbinary, argv, wire)
    assert code == 0
    argv = ["sip2", "encode", "--encoding", encoding, "--terminator", terminator]
    code, encoded, _ = _run(monkeypatch, capsysbinary, argv, decoded)
    assert code == 0
    assert encoded == wire


@pytest.mark.parametrize(
    "data",
    [
        b"941\r97AZFEF5\r",
        b"941\r\n97AZFEF5\r\n",
        b"941\n97AZFEF5\n",
        b"941\n97AZFEF5",  # a log line with the CR stripped and no final newline
        b"941\r\n\n\r97AZFEF5\r",  # blank lines are skipped
    ],
)
def test_decode_accepts_every_line_ending(monkeypatch, capsysbinary, data: bytes) -> None:
    code, out, _ = _run(monkeypatch, capsysbinary, ["sip2", "decode"], data)
    assert code == 0
    assert [(r["command"], r["checksum"]) for r in _json_lines(out)] == [
        ("94", "absent"), ("97", "valid"),
    ]  # fmt: skip


def test_decode_reports_invalid_checksums_code_points_and_missing_fields(
    monkeypatch, capsysbinary
) -> None:
    text = "121NNY" + DATE + "AOLTAPS|AJŽemaitė|AY2AZ"
    by_code_points = f"{(-sum(map(ord, text))) & 0xFFFF:04X}"
    data = b"9900302.00AY1AZFCA6\n" + (text + by_code_points).encode() + b"\n"
    code, out, _ = _run(monkeypatch, capsysbinary, ["sip2", "decode", "--encoding", "utf-8"], data)
    bad, code_points = _json_lines(out)
    assert code == 0
    assert bad["checksum"] == "invalid"
    assert "checksum_over" not in bad
    assert code_points["checksum"] == "valid"
    assert code_points["checksum_over"] == "code points"
    assert code_points["warnings"] == [
        "required field AA is missing", "required field AB is missing",
        "required field AH is missing",
    ]  # fmt: skip


def test_decode_goes_on_after_bad_lines_and_fails_at_the_end(monkeypatch, capsysbinary) -> None:
    huge = b"64" + b"A" * 1_000_000
    data = b"\n".join([b"941", b"garbage", b"\x00\xff\xfe", b"6400", huge, b"97AZFEF5"])
    code, out, _ = _run(monkeypatch, capsysbinary, ["sip2", "decode", "--encoding", "utf-8"], data)
    reports = _json_lines(out)
    assert code == 1
    assert [r.get("command") for r in reports] == ["94", None, None, None, None, "97"]
    assert reports[1] == {"error": "unknown command 'ga'", "raw": "garbage"}
    assert reports[2]["raw"] == "\x00\\xff\\xfe"  # JSON escapes the NUL, we the bad bytes
    assert "truncated" in reports[3]["error"]
    assert "longer than the limit" in reports[4]["error"]
    assert reports[4]["raw"].endswith("... (1000002 bytes)")
    assert len(reports[4]["raw"]) < 300


def test_decode_prints_what_the_log_holds_including_a_pin(monkeypatch, capsysbinary) -> None:
    # The technician's own capture: decode shows it as is (kiosk logs are redacted already).
    _, out, _ = _run(monkeypatch, capsysbinary, ["sip2", "decode"], b"9300CNkiosk|COslaptas|\n")
    assert _json_lines(out)[0]["fields"] == [["CN", "kiosk"], ["CO", "slaptas"]]


@pytest.mark.parametrize(
    ("report", "wire"),
    [
        ({"command": "97", "fixed": {}, "fields": [], "sequence": None, "checksum": "valid"},
         b"97AZFEF5"),
        ({"command": "97", "sequence": None, "checksum": "invalid"}, b"97AZFEF5"),
        ({"command": "97", "sequence": None, "checksum": "absent"}, b"97"),
        ({"command": "97"}, b"97"),
        ({"name": "request_sc_resend", "checksum": "valid"}, b"96AZFEF6"),
        ({"command": "99", "fixed": {"status_code": "0", "max_print_width": "030",
                                     "protocol_version": "2.00"}, "sequence": 1},
         b"9900302.00AY1AZFCA5"),
        ({"command": "94", "fixed": {"ok": "1"}, "fields": [], "sequence": 0,
          "checksum": "absent", "warnings": ["ignored"], "checksum_over": "code points"},
         b"941AY0AZFDFD"),  # 0x10000 - (0x39+0x34+0x31+0x41+0x59+0x30+0x41+0x5A)
    ],
)  # fmt: skip
def test_encode_trailer_follows_sequence_and_checksum(
    monkeypatch, capsysbinary, report: dict, wire: bytes
) -> None:
    data = json.dumps(report).encode() + b"\n"
    code, out, _ = _run(monkeypatch, capsysbinary, ["sip2", "encode", "--terminator", "CR"], data)
    assert (code, out) == (0, wire + b"\r")


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"error": "unknown command", "raw": "xx"}', "decode error"),
        (b'{"command": "XX"}', "unknown command 'XX'"),
        (b'{"command": 97}', "unknown command 97"),
        (b'{"command": "97", "name": "login"}', "command 97 is request_acs_resend, not 'login'"),
        (b'{"command": "94", "fixed": {}}', "fixed field(s) missing: ok"),
        (b'{"command": "94", "fixed": {"ok": "1", "okay": "1"}}', "no fixed field(s) okay"),
        (b'{"command": "94", "fixed": {"ok": 1}}', "'fixed' must be an object of strings"),
        (b'{"command": "94", "fixed": {"ok": "11"}}', "must be 1 characters"),
        (b'{"command": "97", "fields": [["AJ", "a|b"]]}', "delimiter"),
        (b'{"command": "97", "fields": [["AJ"]]}', "'fields' must be a list"),
        (b'{"command": "97", "fields": {"AJ": "x"}}', "'fields' must be a list"),
        (b'{"command": "97", "sequence": 10}', "'sequence' must be null or a digit"),
        (b'{"command": "97", "sequence": "1"}', "'sequence' must be null or a digit"),
        (b'{"command": "97", "sequence": true}', "'sequence' must be null or a digit"),
        (b'{"command": "97", "checksum": "maybe"}', "'checksum' must be"),
        (b"\xff\xfe", "not JSON"),
    ],
)
def test_encode_reports_bad_lines_and_goes_on(
    monkeypatch, capsysbinary, line: bytes, complaint: str
) -> None:
    data = b'{"command": "94", "fixed": {"ok": "1"}}\n' + line + b"\n\n" + b'{"command": "97"}\n'
    code, out, _ = _run(monkeypatch, capsysbinary, ["sip2", "encode"], data)
    first, error, last = out.split(b"\n")[:3]
    assert code == 1
    assert (first, last) == (b"941", b"97")
    report = json.loads(error)
    assert report["error"].startswith("line 2: ")
    assert complaint in report["error"]


def test_encode_strips_diacritics_cp850_cannot_hold(monkeypatch, capsysbinary) -> None:
    report = {"command": "97", "fields": [["AF", "Ačiū! „Metai“ grąžinti iki 12-16"]]}
    _, out, _ = _run(monkeypatch, capsysbinary, ["sip2", "encode"], json.dumps(report).encode())
    assert out == b'97AFAciu! "Metai" grazinti iki 12-16|\n'


def _walk(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action.choices.values():
                yield from _walk(choice)
        else:
            yield parser.prog, action


def test_every_sip2_option_has_help() -> None:
    sip2 = [(prog, a) for prog, a in _walk(build_parser()) if prog.startswith("kiosk sip2")]
    assert {prog for prog, _ in sip2} == {"kiosk sip2", "kiosk sip2 decode", "kiosk sip2 encode"}
    for prog, action in sip2:
        assert action.help, f"{prog} {action.option_strings} has no help"


def test_help_runs(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["sip2", "encode", "--help"])
    assert exit_.value.code == 0
    assert "--terminator" in capsys.readouterr().out


def test_a_bad_encoding_name_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["sip2", "decode", "--encoding", "koi8-r"])
    assert exit_.value.code == 2
    assert "invalid choice: 'koi8-r'" in capsys.readouterr().err


def test_the_installed_command_decodes_and_encodes() -> None:
    kiosk = Path(sys.executable).parent / "kiosk"
    wire = _wire("cp1257")
    decoded = subprocess.run(
        [kiosk, "sip2", "decode", "--encoding", "cp1257"],
        input=wire, capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    assert len(decoded.stdout.splitlines()) == len(VECTORS)
    assert "Žemaitė".encode() in decoded.stdout
    encoded = subprocess.run(
        [kiosk, "sip2", "encode", "--encoding", "cp1257", "--terminator", "CR"],
        input=decoded.stdout, capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    assert encoded.stdout == wire
    assert encoded.stderr == b""


def test_the_codec_benchmark_prints_its_figures(capsys) -> None:
    assert main(["bench", "sip2-codec", "--messages", "40", "--repeat", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["messages"] == 40
    assert sum(report["mix"].values()) == 40
    assert report["mix"]["11"] == 8  # 4 in every cycle of 20
    for key in ("decode_per_s", "encode_per_s", "roundtrip_per_s", "baseline_per_s"):
        assert report[key] > 0
    assert report["meets_budget"] == (report["decode_per_s"] >= report["budget_per_s"])


def test_the_benchmark_mix_is_valid_sip2() -> None:
    for message in build_mix(20):
        decoded = decode(encode(message, "utf-8"), "utf-8")
        assert decoded.message == message
        assert (decoded.checksum, decoded.warnings) == (Checksum.VALID, ())
