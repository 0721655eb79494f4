"""The kiosk's locker process killed with SIGKILL in the middle of a load and of a pickup,
then started again: its state comes back from the real SQLite store, is squared with the
sensors, nothing is lost (the load, the notice, the loan) and no door opens a second time.

Each step is the real command line (``kiosk lockers …`` in a child process) against the ILS
simulator, the locker bank simulator and aiosmtpd (conftest.py)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from backend_sync.lockers.store import SqliteLockerStore

ITEM = "9786090100257"  # on loan to 2100000001, held for 2100000012 at KNYGOMATAS-1


def kiosk(config: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--config", str(config), "lockers", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def killed_after_first_line(config: Path, *args: str) -> str:
    """Run until the command reports the door open, then cut the power (SIGKILL)."""
    proc = kiosk(config, *args)
    try:
        line = proc.stdout.readline()
    finally:
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL, proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
    return line


def restart(config: Path) -> dict:
    """A new kiosk start (``lockers list`` restores and reconciles first)."""
    proc = kiosk(config, "list", "--json")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    return json.loads(out)


def releases(stack, compartment: int) -> int:
    return stack.bank.model.status()["compartments"][str(compartment)]["releases"]


def load_killed(stack) -> int:
    line = killed_after_first_line(
        stack.config, "load", "--staff", "2100000007", "--pin", "7890", "--item", ITEM
    )
    compartment = int(line.split()[1])  # "compartment N is open: …"
    stack.bank.model.put_item(compartment)  # staff finish the load while the kiosk reboots
    stack.bank.model.close_door(compartment)
    return compartment


def test_killed_during_a_load(stack) -> None:
    comp = load_killed(stack)
    assert stack.inbox.messages == []  # the kiosk died before it could send anything
    view = restart(stack.config)
    assert view["compartments"][str(comp)]["use"] == "held"
    assert [x["item_id"] for x in view["compartments"][str(comp)]["loads"]] == [ITEM]
    assert stack.inbox.wait_code(1)  # the restart issued the code and sent it
    assert stack.inbox.messages[0]["To"] == "zygimantas.usas@example.lt"
    assert releases(stack, comp) == 1
    assert stack.ils.library.count("checkin", ITEM) == 1
    assert restart(stack.config)["compartments"][str(comp)]["use"] == "held"
    assert len(stack.inbox.messages) == 1  # a second start sends nothing more
    assert releases(stack, comp) == 1


def test_killed_during_a_pickup(stack) -> None:
    comp = load_killed(stack)
    restart(stack.config)
    code = stack.inbox.wait_code(1)
    line = killed_after_first_line(stack.config, "pickup", "--code", code)
    assert line.startswith(f"open: compartment(s) {comp};")
    stack.bank.model.take_items(comp)  # the patron takes the book while the kiosk reboots
    stack.bank.model.close_door(comp)
    view = restart(stack.config)
    assert view["compartments"][str(comp)]["use"] == "free"
    assert stack.ils.library.loan(ITEM).patron == "2100000012"
    assert stack.ils.library.count("checkout", ITEM) == 1
    assert releases(stack, comp) == 2  # one for the load, one for the pickup: no more
    assert restart(stack.config)["alarms"] == []
    store = SqliteLockerStore(stack.data / "lockers.sqlite")
    assert [e["after"] for e in store.events(comp)] == ["loading", "held", "pickup", "free"]


def test_killed_during_a_pickup_nobody_opened(stack) -> None:
    """The door popped open but the patron walked away and shut it without taking the book:
    after the restart the compartment is held again and the patron gets a new code."""
    comp = load_killed(stack)
    restart(stack.config)
    code = stack.inbox.wait_code(1)
    killed_after_first_line(stack.config, "pickup", "--code", code)
    stack.bank.model.close_door(comp)
    view = restart(stack.config)
    assert view["compartments"][str(comp)]["use"] == "held"
    new_code = stack.inbox.wait_code(2)
    assert new_code != code
    assert releases(stack, comp) == 2
