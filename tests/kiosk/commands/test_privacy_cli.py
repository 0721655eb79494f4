"""`kiosk privacy sweep [--dry-run]` on a data_dir an older version left behind: real SQLite
files for the outbox, the mail outbox and the locker store, written without retention; the
dry run counts and changes nothing, the sweep leaves no settled card and no sent address
anywhere in the files (free space and WAL included), and keeps what is still needed."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from backend_sync.lockers.store import SqliteLockerStore
from backend_sync.notify.outbox import mail_outbox, open_mail_store
from backend_sync.store.database import open_store, upgrade
from kiosk.cli import main
from kiosk.settings import ConfigError, load_settings

ONA, JONAS, USAS = "2100000001", "2100000002", "2100000012"
ADDRESS = "ona@pastas.lt"
ROW = (
    "INSERT INTO outbox (key, kind, payload, happened_at, offline, state, attempts, in_doubt,"
    ' "check", result, reason, added_at, last_attempt_at, finished_at, resolved_at,'
    " resolved_note) VALUES (?, 'checkout', ?, '2026-11-20T10:00:00', 1, 'pending', 0, 0,"
    " '{}', '{}', '', 0, '', '', '', '')"
)


def old_data_dir(folder: Path) -> None:
    """The three stores as the version before retention left them."""
    engine = open_store(folder / "store.sqlite", migrate=False)
    upgrade(engine, "0003")
    engine.dispose()
    with sqlite3.connect(folder / "store.sqlite") as db:  # no secure_delete back then
        for key, card in (("settled", ONA), ("waiting", JONAS)):
            db.execute(ROW, (key, json.dumps({"card": card, "item_id": key})))
        db.execute(
            "UPDATE outbox SET state = 'done', result = ? WHERE key = 'settled'",
            (json.dumps({"ok": True, "card": ONA, "due": "2026-12-18T00:00:00"}),),
        )
    db.close()
    with sqlite3.connect(folder / "mail-outbox.sqlite") as db:
        db.execute(
            "CREATE TABLE mail_outbox (id INTEGER PRIMARY KEY, created_at FLOAT NOT NULL,"
            " recipient VARCHAR(254) NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,"
            " status VARCHAR(8) NOT NULL, attempts INTEGER NOT NULL,"
            " next_attempt_at FLOAT NOT NULL, last_error TEXT NOT NULL)"
        )
        db.execute(
            "INSERT INTO mail_outbox VALUES (1, 1.0, ?, 'Kvitas', 'Paimta: Metai', 'sent', 1,"
            " 1.0, '')",
            (ADDRESS,),
        )
    db.close()
    SqliteLockerStore(folder / "lockers.sqlite").close()
    with sqlite3.connect(folder / "lockers.sqlite") as db:
        db.execute(
            "INSERT INTO locker_codes (patron_id, compartments, salt, digest, issued_at,"
            " expires_at, used_at, revoked) VALUES (?, '[3]', x'00', x'00', '2026-11-20',"
            " '2026-11-22', '2026-11-21', 0)",
            (USAS,),
        )
    db.close()


def on_disk(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.iterdir() if p.is_file())


@pytest.fixture
def config(tmp_path: Path) -> str:
    data = tmp_path / "var"
    data.mkdir()
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[kiosk]\ndata_dir = "{data}"\n[log]\nlevel = "error"\n', encoding="utf-8")
    return str(path)


def sweep(config: str, capsys: pytest.CaptureFixture[str], *extra: str) -> dict:
    assert main(["--config", config, "privacy", "sweep", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_dry_run_counts_and_the_sweep_scrubs_every_store(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "var"
    old_data_dir(data)
    before = on_disk(data)
    assert ONA.encode() in before and ADDRESS.encode() in before and USAS.encode() in before
    dry = sweep(config, capsys, "--dry-run")
    assert dry["dry_run"] is True
    assert (dry["store"]["scrubbed"], dry["store"]["pending_with_card"]) == (1, 1)
    assert (dry["mail"]["blanked_sent"], dry["lockers"]["spent_codes_dropped"]) == (1, 1)
    assert ONA.encode() in on_disk(data) and ADDRESS.encode() in on_disk(data)

    done = sweep(config, capsys)
    assert done["store"] == {
        "file": str(data / "store.sqlite"), "present": True, "scrubbed": 1,
        "pending_with_card": 1, "unresolved_with_card": 0,
    }  # fmt: skip
    assert done["mail"] == {
        "file": str(data / "mail-outbox.sqlite"), "present": True, "blanked_sent": 1,
        "blanked_failed": 0, "failed_kept": 0,
    }  # fmt: skip
    assert done["lockers"]["spent_codes_dropped"] == 1 and done["rooms"]["present"] is False
    after = on_disk(data)
    assert ONA.encode() not in after  # the settled entry: free space and WAL included
    assert ADDRESS.encode() not in after and USAS.encode() not in after
    assert JONAS.encode() in after  # still waiting for replay: the ILS needs the card

    again = sweep(config, capsys)
    assert again["store"]["scrubbed"] == 0 and again["mail"]["blanked_sent"] == 0


def test_a_store_older_than_0003_is_upgraded_by_the_sweep_not_the_dry_run(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = open_store(tmp_path / "var" / "store.sqlite", migrate=False)
    upgrade(engine, "0002")
    engine.dispose()
    assert sweep(config, capsys, "--dry-run")["store"]["upgrade_pending"] is True
    store = sweep(config, capsys)["store"]
    assert store["upgraded_from"] == "0002" and store["scrubbed"] == 0


def test_a_data_dir_without_stores_is_reported_and_left_empty(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = sweep(config, capsys)
    assert {name: part["present"] for name, part in report.items() if name != "dry_run"} == {
        "store": False, "mail": False, "lockers": False, "rooms": False,
    }  # fmt: skip
    assert list((tmp_path / "var").iterdir()) == []


def test_sweep_without_an_action_is_a_usage_error(config: str, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--config", config, "privacy"])
    assert exit_.value.code == 2


@pytest.mark.parametrize("name", ["store.sqlite", "mail-outbox.sqlite", "lockers.sqlite"])
def test_a_store_that_is_not_a_database_is_one_line_and_exit_2(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    (tmp_path / "var" / name).write_bytes(b"not SQLite at all" * 100)
    assert main(["--config", config, "privacy", "sweep"]) == 2
    err = capsys.readouterr().err
    assert name in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def failed_mail(folder: Path) -> None:
    engine = open_mail_store(folder / "mail-outbox.sqlite")
    with engine.begin() as db:
        db.execute(
            mail_outbox.insert().values(
                created_at=time.time(), recipient=ADDRESS, subject="Kvitas", body="Paimta: Metai",
                status="failed", attempts=1, next_attempt_at=0.0, last_error="550 no such user",
                finished_at=time.time(),
            )
        )  # fmt: skip
    engine.dispose()


@pytest.mark.parametrize(("days", "blanked", "kept"), [("14", 0, 1), ("0", 1, 0)])
def test_the_sweep_keeps_a_refused_mail_for_smtp_keep_failed_days(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], days: str, blanked: int, kept: int
) -> None:
    data = tmp_path / "var"
    failed_mail(data)
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[kiosk]\ndata_dir = "{data}"\n[log]\nlevel = "error"\n[smtp]\nhost = "127.0.0.1"\n'
        f'from_address = "kiosk@example.lt"\nkeep_failed_days = {days}\n',
        encoding="utf-8",
    )
    mail = sweep(str(path), capsys)["mail"]
    assert (mail["blanked_failed"], mail["failed_kept"]) == (blanked, kept)
    assert (ADDRESS.encode() in on_disk(data)) is bool(kept)


def test_a_negative_keep_failed_days_is_a_config_error_naming_the_key(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        '[smtp]\nhost = "h"\nfrom_address = "k@example.lt"\nkeep_failed_days = -1\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"smtp\.keep_failed_days"):
        load_settings(path)


def test_a_mail_outbox_locked_by_another_writer_is_one_line_and_exit_2(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another process holds the write lock past the timeout (sqlite's default, 5 s)."""
    data = tmp_path / "var"
    failed_mail(data)
    with sqlite3.connect(data / "mail-outbox.sqlite") as db:
        db.execute("UPDATE mail_outbox SET status = 'sent'")  # a sent mail still to blank
    db.close()
    writer = sqlite3.connect(data / "mail-outbox.sqlite", isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        assert main(["--config", config, "privacy", "sweep"]) == 2
    finally:
        writer.close()
    err = capsys.readouterr().err
    assert "mail-outbox.sqlite" in err and "locked" in err and len(err.strip().splitlines()) == 1
    assert ADDRESS.encode() in on_disk(data)  # nothing lost: the next sweep blanks it
    assert sweep(config, capsys)["mail"]["blanked_sent"] == 1
