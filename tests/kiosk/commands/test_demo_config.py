"""`kiosk demo --any-ports` writes the configuration it runs with (path printed as "config"),
[metrics] moved to a free port too, so `kiosk ils … --config THAT` reaches the running demo."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path

import pytest

from kiosk.commands.demo_config import to_toml, write_config
from kiosk.settings import load_settings

ROOT = Path(__file__).resolve().parents[3]


def test_the_written_config_reads_back_as_the_same_settings(tmp_path: Path) -> None:
    settings = load_settings(ROOT / "config" / "demo.toml")
    path = write_config(settings, tmp_path / "out" / "used.toml")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds the secrets
    again = load_settings(path)
    assert again.ils is not None and settings.ils is not None
    assert again.ils.password.get_secret_value() == settings.ils.password.get_secret_value()
    assert again.model_dump(mode="json") == settings.model_dump(mode="json")


def test_nested_tables_and_arrays_of_tables_keep_their_place() -> None:
    data = {
        "a": {"x": 1, "sub": {"y": 'é "q"'}},
        "boards": [{"n": 1, "extra": {"z": True}}, {"n": 2}],
        "rules": {203: {"slot": 60}},
    }
    assert tomllib.loads(to_toml(data)) == {
        "a": {"x": 1, "sub": {"y": 'é "q"'}},
        "boards": [{"n": 1, "extra": {"z": True}}, {"n": 2}],
        "rules": {"203": {"slot": 60}},
    }


@pytest.mark.timeout(240)
def test_any_ports_demo_prints_a_config_other_commands_can_use(tmp_path: Path) -> None:
    text = (ROOT / "config" / "demo.toml").read_text(encoding="utf-8")
    text = text.replace('data_dir = "var/demo"', f'data_dir = "{tmp_path / "var"}"')
    config = tmp_path / "demo.toml"
    config.write_text(text, encoding="utf-8")
    configured = load_settings(config)
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    demo = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--config", str(config), "demo", "--any-ports",
         "--console-port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    try:
        assert demo.stdout is not None
        where = json.loads(demo.stdout.readline())
        used = load_settings(where["config"])
        assert Path(where["config"]).parent == tmp_path / "var"
        assert used.ils is not None and configured.ils is not None
        assert used.ils.port != configured.ils.port
        assert used.metrics is not None and configured.metrics is not None
        assert used.metrics.listen != configured.metrics.listen
        assert where["metrics"].endswith(f"{used.metrics.address[1]}/metrics")
        with urllib.request.urlopen(where["metrics"], timeout=10) as answer:
            assert answer.status == 200
        done = subprocess.run(
            [sys.executable, "-m", "kiosk", "--config", where["config"], "ils", "status"],
            capture_output=True, text=True, timeout=60, cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["online"] is True
    finally:
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=100) == 0
