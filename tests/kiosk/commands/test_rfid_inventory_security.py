"""`kiosk rfid inventory` shows each tag's security state (AFI, and EAS when the library uses
it): what a technician checks after wiring a reader. Against the RFID simulator on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from simulators.rfid.app import RfidSimulator


@pytest.fixture
def sim():
    simulator = RfidSimulator(time_scale=0.0, control_port=None).start()
    yield simulator
    simulator.stop()


def inventory(sim: RfidSimulator, tmp_path: Path, capsys, extra: str = "") -> dict[str, dict]:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[log]\nlevel = "error"\n[rfid]\nurl = "{sim.tcp.url}"\n{extra}')
    assert main(["--config", str(path), "rfid", "inventory"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return {line["uid"]: line for line in lines}


def test_each_tag_shows_its_afi_state(sim, tmp_path: Path, capsys) -> None:
    shelf = sim.place({"item": "3010856677"})["uid"]
    on_loan = sim.place({"item": "3010856678"})["uid"]
    odd = sim.place({"item": "3010856679"})["uid"]
    sim.model.write_afi(on_loan, 0xC2)
    sim.model.write_afi(odd, 0x00)
    tags = inventory(sim, tmp_path, capsys)
    assert tags[shelf]["security"] == {
        "afi": "0x07", "secured": True, "eas": None, "state": "AFI 0x07: checked in (secured)",
    }  # fmt: skip
    assert tags[on_loan]["security"]["secured"] is False
    assert "checked out (on loan)" in tags[on_loan]["security"]["state"]
    assert tags[odd]["security"]["secured"] is None
    assert "neither" in tags[odd]["security"]["state"]


def test_eas_is_shown_when_the_library_uses_it(sim, tmp_path: Path, capsys) -> None:
    uid = sim.place({"item": "3010856677"})["uid"]
    sim.model.set_eas(uid, False)
    tags = inventory(sim, tmp_path, capsys, "use_eas = true\n")
    assert tags[uid]["security"]["eas"] is False
    assert tags[uid]["security"]["state"].endswith("EAS off")


def test_a_tag_whose_memory_cannot_be_read_still_shows_its_security(
    sim, tmp_path: Path, capsys
) -> None:
    good = sim.place({"item": "3010856677"})["uid"]
    bad = sim.place({"item": "3010856678"})["uid"]
    sim.fault({"uid": bad, "unreadable": True})
    tags = inventory(sim, tmp_path, capsys)
    assert tags[good]["security"]["secured"] is True
    assert tags[bad]["kind"] == "unreadable" and tags[bad]["problem"]
    assert tags[bad]["security"]["secured"] is True  # system info still answers


def test_decode_says_odd_number_of_hex_digits(capsys) -> None:
    assert main(["rfid", "decode", "ABC"]) == 2
    assert "odd number of hex digits (3)" in capsys.readouterr().err
    assert main(["rfid", "decode", "XYZ1"]) == 2
    assert "not hex" in capsys.readouterr().err
