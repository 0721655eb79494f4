"""[lockers] validation: every wrong bank is one clear line naming the problem."""

from pathlib import Path

import pytest

from kiosk.settings import ConfigError, load_settings

BOARD = '[[lockers.boards]]\nname = "b1"\nport = 5020\n'


def write(tmp_path: Path, boards: str, comps: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(boards + comps, encoding="utf-8")
    return path


def comp(n: int, board: str = "b1", lock: int | None = None, door: int | None = None) -> str:
    lock = n - 1 if lock is None else lock
    door = n - 1 if door is None else door
    return (
        f'[[lockers.compartments]]\nid = {n}\nboard = "{board}"\nlock = {lock}\n'
        f"door = {door}\noccupancy = {15 + n}\n"
    )


def test_a_good_bank_loads(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, BOARD, comp(1) + comp(2)))
    assert settings.lockers is not None
    assert [c.lock for c in settings.lockers.compartments] == [0, 1]


@pytest.mark.parametrize(
    ("comps", "message"),
    [
        (comp(1) + comp(2, lock=0), "compartments 1 and 2 share coil 0 on board 'b1'"),
        (comp(1, board="b9"), "compartment 1: board 'b9' is not configured"),
        (comp(1, lock=16), "compartment 1: lock 16 is out of range"),
        (comp(1) + comp(1, lock=3, door=3), "compartment 1 is configured twice"),
        (comp(1) + comp(2, door=0), "compartments 1 and 2 share input 0"),
        (comp(40, lock=1, door=1), "occupancy input 55 is out of range"),
    ],
)
def test_bank_errors_are_named(tmp_path: Path, comps: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, BOARD, comps))
    assert message in str(err.value) and "\n" not in str(err.value)
    assert "(got" not in str(err.value)
    assert str(err.value).startswith(f"{tmp_path / 'kiosk.toml'}: lockers")


@pytest.mark.parametrize(
    ("board", "message"),
    [
        ('[[lockers.boards]]\nname = "k"\nfamily = "kerong"\n', "kerong boards are reached"),
        ('[[lockers.boards]]\nname = "s"\ntransport = "serial"\n', "needs device"),
        (
            '[[lockers.boards]]\nname = "k"\nfamily = "kerong"\ntransport = "serial"\n'
            'device = "/dev/ttyS0"\nlocks = 20\n',
            "at most 16 locks",
        ),
        (BOARD + BOARD, "two boards are named 'b1'"),
        (BOARD + '[[lockers.boards]]\nname = "b2"\nport = 5020\n', "share one bus and address"),
    ],
)
def test_board_errors_are_named(tmp_path: Path, board: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(write(tmp_path, board, comp(1, board="b1")))
