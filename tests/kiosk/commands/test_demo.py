"""`kiosk demo` without a display: every simulator, the console and /health, in one command.

Pulling the simulated printer's paper out turns the kiosk's /health to degraded (issue "Fleet
operations", done-when), and Ctrl-C (SIGINT) stops everything.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from simulators.control import ControlClient

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def demo_config(tmp_path: Path) -> Path:
    text = (ROOT / "config" / "demo.toml").read_text(encoding="utf-8")
    text = text.replace('data_dir = "var/demo"', f'data_dir = "{tmp_path / "var"}"')
    text = text.replace('listen = "127.0.0.1:9464"', f'listen = "127.0.0.1:{free_port()}"')
    text = text.replace("\n[metrics]", "\n[metrics]\nprobe_interval_s = 1.0 #", 1)
    config = tmp_path / "demo.toml"
    config.write_text(text, encoding="utf-8")
    return config


def health(url: str) -> dict[str, object]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as exc:  # 503 when an essential device is down
        return json.loads(exc.read())


@pytest.mark.timeout(240)
def test_demo_runs_everything_and_health_follows_the_printer(tmp_path: Path) -> None:
    config = demo_config(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    demo = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--config", str(config), "demo", "--any-ports",
         "--console-port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    try:
        assert demo.stdout is not None
        where = json.loads(demo.stdout.readline())
        simulated = {
            "ils",
            "rfid",
            "lockers",
            "printer",
            "rooms",
            "smtp",
            "feed",
            "registration",
            "payment",
        }
        assert set(where["simulators"]) == simulated
        assert "no display" in demo.stdout.readline()
        with urllib.request.urlopen(where["console"], timeout=5) as page:
            assert page.status == 200
        ControlClient(where["simulators"]["printer"]["control"]).call("paper", level="out")
        deadline = time.monotonic() + 40
        document = health(where["health"])
        while document["status"] == "ok" and time.monotonic() < deadline:
            time.sleep(0.5)
            document = health(where["health"])
        assert document["status"] == "degraded"
        assert any("paper" in str(reason) for reason in document["reasons"])  # type: ignore[union-attr]
    finally:
        demo.send_signal(signal.SIGINT)
        # stopping joins every simulator's and probe's thread, each bounded by its own
        # timeout; on a loaded machine that adds up, so allow well over their sum
        assert demo.wait(timeout=100) == 0
