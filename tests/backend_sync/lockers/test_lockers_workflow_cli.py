"""`kiosk lockers load|pickup|expire|list|clear`: what a technician runs with the demo
configuration, here against the simulators of conftest.py. A helper thread plays the person
at the locker (puts the book in or takes it out and shuts the door once it pops open)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import pytest

from kiosk.cli import main
from simulators.models.locker_bank import LockerBankModel

ITEM = "9786090100257"  # held for 2100000012 at KNYGOMATAS-1
STAFF = ["--staff", "2100000007", "--pin", "7890"]


def at_the_locker(model: LockerBankModel, act: Callable[[int], object]) -> threading.Thread:
    """Once a door is open, ``act`` on it and shut it, taking a moment as a person would
    (a door shut within one poll interval is never seen open: the kiosk calls it jammed)."""

    def watch() -> None:
        for _ in range(400):
            doors = model.status()["compartments"]
            opened = [int(n) for n, c in doors.items() if c["door"] == "open"]
            if opened:
                time.sleep(0.5)
                act(opened[0])
                model.close_door(opened[0])
                return
            time.sleep(0.025)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def lockers(stack, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(stack.config), "lockers", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_load_then_pickup_with_the_e_mailed_code(stack, capsys) -> None:
    model = stack.bank.model
    helper = at_the_locker(model, model.put_item)
    code, out, err = lockers(stack, capsys, "load", *STAFF, "--item", ITEM, "--wait", "20")
    helper.join(5)
    assert code == 0, err
    comp = int(out.split()[1])
    assert f"loaded: item {ITEM} in compartment {comp}; pickup code sent" in out
    door_code = stack.inbox.wait_code(1)
    assert door_code not in out  # the code goes to the patron, never to the screen
    helper = at_the_locker(model, model.take_items)
    code, out, err = lockers(stack, capsys, "pickup", "--code", door_code, "--wait", "20")
    helper.join(5)
    assert code == 0, err
    assert out.splitlines() == [
        f"open: compartment(s) {comp}; take the items and close the door(s)",
        f"compartment {comp}: free",
    ]
    assert stack.ils.library.loan(ITEM).patron == "2100000012"
    code, _, err = lockers(stack, capsys, "pickup", "--code", door_code)
    assert (code, err.strip()) == (1, "kiosk: refused: wrong_code")


def test_list_masks_patrons(stack, capsys) -> None:
    model = stack.bank.model
    helper = at_the_locker(model, model.put_item)
    code, out, err = lockers(stack, capsys, "load", *STAFF, "--item", ITEM, "--wait", "20")
    assert code == 0, out + err
    helper.join(5)
    code, out, _ = lockers(stack, capsys, "list", "--json")
    view = json.loads(out)
    [(number, comp)] = [(n, c) for n, c in view["compartments"].items() if c["loads"]]
    assert comp["use"] == "held"
    assert comp["loads"][0]["patron"] == "******0012"
    assert "2100000012" not in out
    code, out, _ = lockers(stack, capsys, "list")
    assert f"{number:>4}  held" in out


def test_expiry_and_retrieval(stack, capsys) -> None:
    text = stack.config.read_text(encoding="utf-8")
    stack.config.write_text(text.replace("[lockers]\n", "[lockers]\ncode_ttl_h = 0.0001\n"))
    model = stack.bank.model
    helper = at_the_locker(model, model.put_item)
    code, out, err = lockers(stack, capsys, "load", *STAFF, "--item", ITEM, "--wait", "20")
    assert code == 0, out + err
    helper.join(5)
    time.sleep(0.5)  # the 0.36 s deadline passes (not a timing assertion: only a wait)
    helper = at_the_locker(model, model.take_items)
    code, out, err = lockers(stack, capsys, "expire", "--open", *STAFF, "--wait", "20")
    helper.join(5)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("newly expired: [") or lines[0].startswith("newly expired: none")
    assert ITEM in lines[1] and "Balta drobulė" in lines[1]
    assert lines[-1].endswith(": free")


@pytest.mark.parametrize(
    ("args", "exit_code", "message"),
    [
        (["load", "--staff", "2100000007", "--pin", "0000", "--item", ITEM], 1,
         "staff login refused: wrong_staff_card_or_pin"),
        (["load", *STAFF, "--item", "9786090100301"], 1,
         "refused: other_pickup_location (FILIALAS)"),
        (["pickup"], 2, "give either --code or --card (with --pin)"),
        (["pickup", "--card", "2100000001", "--pin", "1234"], 1, "refused: nothing_to_collect"),
        (["clear", "99"], 2, "compartment 99 is not configured"),
    ],
)  # fmt: skip
def test_refusals_are_one_line(stack, capsys, args, exit_code: int, message: str) -> None:
    code, _, err = lockers(stack, capsys, *args)
    assert (code, err.strip()) == (exit_code, f"kiosk: {message}")
    assert all(c["releases"] == 0 for c in stack.bank.model.status()["compartments"].values())


def test_without_a_lockers_table(tmp_path, capsys) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text('[log]\nlevel = "error"\n')
    assert main(["--config", str(config), "lockers", "list"]) == 2
    assert "needs [lockers] and [ils]" in capsys.readouterr().err


def test_a_store_from_a_newer_kiosk_is_one_line(stack, capsys) -> None:
    assert lockers(stack, capsys, "list")[0] == 0  # creates the store
    with sqlite3.connect(stack.data / "lockers.sqlite") as db:
        db.execute("update locker_schema set version = 99")
    code, _, err = lockers(stack, capsys, "list")
    assert code == 2 and "locker store is at version 99" in err
    assert "Traceback" not in err


def test_a_jammed_door_moves_the_load(stack, capsys) -> None:
    text = stack.config.read_text(encoding="utf-8")
    stack.config.write_text(text.replace("[lockers]\n", "[lockers]\nrelease_timeout_s = 0.5\n"))
    model = stack.bank.model
    model.jam(1)
    helper = at_the_locker(model, model.put_item)
    code, out, err = lockers(stack, capsys, "load", *STAFF, "--item", ITEM, "--wait", "20")
    helper.join(5)
    assert code == 0, err
    assert out.splitlines() == [
        f"compartment 1 is open: put item {ITEM} in, close the door",
        "compartment 1 did not open; use compartment 2",
        f"loaded: item {ITEM} in compartment 2; pickup code sent to the patron",
    ]
    view = json.loads(lockers(stack, capsys, "list", "--json")[1])
    assert view["compartments"]["1"]["out_of_service"] is True
    assert [a["kind"] for a in view["alarms"]] == ["door_jammed"]


def test_a_second_process_on_the_same_bank_is_refused(stack, capsys) -> None:
    holder = kiosk_process(stack.config, "load", *STAFF, "--item", ITEM, "--wait", "30")
    try:
        assert holder.stdout.readline().startswith("compartment ")  # it drives the bank now
        code, _, err = lockers(stack, capsys, "list")
        assert code == 1 and "another kiosk process is driving this locker bank" in err
    finally:
        holder.kill()
        holder.communicate(timeout=30)


def kiosk_process(config, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--config", str(config), "lockers", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
