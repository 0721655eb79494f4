"""`kiosk sim jack`: the real HeadphoneJack runs against the simulator's FIFO (fifo, plug,
unplug, headset and line out), and every mistake is one line with its exit code."""

from __future__ import annotations

import os
import queue
from pathlib import Path

import pytest

from device_drivers.speech.jack import HeadphoneJack
from kiosk.cli import main


def test_fifo_plug_unplug_reach_the_kiosk(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = str(tmp_path / "jack")
    assert main(["sim", "jack", "fifo", path]) == 0
    assert "headphone_jack" in capsys.readouterr().out
    changes: queue.Queue[bool] = queue.Queue()
    jack = HeadphoneJack(path, on_change=changes.put).start()
    try:
        assert main(["sim", "jack", "plug", "--device", path]) == 0
        assert changes.get(timeout=10) is True
        assert main(["sim", "jack", "unplug", "--device", path, "--switch", "headset"]) == 0
        assert changes.get(timeout=10) is False
        assert main(["sim", "jack", "plug", "--device", path, "--switch", "lineout"]) == 0
        assert changes.get(timeout=10) is True
    finally:
        jack.close()
    assert "lineout plugged in: 48 bytes written" in capsys.readouterr().out


def test_fifo_again_is_fine_but_not_over_a_file(tmp_path: Path, capsys) -> None:
    path = tmp_path / "jack"
    assert main(["sim", "jack", "fifo", str(path)]) == 0
    assert main(["sim", "jack", "fifo", str(path)]) == 0
    assert main(["sim", "jack", "fifo", str(tmp_path / "no" / "dir")]) == 1
    (tmp_path / "file").write_text("x")
    assert main(["sim", "jack", "fifo", str(tmp_path / "file")]) == 1
    assert "is not a FIFO" in capsys.readouterr().err


def test_nobody_reading_is_unreachable(tmp_path: Path, capsys) -> None:
    path = tmp_path / "jack"
    os.mkfifo(path)
    assert main(["sim", "jack", "plug", "--device", str(path)]) == 3
    assert "nothing reads" in capsys.readouterr().err


def test_missing_fifo_and_a_regular_file_are_usage_errors(tmp_path: Path, capsys) -> None:
    assert main(["sim", "jack", "plug", "--device", str(tmp_path / "none")]) == 2
    assert "kiosk sim jack fifo" in capsys.readouterr().err
    (tmp_path / "file").write_text("keep me")
    assert main(["sim", "jack", "unplug", "--device", str(tmp_path / "file")]) == 2
    assert "not a FIFO" in capsys.readouterr().err
    assert (tmp_path / "file").read_text() == "keep me"
