"""The autopilot as a technician runs it: a separate process with its own Xvfb (no DISPLAY
given). Called without `kiosk demo`'s simulators it starts a fleet of its own on free ports and
drives the REAL kiosk (kiosk.wiring.assembly.build_kiosk) over it; every step must reach its screen
and leave a screenshot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # the whole fleet and autopilot (test_kiosk_wiring drives it too)

ROOT = Path(__file__).resolve().parents[3]


def demo_config(tmp_path: Path) -> Path:
    """config/demo.toml with its files in tmp_path and /metrics on a free port."""
    text = (ROOT / "config" / "demo.toml").read_text(encoding="utf-8")
    text = text.replace('data_dir = "var/demo"', f'data_dir = "{tmp_path / "var"}"')
    text = text.replace('listen = "127.0.0.1:9464"', 'listen = "127.0.0.1:0"')
    config = tmp_path / "demo.toml"
    config.write_text(text, encoding="utf-8")
    return config


@pytest.mark.timeout(200)
def test_autopilot_starts_its_own_fleet_and_reaches_every_screen(tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    script = (
        "import sys; from pathlib import Path;"
        "from kiosk.settings import load_settings; from kiosk.demo.autopilot import run_autopilot;"
        f"sys.exit(run_autopilot(load_settings(Path({str(demo_config(tmp_path))!r})),"
        f" Path({str(shots)!r}), languages=('en',)))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    pngs = sorted(shots.glob("en-*.png"))
    assert len(pngs) >= 12
    assert all(png.stat().st_size > 10_000 for png in pngs)
    assert any("pickup-closed" in png.name for png in pngs)  # the locker simulator's door
    assert "FAIL" not in done.stdout


def test_without_an_ils_table_the_autopilot_says_what_is_missing(tmp_path: Path) -> None:
    from kiosk.demo.autopilot import run_autopilot
    from kiosk.settings import Settings

    assert run_autopilot(Settings(), tmp_path) == 1
