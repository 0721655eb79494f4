"""No card number in any log line at any level, simulators included: a whole demo visit (the
autopilot on the real kiosk against the simulator fleet, in one process, so the simulators'
own log lines are captured too) logged at debug, every line searched for the demo patrons'
card numbers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CARDS = [p["card"] if "card" in p else p["barcode"] for p in json.loads(
    (ROOT / "simulators" / "ils" / "data" / "demo_library.json").read_text(encoding="utf-8")
)["patrons"]]  # fmt: skip


def demo_config(tmp_path: Path) -> Path:
    text = (ROOT / "config" / "demo.toml").read_text(encoding="utf-8")
    text = text.replace('data_dir = "var/demo"', f'data_dir = "{tmp_path / "var"}"')
    text = text.replace('listen = "127.0.0.1:9464"', 'listen = "127.0.0.1:0"')
    config = tmp_path / "demo.toml"
    config.write_text(text, encoding="utf-8")
    return config


@pytest.mark.timeout(240)
def test_a_whole_visit_logged_at_debug_shows_no_card_number(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path; from kiosk.logs import configure_logging;"
        "from kiosk.settings import load_settings; from kiosk.demo.autopilot import run_autopilot;"
        "configure_logging('debug', 'json', 'demo-1');"
        f"sys.exit(run_autopilot(load_settings(Path({str(demo_config(tmp_path))!r})),"
        f" Path({str(tmp_path / 'shots')!r}), languages=('en',)))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True,
        timeout=220,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    lines = done.stderr.splitlines()
    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert sum(r["level"] == "debug" for r in records) > 50  # debug really was on
    assert any("SIP2" in r["msg"] or "sip2" in r["logger"] for r in records)  # wire lines too
    leaks = [line for line in lines for card in CARDS if card in line]
    assert leaks == [], leaks[:5]
