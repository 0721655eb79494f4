"""`kiosk registration list|resend|purge` on a real queue file and the Koha simulator over
loopback: masked listing, the resend exit codes (0 sent, 1 refused, 3 unreachable), purge."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from backend_sync.registration.queue import RegistrationQueueFile
from kiosk.cli import main
from kiosk.core.clock import SystemClock
from kiosk.core.registration import QueueState
from simulators.models.registration import SAMPLE_APPLICATION as APP
from simulators.models.registration import SAMPLE_PERSONAL_DATA as PERSONAL
from simulators.registration.server import RegistrationSimulator

ZONE = "Europe/Vilnius"


@pytest.fixture
def sim():
    sim = RegistrationSimulator("koha", client_id="kiosk", client_secret="s3cret").start()
    yield sim
    sim.stop()


@pytest.fixture
def config(tmp_path, sim) -> str:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\ntimezone = "{ZONE}"\n'
        '[log]\nlevel = "error"\n'
        f'[registration]\nbackend = "koha"\nbase_url = "{sim.url}"\nclient_id = "kiosk"\n'
        'client_secret = "s3cret"\ntemporary_category = "TEMP"\nlibrary_id = "CPL"\n',
        encoding="utf-8",
    )
    return str(path)


def queue(tmp_path) -> RegistrationQueueFile:
    return RegistrationQueueFile(tmp_path / "data" / "registration.sqlite", "koha")


def now() -> datetime:
    return SystemClock(ZONE).now()


def test_list_shows_today_masked(tmp_path, config, capsys) -> None:
    q = queue(tmp_path)
    q.write_ahead_now("k-sent", APP, now())
    q.settle_now("k-sent", QueueState.SENT, "sent", "1001", now())
    q.write_ahead_now("k-waiting", APP, now())
    q.keep_now("k-waiting", "GET /api/v1/patrons: HTTP 503", now())
    assert main(["--config", config, "registration", "list", "--json"]) == 0
    out = capsys.readouterr().out
    listed = json.loads(out)["applications"]
    assert sorted(r["state"] for r in listed) == ["pending", "sent"]
    assert {r["number"] for r in listed} == {"1001", "—"}
    assert all(r["backend"] == "koha" and len(r["ref"]) == 8 for r in listed)
    assert not [value for value in PERSONAL if value in out] and "k-waiting" not in out
    assert main(["--config", config, "registration", "list"]) == 0
    table = capsys.readouterr().out
    assert "2 application(s)" in table and "1001" in table
    yesterday = (now() - timedelta(days=1)).date().isoformat()
    assert main(["--config", config, "registration", "list", "--day", yesterday, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["applications"] == []


def test_resend_sends_pending_ones_exactly_once(tmp_path, config, sim, capsys) -> None:
    queue(tmp_path).write_ahead_now("k1", APP, now())
    assert main(["--config", config, "registration", "resend"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["sent"] == 1 and report["pending"] == 0 and sim.created == 1
    assert main(["--config", config, "registration", "resend"]) == 0  # nothing left
    assert sim.created == 1
    [row] = queue(tmp_path).rows()
    assert row.state == "sent" and row.number == sim.model.records[0].record_id


def test_resend_exit_codes_for_refused_and_unreachable(tmp_path, config, sim, capsys) -> None:
    queue(tmp_path).write_ahead_now("k1", APP, now())
    sim.faults.unreachable = True
    assert main(["--config", config, "registration", "resend"]) == 3
    assert json.loads(capsys.readouterr().out)["pending"] == 1
    sim.faults.unreachable = False
    sim.model.add_existing(APP.email)
    assert main(["--config", config, "registration", "resend"]) == 1
    assert [r.state for r in queue(tmp_path).rows()] == ["duplicate"]


def test_purge_needs_confirmation_for_pending_ones(tmp_path, config, capsys) -> None:
    q = queue(tmp_path)
    q.write_ahead_now("k1", APP, now() - timedelta(days=40))
    q.settle_now("k1", QueueState.SENT, "sent", "1001", now() - timedelta(days=40))
    q.write_ahead_now("k2", APP, now() - timedelta(days=40))
    assert main(["--config", config, "registration", "purge"]) == 0
    assert json.loads(capsys.readouterr().out)["deleted"] == 1
    assert main(["--config", config, "registration", "purge", "--pending"]) == 2
    assert [r.state for r in q.rows()] == ["pending"]
    args = ["purge", "--pending", "--yes-delete-pending", "--older-than-days", "0"]
    assert main(["--config", config, "registration", *args]) == 0
    assert q.rows() == []


def test_without_a_registration_table_it_is_a_usage_error(tmp_path, capsys) -> None:
    path = tmp_path / "bare.toml"
    path.write_text(f'[kiosk]\ndata_dir = "{tmp_path}"\n', encoding="utf-8")
    assert main(["--config", str(path), "registration", "list"]) == 2
    assert "[registration]" in capsys.readouterr().err


def test_help_texts(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["registration", "--help"])
    text = capsys.readouterr().out
    assert "list" in text and "resend" in text and "purge" in text and "exit" in text.lower()
