"""`kiosk` itself: help, configuration errors as one line with exit 2, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli import main

ROOT = Path(__file__).resolve().parents[3]


def test_help_lists_the_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for name in ("config", "ils", "sim", "bench"):
        assert name in out


def test_config_check_prints_tables_without_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(ROOT / "config/demo.toml"), "config", "check"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["ils"]["port"] == 6001
    assert summary["ils"]["password"] == "**********"


def test_bad_config_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "kiosk.toml"
    bad.write_text('[ils]\nhost = "x"\nport = 70000\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(bad), "ils", "status"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert f"{bad}: ils.port:" in lines[0] and "65535" in lines[0]


def test_config_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "missing.toml"))
    assert main(["config", "check"]) == 2


def test_ils_command_without_ils_table_is_a_usage_error(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[kiosk]\nid = "k"\n', encoding="utf-8")
    assert main(["--config", str(config), "ils", "status"]) == 2


def test_unknown_subcommand_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["frobnicate"])
    assert exit_.value.code == 2
