"""`kiosk ils …` against the ILS simulator: JSON out, exit 0 ok / 1 refused / 3 unreachable."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import main
from simulators.ils.simulator import IlsSimulator


@pytest.fixture
def sim() -> Iterator[IlsSimulator]:
    with IlsSimulator(encoding="utf-8") as simulator:
        yield simulator


def config_for(tmp_path: Path, port: int) -> str:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f"""[ils]
host = "127.0.0.1"
port = {port}
username = "kiosk1"
password = "demo"
institution = "AVB"
location = "ABONEMENTAS"
encoding = "utf-8"
timeout_s = 10.0
keepalive_s = 0
""",
        encoding="utf-8",
    )
    return str(path)


def kiosk(config: str, *args: str) -> int:
    return main(["--config", config, "ils", *args])


def test_status_lists_supported_messages(
    sim: IlsSimulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert kiosk(config_for(tmp_path, sim.port), "status") == 0
    status = json.loads(capsys.readouterr().out)
    assert status["online"] and "11" in status["supported"]


def test_patron_masks_the_card_and_refuses_a_wrong_pin(
    sim: IlsSimulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_for(tmp_path, sim.port)
    assert kiosk(config, "patron", "2100000001", "--pin", "1234") == 0
    out = capsys.readouterr().out
    patron = json.loads(out)
    assert patron["name"] == "Ona Žemaitytė" and patron["card"].endswith("0001")
    assert "2100000001" not in out and "1234" not in out.replace("9786090100", "")
    assert kiosk(config, "patron", "2100000001", "--pin", "9999") == 1


def test_checkout_checkin_renew_exit_codes(
    sim: IlsSimulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = config_for(tmp_path, sim.port)
    assert kiosk(config, "checkout", "2100000002", "9786090100011") == 0
    assert json.loads(capsys.readouterr().out)["title"] == "Metai"
    assert kiosk(config, "checkout", "2100000001", "9786090100011") == 1
    refusal = capsys.readouterr().err
    assert refusal.strip()
    assert kiosk(config, "renew", "2100000002", "9786090100011") == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    assert kiosk(config, "checkin", "9786090100011") == 0
    assert json.loads(capsys.readouterr().out)["item_id"] == "9786090100011"
    assert sim.library.count("checkout", "9786090100011") == 1


def test_unreachable_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with IlsSimulator() as stopped:
        port = stopped.port
    assert kiosk(config_for(tmp_path, port), "status") == 3
    assert "unreachable" in capsys.readouterr().err
