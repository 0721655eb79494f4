"""`kiosk store check|recover` on real SQLite files, and the running kiosk's store health
(kiosk.wiring.core_parts.watch_store: /health's device "store", always essential)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from backend_sync.store.database import StoreError, open_store
from backend_sync.store.faults import hold_in_use
from backend_sync.store.outbox import OutboxStore
from kiosk.cli import main
from kiosk.core.health import DeviceHealth, DeviceState, summarise
from kiosk.core.outbox import EntryKind, OutboxEntry
from kiosk.settings import load_settings
from kiosk.wiring.core_parts import build_local_store
from kiosk.wiring.store_health import watch_store

sys.path.insert(0, str(Path(__file__).parents[2] / "backend_sync" / "store"))
from disk_faults import damage, read_only

NOW = datetime.fromisoformat("2026-11-20T10:00:00+02:00")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\n\n[log]\nlevel = "error"\n')
    return path


def store(capsys, config: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--config", str(config), "store", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def add(db: Path, count: int) -> None:
    outbox = OutboxStore(open_store(db))
    for n in range(count):
        payload = {"item_id": f"i{n}", "card": "2100000002"}
        outbox.add(OutboxEntry(f"k/{n}", EntryKind.CHECKOUT, payload, NOW, offline=True))
    outbox.compact()
    outbox.engine.dispose()


def test_check_a_healthy_store(config: Path, tmp_path: Path, capsys) -> None:
    add(tmp_path / "data" / "store.sqlite", 3)
    code, out, _ = store(capsys, config, "check")
    assert code == 0
    assert out.splitlines()[:3] == [
        f"store {tmp_path / 'data' / 'store.sqlite'}: ok",
        "  ok",
        "  waiting for the library system: 3",
    ]
    code, out, _ = store(capsys, config, "check", "--json")
    assert code == 0 and json.loads(out)["pending"] == 3


def test_a_damaged_store_is_found_and_recovered_only_with_yes(config, tmp_path, capsys) -> None:
    db = tmp_path / "data" / "store.sqlite"
    add(db, 5)
    damage(db, range(0, 1))
    code, out, _ = store(capsys, config, "check")
    assert code == 1 and "FAULT: corrupt" in out and "kiosk store recover --yes" in out
    code, _, err = store(capsys, config, "recover")
    assert code == 2 and "--yes" in err
    assert db.exists() and not list(db.parent.glob("*.corrupt-*"))  # nothing moved
    with hold_in_use(db):  # the kiosk runs
        code, _, err = store(capsys, config, "recover", "--yes")
        assert code == 1 and "a running kiosk uses this store; stop it first" in err
    code, out, _ = store(capsys, config, "recover", "--yes")
    assert code == 0 and out.startswith(f"set aside: {db}.corrupt-")
    assert len(list(db.parent.glob("store.sqlite.corrupt-*"))) == 1
    assert store(capsys, config, "check")[0] == 0
    code, _, err = store(capsys, config, "recover", "--yes")
    assert code == 1 and "nothing to recover" in err


def test_the_running_kiosk_reports_its_store_down_and_up(config, tmp_path, capsys) -> None:
    settings = load_settings(config)
    outbox, _, _ = build_local_store(settings)
    reports: list[DeviceHealth] = []

    class Health:
        def report(self, health: DeviceHealth) -> None:
            reports.append(health)

        def printer_paper(self, state: object) -> None: ...

    release = watch_store(settings, outbox, Health())
    assert [(h.device, h.state) for h in reports] == [("store", DeviceState.OK)]
    entry = OutboxEntry("k/1", EntryKind.CHECKOUT, {"item_id": "i1"}, NOW, offline=True)
    with read_only(tmp_path / "data"), pytest.raises(Exception):  # noqa: B017 (any: core)
        outbox.engine.dispose()  # connections made from now on see the read-only disk
        outbox.add(entry)
    outbox.engine.dispose()
    assert reports[-1].state is DeviceState.DOWN and reports[-1].reason
    assert summarise(reports[-1:]).status is DeviceState.DOWN  # essential without [metrics]
    assert outbox.add(entry)  # writable again: the first commit clears it
    assert reports[-1].state is DeviceState.OK
    release()
    outbox.engine.dispose()


def test_a_store_damaged_inside_is_quarantined_at_start(config, tmp_path, capsys) -> None:
    db = tmp_path / "data" / "store.sqlite"
    add(db, 300)
    pages = db.stat().st_size // 4096
    damage(db, range(pages - 3, pages - 1))  # the header is fine: the store still opens
    settings = load_settings(config)
    outbox, _, _ = build_local_store(settings)
    reports: list[DeviceHealth] = []
    health = type("Health", (), {"report": lambda _self, h: reports.append(h)})()
    release = watch_store(settings, outbox, health)
    assert [(h.state, h.reason) for h in reports] == [(DeviceState.DOWN, "corrupt")]
    entry = OutboxEntry("k/new", EntryKind.CHECKOUT, {"item_id": "i"}, NOW, offline=True)
    with pytest.raises(StoreError, match="the store is corrupt: refused"):
        outbox.add(entry)
    release()
    outbox.engine.dispose()
    assert store(capsys, config, "recover", "--yes")[0] == 0
    assert store(capsys, config, "check")[0] == 0


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="kiosk run needs Xvfb here")
def test_kiosk_run_refuses_a_damaged_store_in_one_line(tmp_path: Path) -> None:
    demo = (Path(__file__).parents[3] / "config" / "demo.toml").read_text(encoding="utf-8")
    config = tmp_path / "kiosk.toml"
    config.write_text(demo.replace('data_dir = "var/demo"', f'data_dir = "{tmp_path}"'))
    (tmp_path / "store.sqlite").write_bytes(bytes(range(256)) * 64)  # not a database
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "run", "--virtual-display",
         "--exit-after", "5"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        f"kiosk: {tmp_path / 'store.sqlite'}: cannot migrate the store: file is not a database;"
        " see `kiosk store check`"
    )
    assert (tmp_path / "store.sqlite").read_bytes() == bytes(range(256)) * 64  # untouched
