"""`kiosk bench metrics-scrape` runs and its sample count matches the exposition model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_bench_prints_one_json_object_with_the_model_met() -> None:
    command = [sys.executable, "-m", "kiosk", "bench", "metrics-scrape"]
    command += ["--scrapes", "5", "--boards", "3", "--refusals", "4"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["samples"]["exported"] == result["samples"]["expected"]
    assert result["scrapes"] == 5 and result["latency_ms"]["metrics"]["max"] > 0
