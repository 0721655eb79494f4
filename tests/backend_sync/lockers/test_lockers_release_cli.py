"""`kiosk lockers release|reset-coils`, the commands that move a lock: refused while another
process drives the bank, each door confirmed through its sensor (a jammed lock is reported,
exit 1), and a door opened from here never becomes a "door forced" alarm in the kiosk that
starts afterwards. Against the locker bank simulator over Modbus TCP (conftest.py)."""

from __future__ import annotations

import json
import subprocess
import sys

from backend_sync.lockers.runner import LockerRunner
from kiosk.cli import main
from kiosk.core.lockers.model import AlarmKind
from kiosk.settings import load_settings
from kiosk.wiring.lockers import build_lockers

FAST_JAM = "[lockers]\nrelease_timeout_s = 0.5\n"


def lockers(stack, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(stack.config), "lockers", *args])
    out, err = capsys.readouterr()
    return code, out, err


def fast_jam(stack) -> None:
    text = stack.config.read_text(encoding="utf-8")
    stack.config.write_text(text.replace("[lockers]\n", FAST_JAM), encoding="utf-8")


def test_release_confirms_the_door_opened(stack, capsys) -> None:
    code, out, err = lockers(stack, capsys, "release", "2", "3")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "compartment 2: released, door seen open",
        "compartment 3: released, door seen open",
    ]
    assert stack.bank.model.status()["compartments"]["2"]["door"] == "open"


def test_a_jammed_lock_is_reported_with_exit_1(stack, capsys) -> None:
    fast_jam(stack)
    stack.bank.model.jam(1)
    code, out, err = lockers(stack, capsys, "release", "1", "2")
    assert code == 1
    assert out.splitlines() == [
        "compartment 1: jammed: released but the door did not open "
        "(out of service until `kiosk lockers clear 1`)",
        "compartment 2: released, door seen open",
    ]
    assert err.endswith("kiosk: compartment(s) 1 did not open\n")  # after the alarm log line
    view = json.loads(lockers(stack, capsys, "list", "--json")[1])
    assert view["compartments"]["1"]["out_of_service"] is True
    assert [a["kind"] for a in view["alarms"]] == ["door_jammed"]


def test_a_silent_board_is_exit_3(stack, capsys) -> None:
    stack.bank.model.silence("b1")
    code, out, err = lockers(stack, capsys, "release", "1")
    assert code == 3
    assert out == "compartment 1: board not answering: the lock was not released\n"
    assert "did not answer" in err
    code, _, err = lockers(stack, capsys, "reset-coils")
    assert code == 3 and "kiosk: board 'b1': all coils off:" in err


def test_unknown_compartment_is_a_usage_error(stack, capsys) -> None:
    code, _, err = lockers(stack, capsys, "release", "40")
    assert (code, err) == (2, "kiosk: compartment 40 is not configured\n")


def test_reset_coils(stack, capsys) -> None:
    stack.bank.model.set_coil("b1", 5, True)
    assert lockers(stack, capsys, "reset-coils")[:2] == (0, "all coils off\n")
    assert stack.bank.model.coils("b1") == [False] * 16


def test_moving_a_lock_is_refused_while_another_process_drives_the_bank(stack, capsys) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--config", str(stack.config), "lockers", "load",
         "--staff", "2100000007", "--pin", "7890", "--item", "9786090100257", "--wait", "30"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        opened = holder.stdout.readline()
        assert opened.startswith("compartment "), holder.stderr.read()
        held = int(opened.split()[1])
        other = 2 if held != 2 else 3
        for args in (("release", str(other)), ("reset-coils",)):
            code, out, err = lockers(stack, capsys, *args)
            assert code == 1 and out == ""
            assert "another kiosk process is driving this locker bank" in err
        assert stack.bank.model.status()["compartments"][str(other)]["door"] == "closed"
    finally:
        holder.kill()
        holder.communicate(timeout=30)


def started_kiosk(stack) -> LockerRunner:
    """The locker logic as the kiosk starts it (claim, coils off, restore, reconcile)."""
    runner = build_lockers(load_settings(stack.config))
    runner.start_up()
    return runner


def test_a_door_staff_opened_is_never_door_forced_in_the_kiosk(stack, capsys) -> None:
    assert lockers(stack, capsys, "release", "4")[0] == 0  # the door stays open
    runner = started_kiosk(stack)
    try:
        runner.poll_once()
        assert runner.service.alarms.active() == []
        assert runner.service.compartments[4].door.state == "open"
        stack.bank.model.close_door(4)
        runner.poll_once()
        assert runner.service.alarms.active() == []
        assert runner.service.compartments[4].door.state == "locked"
        stack.bank.model.force_door(5)  # the contrast: nobody released this one
        runner.poll_once()
        kinds = [(a.kind, a.subject) for a in runner.service.alarms.active()]
        assert kinds == [(AlarmKind.DOOR_FORCED, "compartment 5")]
    finally:
        runner.close()
