"""`kiosk run` as a technician runs it: a separate process with its own Xvfb (no DISPLAY
given), exit codes checked. The autopilot's test is tests/kiosk/demo/test_autopilot.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "config" / "demo.toml"


def kiosk(*argv: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    command = [sys.executable, "-m", "kiosk", *argv]
    return subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def test_kiosk_run_starts_and_stops_on_a_virtual_display() -> None:
    done = kiosk(
        "--config",
        str(DEMO),
        "run",
        "--demo-session",
        "--virtual-display",
        "--windowed",
        "--exit-after",
        "1.5",
    )
    assert done.returncode == 0, done.stderr[-500:]


def test_kiosk_run_refuses_a_bad_ui_table_in_one_line(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[ui]\norientation = "sideways"\n', encoding="utf-8")
    done = kiosk("--config", str(config), "run", "--demo-session")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "ui.orientation" in done.stderr
