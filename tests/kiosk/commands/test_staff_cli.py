"""`kiosk staff hash-pin`: the line it prints verifies the PIN it was given (from standard
input, and typed twice on a real pseudo-terminal without echo); PINs the keypad cannot type,
two different PINs, and no terminal at all are one-line refusals with exit code 2."""

from __future__ import annotations

import io
import os
import pty
import select
import signal
import sys
import time

import pytest

from kiosk.cli import main
from kiosk.core.circulation.staff_auth import PinHash


def hash_pin_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, stdin: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["staff", "hash-pin", "--stdin"])
    out, err = capsys.readouterr()
    return code, out, err


def test_stdin_pin_gives_a_line_that_verifies(monkeypatch, capsys) -> None:
    code, out, err = hash_pin_cli(monkeypatch, capsys, "4321\n")
    assert code == 0 and err == ""
    (line,) = out.splitlines()
    made = PinHash.parse(line)
    assert made.verify("4321") and not made.verify("1234")
    assert "4321" not in out


def test_each_run_has_its_own_salt(monkeypatch, capsys) -> None:
    first = hash_pin_cli(monkeypatch, capsys, "4321\n")[1]
    second = hash_pin_cli(monkeypatch, capsys, "4321\n")[1]
    assert first != second


@pytest.mark.parametrize(
    ("stdin", "message"),
    [("12\n", "4 to 6 digits"), ("12ab\n", "4 to 6 digits"), ("", "no PIN on standard input")],
)
def test_unusable_pins_are_refused_in_one_line(monkeypatch, capsys, stdin, message) -> None:
    code, out, err = hash_pin_cli(monkeypatch, capsys, stdin)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1


def on_a_terminal(*typed: str) -> tuple[int, str]:
    """Run the command on a pseudo-terminal, typing each line at its prompt; return the exit
    code and everything the terminal showed."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, with the pty as its controlling terminal
        os.execv(sys.executable, [sys.executable, "-m", "kiosk", "staff", "hash-pin"])
    shown = b""
    answers = list(typed)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
        # a prompt is waiting when the output stops at ": " (getpass has turned echo off and
        # flushed the input before it writes the prompt, so the answer is not lost)
        if answers and shown.endswith(b": "):
            os.write(fd, answers.pop(0).encode() + b"\n")
    status = exit_status(pid, time.monotonic() + 10)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")


def exit_status(pid: int, deadline: float) -> int:
    """The child's wait status; killed if it is still running at the deadline (still waiting
    for input: a failure, not a hang)."""
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    return os.waitpid(pid, 0)[1]


def test_typed_twice_without_echo_on_a_terminal() -> None:
    code, shown = on_a_terminal("2580", "2580")
    assert "Technician PIN" in shown and "again" in shown
    assert "2580" not in shown  # no echo
    line = next(word for word in shown.split() if word.startswith("scrypt$"))
    assert PinHash.parse(line.strip('"')).verify("2580")
    assert code == 0


def test_two_different_pins_make_nothing() -> None:
    code, shown = on_a_terminal("2580", "2581")
    assert code == 2 and "differ" in shown and "scrypt$" not in shown
