"""`kiosk bench load` run tiny: one JSON line, every phase counted, no errors (no timing
assertions: latency and memory are figures to read, not to test)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.timeout(120)
def test_tiny_load_run_prints_json_with_no_errors() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "bench", "load", "--scrapes", "20", "--sip2", "40",
         "--locker-cycles", "8"],
        capture_output=True, text=True, cwd=ROOT, timeout=110,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["errors"] == 0
    assert [figures[k]["count"] for k in ("scrapes", "sip2", "locker")] == [20, 40, 8]
    for phase in ("scrapes", "sip2", "locker"):
        assert set(figures[phase]) >= {"p50_ms", "p99_ms", "rss_growth_kb", "errors"}
