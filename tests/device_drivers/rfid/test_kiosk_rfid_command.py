"""`kiosk rfid decode/encode` and the [rfid] settings table."""

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.settings import ConfigError, load_settings


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().out.strip()


def test_encode_then_decode(capsys: pytest.CaptureFixture[str]) -> None:
    code, memory = run(
        [
            "rfid",
            "encode",
            "--item",
            "3010856677",
            "--library",
            "DK-718500",
            "--part",
            "2",
            "--of",
            "3",
        ],
        capsys,
    )
    assert code == 0
    code, out = run(["rfid", "decode", memory], capsys)
    assert code == 0
    assert json.loads(out) | {"extensions": []} == {
        "model": "iso28560-3",
        "primary_item_id": "3010856677",
        "owner_library": "DK718500",
        "part_number": 2,
        "parts_in_set": 3,
        "type_of_usage": 1,
        "crc_valid": True,
        "block_order": "normal",
        "nibble_order": "version-high",
        "extensions": [],
        "crc_order": "lsb-first",
    }


def test_reversed_and_iso28560_2(capsys: pytest.CaptureFixture[str]) -> None:
    _, memory = run(
        [
            "rfid",
            "encode",
            "--item",
            "X-1",
            "--library",
            "LT-1000101",
            "--model",
            "iso28560-2",
            "--block-order",
            "reversed",
        ],
        capsys,
    )
    code, out = run(["rfid", "decode", memory, "--model", "iso28560-2"], capsys)
    decoded = json.loads(out)
    assert (code, decoded["owner_library"], decoded["block_order"]) == (0, "LT-1000101", "reversed")


def test_not_a_library_tag(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(["rfid", "decode", "04110001" + "31" * 10 + "00" * 18], capsys)
    assert code == 1
    assert "error" in json.loads(out)


def test_damaged_tag_shown_with_ignore_crc(capsys: pytest.CaptureFixture[str]) -> None:
    _, memory = run(["rfid", "encode", "--item", "1", "--library", "LT1"], capsys)
    damaged = memory[:4] + "07" + memory[6:]  # part 7 of 1: the CRC no longer matches
    code, out = run(["rfid", "decode", damaged], capsys)
    assert (code, json.loads(out)["crc_valid"], json.loads(out)["part_number"]) == (0, False, 7)
    code, out = run(["rfid", "decode", damaged, "--ignore-crc"], capsys)
    assert (code, json.loads(out)["crc_valid"]) == (0, False)


def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rfid", "decode", "zz"]) == 2
    assert (
        main(["rfid", "encode", "--item", "1", "--library", "L", "--part", "3", "--of", "2"]) == 2
    )
    assert main(["rfid", "encode", "--item", "X" * 17, "--library", "L"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 3


def test_rfid_settings(tmp_path: Path) -> None:
    path = tmp_path / "k.toml"
    path.write_text(
        '[rfid]\nurl = "socket://127.0.0.1:10001"\nafi_checked_in = 0xD7\nafi_checked_out = 0xDA\n',
        encoding="utf-8",
    )
    rfid = load_settings(path).rfid
    assert (rfid.afi_checked_in, rfid.afi_checked_out, rfid.parity) == (0xD7, 0xDA, "E")
    path.write_text(
        '[rfid]\nurl = "loop://"\nafi_checked_in = 7\nafi_checked_out = 7\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match=r"rfid: .*must differ"):
        load_settings(path)
    path.write_text("[rfid]\nbaudrate = 9600\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"rfid\.url: required key is missing"):
        load_settings(path)


@pytest.fixture
def sim_config(tmp_path: Path):
    from simulators.rfid.app import RfidSimulator

    sim = RfidSimulator(time_scale=0.0, control_port=None).start()
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[log]\nlevel = "error"\n[rfid]\nurl = "{sim.tcp.url}"\ninventory_interval_s = 0.0\n'
        "arrive_rounds = 1\n",
        encoding="utf-8",
    )
    yield sim, str(path)
    sim.stop()


def test_inventory_secure_and_watch(sim_config, capsys: pytest.CaptureFixture[str]) -> None:
    sim, config = sim_config
    uid = sim.place({"item": "3010856677"})["uid"]
    sim.place({"kind": "blank"})
    code, out = run(["--config", config, "rfid", "inventory"], capsys)
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert sorted(line["kind"] for line in lines) == ["foreign", "item"]
    code, out = run(["--config", config, "rfid", "unsecure", uid], capsys)
    assert (code, json.loads(out)["attempts"]) == (0, 1)
    assert sim.model.tag(uid).afi == 0xC2
    sim.fault({"uid": uid, "write_fault": "silent"})
    assert main(["--config", config, "rfid", "secure", uid]) == 1
    assert "not verified" in capsys.readouterr().err
    code, out = run(["--config", config, "rfid", "watch", "--seconds", "0.5"], capsys)
    events = [json.loads(line)["event"] for line in out.splitlines()]
    assert events[0] == "TagsArrived" and events[-1] == "TagsLeft"


def test_reader_unreachable_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[rfid]\nurl = "socket://127.0.0.1:1"\ntimeout_s = 0.3\n', encoding="utf-8")
    assert main(["--config", str(path), "rfid", "inventory"]) == 3
    assert "cannot open" in capsys.readouterr().err
