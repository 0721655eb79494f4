"""The registration queue file: 0600, WAL, secure_delete; details held only while pending and
gone from the file, its -wal and -shm once the library system answered (a byte scan)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import stat
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from backend_sync.registration.koha import KohaRegistration
from backend_sync.registration.queue import (
    RegistrationQueueFile,
    decode_application,
    encode_application,
    key_hash,
)
from kiosk.core.registration import Queued, QueueState, Refused, Sent, resend_pending, send_or_queue
from simulators.models.registration import SAMPLE_APPLICATION as APP
from simulators.models.registration import SAMPLE_PERSONAL_DATA as PERSONAL
from simulators.registration.server import RegistrationSimulator

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def koha(sim: RegistrationSimulator) -> KohaRegistration:
    return KohaRegistration(
        sim.url, "kiosk", "s3cret", category_id="TEMP", library_id="CPL", timeout_s=2.0
    )


def store_bytes(path: Path) -> bytes:
    files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    return b"".join(f.read_bytes() for f in files if f.exists())


def personal_traces(data: bytes) -> list[str]:
    found = []
    for value in (*PERSONAL, APP.phone, APP.address.postcode):
        forms = {value.encode("utf-8"), json.dumps(value)[1:-1].encode("ascii")}
        if any(form in data for form in forms):
            found.append(value)
    return found


def test_the_file_is_private_and_in_wal_mode(tmp_path) -> None:
    queue = RegistrationQueueFile(tmp_path / "data" / "registration.sqlite", "koha")
    queue.write_ahead_now("k1", APP, T0)
    for name in ("registration.sqlite", "registration.sqlite-wal", "registration.sqlite-shm"):
        path = tmp_path / "data" / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    with sqlite3.connect(queue.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_application_round_trips_through_its_serialisation() -> None:
    assert decode_application(encode_application(APP)) == APP


def test_write_ahead_holds_the_details_and_a_second_write_is_a_no_op(tmp_path) -> None:
    queue = RegistrationQueueFile(tmp_path / "q.sqlite", "koha")
    queue.write_ahead_now("k1", APP, T0)
    queue.write_ahead_now("k1", APP, T0 + timedelta(minutes=1))
    [held] = queue.pending_now()
    assert held.key == "k1" and held.application == APP and held.queued_at == T0
    assert queue.backlog_now(T0 + timedelta(minutes=2)).oldest_age_s == 120.0
    assert personal_traces(store_bytes(queue.path))  # the scan does see them while held


def test_settling_keeps_only_what_staff_may_see(tmp_path) -> None:
    queue = RegistrationQueueFile(tmp_path / "q.sqlite", "folio")
    queue.write_ahead_now("k1", APP, T0)
    queue.keep_now("k1", "HTTP 503", T0 + timedelta(seconds=5))
    queue.settle_now("k1", QueueState.SENT, "sent", "1001", T0 + timedelta(minutes=1))
    [row] = queue.rows(date(2026, 3, 2))
    assert (row.key_hash, row.state, row.number, row.backend) == (
        key_hash("k1"),
        "sent",
        "1001",
        "folio",
    )
    assert row.attempts == 2 and row.settled_at == (T0 + timedelta(minutes=1)).isoformat()
    assert queue.pending_now() == [] and queue.backlog_now(T0).pending == 0
    assert personal_traces(store_bytes(queue.path)) == []
    assert b"k1" not in store_bytes(queue.path).replace(key_hash("k1").encode(), b"")


def test_a_completed_registration_leaves_no_byte_of_the_applicant(tmp_path, koha_sim) -> None:
    queue = RegistrationQueueFile(tmp_path / "registration.sqlite", "koha")
    for n in range(3):  # several, so pages are reused and checkpoints run in between
        app = APP if n == 0 else APP.__class__(**{**APP.__dict__, "email": f"x{n}@pastas.lt"})
        outcome = asyncio.run(send_or_queue(koha(koha_sim), queue, app, f"key-{n}", T0))
        assert isinstance(outcome, Sent)
    assert koha_sim.created == 3
    assert personal_traces(store_bytes(queue.path)) == []


def test_after_an_outage_and_a_resend_no_byte_of_the_applicant_is_left(tmp_path, koha_sim):
    queue = RegistrationQueueFile(tmp_path / "registration.sqlite", "koha")
    koha_sim.faults.unreachable = True
    outcome = asyncio.run(send_or_queue(koha(koha_sim), queue, APP, "key-1", T0))
    assert isinstance(outcome, Queued)
    koha_sim.faults.unreachable = False
    report = asyncio.run(resend_pending(koha(koha_sim), queue, T0 + timedelta(minutes=5)))
    assert report.sent == 1 and koha_sim.created == 1
    assert personal_traces(store_bytes(queue.path)) == []


def test_a_duplicate_is_recorded_in_words_and_scrubbed(tmp_path, koha_sim) -> None:
    queue = RegistrationQueueFile(tmp_path / "registration.sqlite", "koha")
    koha_sim.model.add_existing(APP.email)
    outcome = asyncio.run(send_or_queue(koha(koha_sim), queue, APP, "key-1", T0))
    assert isinstance(outcome, Refused) and outcome.duplicate
    [row] = queue.rows()
    assert row.state == "duplicate" and "already registered" in row.words
    assert personal_traces(store_bytes(queue.path)) == []


def test_purge_deletes_settled_rows_and_pending_ones_only_when_asked(tmp_path) -> None:
    queue = RegistrationQueueFile(tmp_path / "q.sqlite", "koha")
    queue.write_ahead_now("old", APP, T0)
    queue.settle_now("old", QueueState.SENT, "sent", "1", T0)
    queue.write_ahead_now("waiting", APP, T0)
    later = T0 + timedelta(days=40)
    assert queue.purge(later) == 1
    assert [r.state for r in queue.rows()] == ["pending"]
    assert queue.purge(later, pending=True) == 1
    assert queue.rows() == [] and queue.pending_now() == []
    assert personal_traces(store_bytes(queue.path)) == []
