"""`kiosk rooms …` and the [rooms] settings, against the simulator over loopback HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.settings import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[3]


def config(tmp_path: Path, url: str, extra: str = "") -> str:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[kiosk]\ndata_dir = "{tmp_path}"\n[log]\nlevel = "error"\n'
        f'[rooms]\nbase_url = "{url}"\nclient_id = "kiosk"\nclient_secret = "demo"\n'
        f"retries = 0\n{extra}"
        "[rooms.category_rules.203]\nslot_minutes = 60\nmax_booking_minutes = 180\n"
        "max_bookings_per_day = 1\n",
        encoding="utf-8",
    )
    return str(path)


def kiosk(path: str, *args: str) -> int:
    return main(["--config", path, "rooms", "--now", "2026-11-25T10:10", *args])


def test_board_book_check_in_cancel_from_the_command_line(tmp_path, sim, capsys) -> None:
    path = config(tmp_path, sim.url + "/1.1")
    assert kiosk(path, "availability") == 0
    board = capsys.readouterr().out
    assert "Menų skaitykla" in board and "Laisva iki" in board and "pasenę" not in board
    staff = ["--name", "Ona Onaitė", "--email", "ona.cli@example.lt"]
    assert kiosk(path, "book", "--space", "302", "--from", "10:00", "--to", "11:00", *staff) == 0
    booked = json.loads(capsys.readouterr().out)["booked"]
    assert booked["patron"] == "Ona O." and booked["from"] == "10:00"
    assert kiosk(path, "checkin", booked["booking_id"], *staff) == 0
    assert json.loads(capsys.readouterr().out)["queued"] is False
    assert kiosk(path, "bookings") == 0
    assert booked["booking_id"] in capsys.readouterr().out
    assert kiosk(path, "cancel", booked["booking_id"], *staff) == 0
    assert sim.model.bookings(sim.model.now().date(), email="ona.cli@example.lt")[
        0
    ].status.startswith("Cancelled")


def test_refusals_and_usage_errors_are_one_line(tmp_path, sim, capsys) -> None:
    path = config(tmp_path, sim.url)
    staff = ["--name", "Ona Onaitė", "--email", "ona.cli@example.lt"]
    assert kiosk(path, "book", "--space", "302", "--from", "10:00", "--to", "16:00", *staff) == 1
    assert "too_long" in capsys.readouterr().err
    assert (
        kiosk(
            path,
            "book",
            "--space",
            "311",
            "--from",
            "10:00",
            "--to",
            "11:00",
            "--people",
            "7",
            *staff,
        )
        == 1
    )
    assert "over_capacity" in capsys.readouterr().err
    assert kiosk(path, "book", "--space", "302", "--from", "10", "--to", "x", *staff) == 2
    assert kiosk(path, "book", "--space", "302", "--from", "10:00", "--to", "11:00") == 2
    err = capsys.readouterr().err
    assert "--card" in err and "Traceback" not in err


def test_offline_board_is_marked_stale_and_booking_fails(tmp_path, sim, capsys) -> None:
    path = config(tmp_path, sim.url, "refresh_s = 5.0\nstale_after_s = 10.0\n")
    assert kiosk(path, "refresh") == 0
    capsys.readouterr()
    sim.actions()["unreachable"]({"on": True})
    assert main(["--config", path, "rooms", "--now", "2026-11-25T10:11", "refresh"]) == 3
    assert main(["--config", path, "rooms", "--now", "2026-11-25T10:11", "availability"]) == 0
    out = capsys.readouterr().out
    assert "Duomenys gali būti pasenę" in out and "Individuali erdvė 1" in out
    staff = ["--name", "Ona Onaitė", "--email", "ona.cli@example.lt"]
    assert kiosk(path, "book", "--space", "302", "--from", "10:00", "--to", "11:00", *staff) == 3
    assert "unreachable" in capsys.readouterr().err
    assert kiosk(path, "queue") == 0


def test_example_and_demo_rooms_tables_load() -> None:
    for name in ("kiosk.example.toml", "demo.toml"):
        rooms = load_settings(ROOT / "config" / name).rooms
        assert rooms is not None and rooms.rules.slot_minutes == 30
    demo = load_settings(ROOT / "config" / "demo.toml").rooms
    assert demo.category_rules[203].max_bookings_per_day == 1


def test_inconsistent_rules_are_named(tmp_path) -> None:
    path = tmp_path / "k.toml"
    path.write_text(
        '[rooms]\nbase_url = "http://x"\nclient_id = "a"\nclient_secret = "b"\n'
        "[rooms.rules]\nslot_minutes = 30\nmax_booking_minutes = 45\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"rooms\.rules: .*whole number of slot_minutes"):
        load_settings(path)
    path.write_text('[rooms]\nbase_url = "ftp://x"\nclient_id = "a"\nclient_secret = "b"\n')
    with pytest.raises(ConfigError, match=r"rooms\.base_url"):
        load_settings(path)


def test_a_closed_evening_is_closed_not_busy_and_one_language_throughout(
    tmp_path, sim, capsys
) -> None:
    """Issue 18: on Sunday evening (the library closed at 16:00) the board says closed, not
    busy; `rooms list` speaks one language with its plurals ("1 asmeniui", never "1 vietos")."""
    path = config(tmp_path, sim.url + "/1.1")
    sunday = ["--config", path, "rooms", "--now", "2026-11-29T18:00"]
    assert main([*sunday, "availability"]) == 0
    board = capsys.readouterr().out
    rows = [line for line in board.splitlines() if "erdvė" in line or "skaitykla" in line]
    closed = "Šiandien uždaryta — atsidaro pirmadienį 08:00"  # the simulator's Monday
    assert len(rows) == 8 and all(closed in row for row in rows), board
    assert "Užimta" not in board and "busy" not in board and "free:" not in board
    assert main([*sunday, "--language", "en", "availability"]) == 0
    assert "Closed today — opens Monday 08:00" in capsys.readouterr().out
    assert main([*sunday, "list"]) == 0
    listed = capsys.readouterr().out
    assert "Individuali erdvė 1" in listed and "1 asmeniui" in listed and "vietos" not in listed
    assert "iki 20 asmenų" in listed and "last refresh" not in listed
    assert main([*sunday, "--language", "en", "list"]) == 0
    english = capsys.readouterr().out
    assert "for 1 person" in english and "for up to 20 people" in english
    assert "asmen" not in english and "Last updated at 18:00" in english
