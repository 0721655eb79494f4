"""`kiosk ils patron --pin WRONG` says "wrong PIN" and prints nothing about the patron."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import main
from simulators.ils.simulator import IlsSimulator


@pytest.fixture
def sim() -> Iterator[IlsSimulator]:
    with IlsSimulator(encoding="utf-8") as simulator:
        yield simulator


def kiosk(tmp_path: Path, port: int, *args: str) -> int:
    config = tmp_path / "kiosk.toml"
    config.write_text(
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
    return main(["--config", str(config), "ils", *args])


def test_wrong_pin_says_so_and_shows_no_contact_details(
    sim: IlsSimulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert kiosk(tmp_path, sim.port, "patron", "2100000001", "--pin", "9999") == 1
    captured = capsys.readouterr()
    assert "wrong PIN" in captured.err
    everything = captured.out + captured.err
    for secret in ("ona.zemaityte@example.lt", "+37060000001", "Žemaitytė", "Laisvės"):
        assert secret not in everything


def test_right_pin_still_prints_the_patron(
    sim: IlsSimulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert kiosk(tmp_path, sim.port, "patron", "2100000001", "--pin", "1234") == 0
    assert "wrong PIN" not in capsys.readouterr().err
