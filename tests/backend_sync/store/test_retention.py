"""Retention in the outbox, on real SQLite files: an entry settled for good (DONE, or REJECTED
and resolved by staff) keeps only the masked card, in the same transaction that settles it;
pending, in-doubt and unresolved entries keep the card; migration 0004 scrubs what an older
version settled; and after compact() the card's bytes are gone from the file and its WAL."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from backend_sync.store.database import current_revision, open_store, upgrade
from backend_sync.store.outbox import OutboxStore, Outcome
from backend_sync.store.replayer import Replayer
from backend_sync.store.retention import DROPPED_FIELDS, kept_with_card, scrub
from backend_sync.store.schema import outbox, stat_offline, stat_session, stat_transaction
from backend_sync.store.statistics import StoreStatistics
from kiosk.core.outbox import EntryKind, EntryState
from kiosk.core.stats import SessionRecord, TransactionRecord
from simulators.ils.simulator import IlsSimulator

from .library import AT, JONAS, ONA, checkout, entry, free_items, with_client


def on_disk(path: Path) -> bytes:
    """Every byte of the store: the file, its WAL and shared-memory index."""
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())


def test_scrub_masks_cards_and_drops_names_mails_phones_and_pins() -> None:
    payload = {
        "card": "2100000001", "pin": "1234", "email": "ona@pastas.lt", "name": "Ona",
        "item_id": "978609", "due": "2026-12-01T00:00:00", "session": "s1",
    }  # fmt: skip
    assert scrub(payload) == {
        "card": "******0001", "item_id": "978609", "due": "2026-12-01T00:00:00", "session": "s1",
    }  # fmt: skip
    result = {"ok": True, "hold_patron_id": "2100000012", "hold_patron_name": "Žygimantas",
              "patron_card": "2100000001", "screen_messages": ["Grąžinta"],
              "nested": [{"phone": "+37060000001", "card": "2100000002"}]}  # fmt: skip
    assert scrub(result) == {
        "ok": True, "hold_patron_id": "******0012", "patron_card": "******0001",
        "screen_messages": ["Grąžinta"], "nested": [{"card": "******0002"}],
    }  # fmt: skip
    assert scrub(scrub(result)) == scrub(result)  # a second sweep changes nothing


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["card", "pin", "email", "item_id", "x"]), inner, max_size=4
        )
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(value=JSON)
def test_scrub_takes_any_json_and_leaves_no_dropped_field(value: Any) -> None:
    text = json.dumps(scrub(value))
    assert not any(f'"{name}"' in text for name in DROPPED_FIELDS)


def test_done_is_scrubbed_at_once_and_pending_and_unresolved_keep_the_card(
    store: OutboxStore,
) -> None:
    store.add(checkout("done", ONA, "I1", pin="1234", email="ona@pastas.lt"))
    store.add(checkout("pending", JONAS, "I2"))
    store.add(checkout("refused", ONA, "I3"))
    store.mark_done("done", {"ok": True, "card": ONA, "due": "2026-12-01"})
    store.mark_rejected("refused", "Item not for loan", {"ok": False})
    done = store.get("done")
    assert done.payload == {"card": "******0001", "item_id": "I1"}
    assert done.result == {"ok": True, "card": "******0001", "due": "2026-12-01"}
    assert done.state is EntryState.DONE and done.kind is EntryKind.CHECKOUT
    assert store.get("pending").payload["card"] == JONAS  # replay needs it
    (line,) = store.rejected()
    assert line.entry.payload["card"] == ONA  # staff fix it by hand with the card
    assert store.resolve("refused", "lent at the desk")
    assert store.get("refused").payload["card"] == "******0001"
    (resolved,) = store.rejected(include_resolved=True)
    assert resolved.resolved_note == "lent at the desk" and resolved.entry.reason
    assert store.summary().done == 1 and store.summary().unresolved == 0


def test_the_card_leaves_the_disk_once_settled_and_the_wal_is_emptied(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    store = OutboxStore(open_store(path))
    store.add(checkout("k1", ONA, "I1"))
    store.add(checkout("k2", JONAS, "I2"))
    assert ONA.encode() in on_disk(path)
    store.mark_done("k1", {"ok": True})
    assert store.compact()
    raw = on_disk(path)
    assert ONA.encode() not in raw and JONAS.encode() in raw  # k2 is still pending
    assert (tmp_path / "store.sqlite-wal").stat().st_size == 0
    store.record([Outcome("k2", EntryState.DONE, {"ok": True})])
    store.compact()
    assert JONAS.encode() not in on_disk(path)


def test_a_replayed_entry_is_scrubbed_and_the_pass_empties_the_wal(
    sim: IlsSimulator, tmp_path: Path
) -> None:
    path = tmp_path / "store.sqlite"
    store = OutboxStore(open_store(path))
    (item,) = free_items(sim, 1)
    store.add(checkout("k1", JONAS, item))

    async def body(client):  # type: ignore[no-untyped-def]
        return await Replayer(store, client).run_pass()

    report = asyncio.run(with_client(sim, body))
    assert report.done == 1 and sim.library.count("checkout", item) == 1
    assert store.get("k1").payload["card"] == "******0002"
    assert JONAS.encode() not in on_disk(path)


def test_kept_with_card_counts_what_still_needs_it(store: OutboxStore) -> None:
    store.add(checkout("p", ONA, "I1"))
    store.add(checkout("r", ONA, "I2"))
    store.add(entry("c", EntryKind.CHECKIN, item_id="I3"))  # a return names no card
    store.mark_rejected("r", "refused", {})
    with store.engine.connect() as db:
        assert kept_with_card(db) == {"pending_with_card": 1, "unresolved_with_card": 1}


def old_row(key: str, state: str, card: str, **extra: Any) -> dict[str, Any]:
    return {
        "key": key, "kind": "checkout", "state": state, "offline": True, "attempts": 1,
        "payload": json.dumps({"card": card, "item_id": key, "name": "Ona Žemaitytė"}),
        "happened_at": AT.isoformat(), "in_doubt": False, "check": "{}",
        "result": json.dumps({"card": card}), "reason": "", "added_at": 0.0,
        "last_attempt_at": "", "finished_at": "", "resolved_at": "", **extra,
    }  # fmt: skip


def test_migration_0004_scrubs_what_an_older_version_settled(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    old = open_store(path, migrate=False)
    upgrade(old, "0003")
    with old.begin() as db:
        db.execute(
            insert(outbox),
            [
                old_row("done", "done", ONA),
                old_row("resolved", "rejected", ONA, resolved_at="2026-11-21T09:00:00"),
                old_row("open", "rejected", JONAS),
                old_row("waiting", "pending", JONAS),
            ],
        )
    old.dispose()
    store = OutboxStore(open_store(path))
    assert current_revision(store.engine) == "0004"
    for key in ("done", "resolved"):
        got = store.get(key)
        assert got.payload == {"card": "******0001", "item_id": key}
        assert got.result == {"card": "******0001"}
    for key in ("open", "waiting"):
        assert store.get(key).payload["card"] == JONAS
        assert store.get(key).payload["name"] == "Ona Žemaitytė"  # untouched until settled


def test_the_statistics_tables_have_no_place_for_a_patron(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    engine = open_store(path)
    stats = StoreStatistics(engine, "kiosk-1")
    stats.record_session(SessionRecord(AT, AT, "done"))
    stats.record_transaction(TransactionRecord(AT, "checkout", False, "blocked"))
    columns = {c.name for t in (stat_session, stat_transaction, stat_offline) for c in t.columns}
    assert columns == {
        "id", "kiosk_id", "day", "started_at", "seconds", "end_reason", "at", "kind", "ok",
        "reason", "offline",
    }  # fmt: skip
    engine.dispose()
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT * FROM stat_transaction").fetchall()
    assert rows == [(1, "kiosk-1", "2026-11-20", AT.isoformat(), "checkout", 0, "blocked", 0)]
