"""`kiosk sync status|flush|report` and `kiosk stats` against a real store and the ILS simulator."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

from backend_sync.store.database import open_store
from backend_sync.store.outbox import OutboxStore
from backend_sync.store.statistics import StoreStatistics
from kiosk.cli import main
from kiosk.core.stats import SessionRecord, TransactionRecord
from kiosk.settings import ConfigError, load_settings
from kiosk.wiring.core_parts import build_local_store, build_sync_worker, store_path
from simulators.ils.simulator import IlsSimulator

from .library import BLOCKED, JONAS, checkin, checkout, free_items


def config(tmp_path: Path, sim: IlsSimulator | None = None, extra: str = "") -> str:
    ils = (
        f'[ils]\nhost = "{sim.host}"\nport = {sim.port}\nusername = "kiosk1"\n'
        f'password = "demo"\nencoding = "utf-8"\ntimeout_s = 2\nretries = 0\n'
        f"honours_no_block = false\n"
        if sim
        else ""
    )
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[kiosk]\nid = "kiosk-7"\ndata_dir = "{tmp_path}"\n[log]\nlevel = "error"\n{ils}{extra}',
        encoding="utf-8",
    )
    return str(path)


def outbox(tmp_path: Path) -> OutboxStore:
    return OutboxStore(open_store(tmp_path / "store.sqlite"))


def test_status_flush_and_the_reconciliation_report(tmp_path, capsys) -> None:
    with IlsSimulator(encoding="utf-8") as sim:
        (item,) = free_items(sim, 1)
        path = config(tmp_path, sim)
        store = outbox(tmp_path)
        store.add(checkout("k1", JONAS, item))
        store.add(checkout("k2", BLOCKED, free_items(sim, 2)[1]))
        store.add(checkin("k3", item))
        assert main(["--config", path, "sync", "status"]) == 0
        assert json.loads(capsys.readouterr().out)["pending"] == 3
        assert main(["--config", path, "sync", "flush"]) == 0
        flushed = json.loads(capsys.readouterr().out)
        assert (flushed["done"], flushed["rejected"], flushed["pending"]) == (2, 1, 0)
        assert sim.library.count("checkout", item) == 1
    assert main(["--config", path, "sync", "report"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["key"] == "k2" and row["reason"] and row["card"] != BLOCKED
    assert main(["--config", path, "sync", "report", "--csv", "--show-cards"]) == 0
    [line] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert line["card"] == BLOCKED and line["kind"] == "checkout"
    assert main(["--config", path, "sync", "status"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert (status["done"], status["rejected"]) == (2, 1) and status["last_success"]
    assert main(["--config", path, "sync", "resolve", "k2", "--note", "lent at the desk"]) == 0
    capsys.readouterr()
    assert main(["--config", path, "sync", "resolve", "k2"]) == 1
    assert "no unresolved" in capsys.readouterr().err
    assert main(["--config", path, "sync", "report"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["--config", path, "sync", "report", "--all"]) == 0
    [resolved] = json.loads(capsys.readouterr().out)
    assert resolved["resolved_note"] == "lent at the desk" and resolved["resolved_at"]
    assert main(["--config", path, "sync", "report", "--all", "--show-cards"]) == 0
    [scrubbed] = json.loads(capsys.readouterr().out)  # resolved: the card is gone for good
    assert scrubbed["card"] == "******0003" and scrubbed["item_id"]


def test_flush_with_the_ils_down_exits_3_and_keeps_everything(tmp_path, capsys) -> None:
    with IlsSimulator(encoding="utf-8") as sim:
        path = config(tmp_path, sim)
        outbox(tmp_path).add(checkin("k1", free_items(sim, 1)[0]))
        sim.set_offline("refuse")
        assert main(["--config", path, "sync", "flush"]) == 3
    report = json.loads(capsys.readouterr().out)
    assert report["unreachable"] and report["pending"] == 1


def test_flush_without_an_ils_table_is_a_usage_error(tmp_path, capsys) -> None:
    assert main(["--config", config(tmp_path), "sync", "flush"]) == 2
    assert "[ils]" in capsys.readouterr().err


def test_stats_json_and_csv(tmp_path, capsys) -> None:
    path = config(tmp_path)
    stats = StoreStatistics(open_store(tmp_path / "store.sqlite"), "kiosk-7")
    day = datetime(2026, 11, 24, 10)
    stats.record_session(SessionRecord(day, day.replace(minute=3), "done"))
    stats.record_transaction(TransactionRecord(day, "checkout", False, "blocked"))
    args = ["--config", path, "stats", "--from", "2026-11-01", "--to", "2026-11-30"]
    assert main(args) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["kiosk"] == "kiosk-7" and row["refused:blocked"] == 1
    assert main([*args, "--csv"]) == 0
    assert capsys.readouterr().out.startswith("kiosk,day,sessions,")


def test_stats_usage_errors_are_one_line(tmp_path, capsys) -> None:
    path = config(tmp_path)
    assert main(["--config", path, "stats", "--from", "2026-11-30", "--to", "2026-11-01"]) == 2
    assert "before" in capsys.readouterr().err


def test_store_settings_are_validated_with_the_key_named(tmp_path) -> None:
    path = config(tmp_path, extra="[store]\nretry_first_s = 10\nretry_max_s = 5\n")
    try:
        load_settings(path)
    except ConfigError as exc:
        assert "store" in str(exc) and "retry_max_s" in str(exc)
    else:
        raise AssertionError("retry_max_s below retry_first_s was accepted")


def test_the_composition_root_builds_the_store_ports_and_the_worker(tmp_path) -> None:
    settings = load_settings(config(tmp_path, extra='[store]\nfile = "sub/s.sqlite"\n'))
    assert store_path(settings) == tmp_path / "sub" / "s.sqlite"
    store, outbox_port, stats_port = build_local_store(settings)
    worker = build_sync_worker(settings, store, library=None)  # type: ignore[arg-type]
    assert (tmp_path / "sub" / "s.sqlite").is_file()
    assert stats_port.store.kiosk_id == "kiosk-7" and outbox_port.store is store
    assert worker.backoff.first_retry_s == 5.0 and worker.replayer.policy.honours_no_block
