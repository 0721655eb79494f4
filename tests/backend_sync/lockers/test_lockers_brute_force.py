"""Guessing at the locker through the commands counts where the screen counts (issue 20,
brute force), against the simulators of conftest.py:

- wrong door codes through `kiosk lockers pickup --code` lock the keypad of the running
  locker logic (the one the touch app drives: its state is the locker store);
- wrong patron PINs through `kiosk lockers pickup --card` and wrong staff PINs through
  `kiosk lockers load --staff` count in the kiosk's one PIN lockout, so the card is then
  refused everywhere (here: `kiosk ils patron` with the right PIN)."""

from __future__ import annotations

from kiosk.cli import main
from kiosk.core.lockers.service import Refused
from kiosk.settings import load_settings
from kiosk.wiring.lockers import build_lockers

ITEM = "9786090100257"


def run(stack, capsys, *args: str) -> tuple[int, str]:
    stack.config.chmod(0o600)  # it holds the ILS password
    code = main(["--config", str(stack.config), *args])
    return code, capsys.readouterr().err


def test_wrong_codes_on_the_command_line_lock_the_kiosks_keypad(stack, capsys) -> None:
    for _ in range(5):  # [lockers] max_wrong_codes
        code, err = run(stack, capsys, "lockers", "pickup", "--code", "000000")
        assert code != 0 and "wrong_code" in err
    code, err = run(stack, capsys, "lockers", "pickup", "--code", "111111")
    assert code != 0 and "keypad_locked" in err
    runner = build_lockers(load_settings(stack.config))  # the kiosk's locker logic, started
    runner.start()
    try:
        answer = runner.call(lambda service, now: service.pickup_by_code("222222", now))
    finally:
        runner.close()
    assert isinstance(answer, Refused) and answer.reason == "keypad_locked"


def test_wrong_patron_pins_at_the_locker_lock_the_card_everywhere(stack, capsys) -> None:
    for _ in range(3):  # [circulation] pin_max_tries
        code, _ = run(stack, capsys, "lockers", "pickup", "--card", "2100000012", "--pin", "0000")
        assert code != 0
    code, err = run(stack, capsys, "ils", "patron", "2100000012", "--pin", "2468")
    assert code == 1 and "locked after 3 wrong PINs" in err


def test_wrong_staff_pins_at_the_locker_lock_the_staff_card(stack, capsys) -> None:
    for _ in range(3):
        code, err = run(
            stack, capsys, "lockers", "load", "--staff", "2100000007", "--pin", "0000",
            "--item", ITEM,
        )  # fmt: skip
        assert code != 0 and "staff login refused" in err
    code, err = run(stack, capsys, "ils", "patron", "2100000007", "--pin", "7890")
    assert code == 1 and "locked after 3 wrong PINs" in err
    code, err = run(
        stack, capsys, "lockers", "load", "--staff", "2100000007", "--pin", "7890", "--item", ITEM
    )
    assert code != 0 and "staff login refused" in err  # the right PIN, too late
