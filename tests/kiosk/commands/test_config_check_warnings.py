"""`kiosk config check` warns (stderr, exit 0) when [ils] is missing: the app would run the demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main

ROOT = Path(__file__).resolve().parents[3]


def test_missing_ils_table_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[kiosk]\nid = "k"\n', encoding="utf-8")
    assert main(["--config", str(config), "config", "check"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["kiosk"]["id"] == "k"
    assert "warning: no [ils] table" in captured.err and "scripted demo" in captured.err


def test_a_configured_ils_gives_no_warning(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(ROOT / "config/demo.toml"), "config", "check"]) == 0
    assert "warning" not in capsys.readouterr().err
