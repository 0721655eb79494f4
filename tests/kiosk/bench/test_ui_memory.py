"""`kiosk bench ui-memory` end to end, small: the app as `kiosk run` builds it, over the real
core, against the demo fleet, two visits by taps. The figures are not judged here (a noisy
machine); that the visits complete through the real parts and the JSON says so is."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a memory benchmark of two visits

ROOT = Path(__file__).resolve().parents[3]


def kiosk(*argv: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kiosk", *argv]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_two_visits_through_the_real_core_report_memory() -> None:
    done = kiosk("--config", "config/demo.toml", "bench", "ui-memory", "--sessions", "4")
    assert done.returncode == 0, done.stderr[-800:]
    (line,) = done.stdout.splitlines()  # one JSON object, nothing else on stdout
    result = json.loads(line)
    assert result["benchmark"] == "ui-memory" and result["sessions"] == 4
    assert 50 < result["rss_mb_after_first_visit"] <= result["rss_mb_after_last"] + 50
    # two visits: two loans and two returns each, recorded by the real outbox
    assert result["outbox_entries_done"] >= 8


def test_a_configuration_without_a_pad_is_refused_in_one_line(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[kiosk]\nid = "k1"\n', encoding="utf-8")
    done = kiosk("--config", str(config), "bench", "ui-memory", "--sessions", "2")
    assert done.returncode == 2
    assert "[ils] and [rfid]" in done.stderr and "Traceback" not in done.stderr
