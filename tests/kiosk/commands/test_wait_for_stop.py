"""Long-running commands (`kiosk demo`, `kiosk sim …`, `kiosk monitor`) stop in order on
SIGINT as on SIGTERM, also when started from a background job, where the shell starts them
with SIGINT ignored (the case that left simulators running after `kill -INT`)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def started_in_background(*argv: str) -> subprocess.Popen[str]:
    """As `cmd &` in a script does: SIGINT ignored before the program starts."""
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", *argv],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_simulator_started_in_the_background_stops_on_the_signal(signum: int) -> None:
    process = started_in_background("sim", "feed", "--port", "0", "--control-port", "0")
    try:
        assert process.stdout is not None
        banner = json.loads(process.stdout.readline())  # it serves
        assert banner["control"].startswith("http://127.0.0.1:")
        process.send_signal(signum)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
