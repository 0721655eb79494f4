"""`kiosk printer test|status` and `kiosk sim printer --last|fault|status`, run in-process
against a simulator on a free port."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.cli import main
from simulators.printer.server import PrinterSimulator, SimulatorOptions


@pytest.fixture
def simulator(tmp_path: Path) -> Iterator[PrinterSimulator]:
    sim = PrinterSimulator(SimulatorOptions(out_dir=tmp_path / "sim", port=0, pty=False)).start()
    yield sim
    sim.stop()


def config(tmp_path: Path, sim: PrinterSimulator, extra: str = "") -> str:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[kiosk]\nid = "t-1"\nlibrary_name = "Biblioteka"\n[log]\nlevel = "error"\n'
        f'[printer]\nurl = "tcp://127.0.0.1:{sim.port}"\nstatus_timeout_s = 0.5\n{extra}',
        encoding="utf-8",
    )
    return str(path)


def test_printer_test_prints_every_letter_and_a_qr(
    tmp_path: Path, simulator: PrinterSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", config(tmp_path, simulator), "printer", "test", "--lang", "lt"]) == 0
    assert json.loads(capsys.readouterr().out)["status"]["ready"] is True
    text = simulator.model.last_receipt().text
    for expected in (
        "ąčęėįšųūž",
        "ĄČĘĖĮŠŲŪŽ",
        "„Knyga“ 1,20 €",
        "[QR: knygomatas printer test t-1]",
    ):
        assert expected in text
    assert main(["sim", "printer", "--last", "--out", str(simulator.out_dir)]) == 0
    assert "Spausdintuvo bandymas" in capsys.readouterr().out


def test_printer_status_and_faults_from_the_command_line(
    tmp_path: Path, simulator: PrinterSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = config(tmp_path, simulator)
    out = str(simulator.out_dir)
    assert main(["sim", "printer", "--out", out, "fault", "paper-out"]) == 0
    capsys.readouterr()
    assert main(["--config", cfg, "printer", "status"]) == 0
    assert json.loads(capsys.readouterr().out)["paper_out"] is True
    assert main(["--config", cfg, "printer", "test"]) == 1
    assert "out of paper (paper_out)" in capsys.readouterr().err
    assert main(["sim", "printer", "--out", out, "fault", "clear"]) == 0
    assert main(["sim", "printer", "--out", out, "status"]) == 0
    assert '"paper": "ok"' in capsys.readouterr().out.splitlines()[-1]


def test_unreachable_printer_and_bad_profile_exit_codes(
    tmp_path: Path, simulator: PrinterSimulator, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_profile = config(tmp_path, simulator, 'profile = "no-such-printer"\n')
    assert main(["--config", bad_profile, "printer", "status"]) == 2
    assert "unknown printer profile" in capsys.readouterr().err
    cfg = config(tmp_path, simulator)
    simulator.stop()
    assert main(["--config", cfg, "printer", "status"]) == 3
    assert main(["sim", "printer", "--last", "--out", str(tmp_path / "empty")]) == 2
