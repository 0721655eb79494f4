"""The outbox on a real SQLite file: durable before return, unique keys, order, the port."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend_sync.store.database import open_store
from backend_sync.store.outbox import OutboxStore, Outcome, SqliteOutbox
from kiosk.core.outbox import EntryKind, EntryState, Outbox, OutboxEntry

from .library import AT, JONAS, checkin, checkout


def test_an_added_entry_is_on_disk_when_add_returns(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    assert OutboxStore(open_store(path)).add(checkout("k1", JONAS, "111"))
    again = OutboxStore(open_store(path)).get("k1")  # another engine: what a restart sees
    assert again is not None and again.payload == {"card": JONAS, "item_id": "111"}
    assert again.state is EntryState.PENDING and again.happened_at == AT and again.offline


def test_an_idempotency_key_is_stored_once(store: OutboxStore) -> None:
    assert store.add(checkout("k1", JONAS, "111"))
    assert not store.add(checkout("k1", JONAS, "222"))
    assert store.get("k1").payload["item_id"] == "111"
    assert len(store.pending()) == 1


def test_pending_is_oldest_first_and_results_are_recorded(store: OutboxStore) -> None:
    for index in range(5):
        store.add(checkin(f"k{index}", str(index)))
    store.mark_done("k1", {"ok": True})
    store.mark_rejected("k3", "not on loan", {"ok": False})
    store.note_attempt("k0", "unreachable")
    assert [e.key for e in store.pending()] == ["k0", "k2", "k4"]
    assert store.pending(limit=2)[1].key == "k2"
    assert store.get("k0").attempts == 1 and store.get("k0").reason == "unreachable"
    assert store.get("k1").result == {"ok": True}
    summary = store.summary()
    assert (summary.pending, summary.done, summary.rejected) == (3, 1, 1)
    assert summary.oldest_pending == AT.isoformat() and summary.last_reason == "unreachable"
    [rejected] = store.rejected()
    assert rejected.entry.key == "k3" and rejected.entry.reason == "not on loan"
    assert rejected.rejected_at and summary.unresolved == 1
    assert store.resolve("k3", "fixed at the desk") and not store.resolve("k3")
    assert not store.resolve("k0")  # pending, not rejected
    assert store.rejected() == [] and store.summary().unresolved == 0
    assert store.rejected(include_resolved=True)[0].resolved_note == "fixed at the desk"


def test_claim_marks_in_doubt_and_record_clears_it(store: OutboxStore) -> None:
    store.add(checkin("a", "1"))
    store.add(checkin("b", "2"))
    store.claim({"a": {"due_date_text": "x"}, "b": {}})
    head = store.head(10)
    assert all(q.in_doubt for q in head) and head[0].check == {"due_date_text": "x"}
    store.record([Outcome("a", EntryState.DONE, {"ok": True})], unsent=["b"], reason="down")
    [left] = store.head(10)
    assert left.entry.key == "b" and not left.in_doubt and left.entry.reason == "down"
    assert store.summary().in_doubt == 0


def test_the_async_port_is_the_core_protocol(store: OutboxStore) -> None:
    async def body(outbox: Outbox) -> list[OutboxEntry]:
        assert await outbox.add(checkout("k1", JONAS, "1"))
        assert not await outbox.add(checkout("k1", JONAS, "1"))
        await outbox.add(checkin("k2", "1"))
        await outbox.note_attempt("k1", "timeout")
        await outbox.mark_done("k2", {"ok": True})
        await outbox.add(checkin("k3", "2"))
        await outbox.mark_rejected("k3", "refused", {})
        assert (await outbox.get("k2")).state is EntryState.DONE
        assert await outbox.get("nope") is None
        return await outbox.pending()

    woken: list[bool] = []
    port = SqliteOutbox(store, on_added=lambda: woken.append(True))
    assert [e.key for e in asyncio.run(body(port))] == ["k1"]
    assert len(woken) == 3  # k1, k2, k3: not the repeated k1


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    key=st.text(min_size=1, max_size=60),
    kind=st.sampled_from(list(EntryKind)),
    payload=st.dictionaries(st.text(max_size=12), json_values, max_size=5),
    at=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    offline=st.booleans(),
)
def test_any_entry_comes_back_as_it_was_stored(store, key, kind, payload, at, offline) -> None:
    entry = OutboxEntry(key=key, kind=kind, payload=payload, happened_at=at, offline=offline)
    if store.add(entry):
        assert store.get(key) == entry
    else:
        assert store.get(key) is not None


def test_queued_before_sees_only_older_pending_entries_about_the_item(store: OutboxStore) -> None:
    store.add(checkout("loan", JONAS, "111"))  # kept offline, not replayed yet
    store.add(checkin("other", "222"))
    store.add(checkin("return", "111", offline=False))
    assert store.queued_before("return", "111")  # must wait behind the loan
    assert not store.queued_before("return", "333")  # nothing pending about 333
    assert not store.queued_before("loan", "111")  # nothing is older than the loan
    store.mark_done("loan", {"ok": True})
    assert not store.queued_before("return", "111")  # settled: the return may go live


def test_keep_for_replay_makes_a_live_entry_an_offline_one(store: OutboxStore) -> None:
    store.add(checkin("live", "111", offline=False))
    store.keep_for_replay("live", "offline: kept for replay")
    kept = store.get("live")
    assert kept.offline and kept.state is EntryState.PENDING and kept.attempts == 0
    store.mark_done("live", {"ok": True})
    store.keep_for_replay("live", "late")  # a settled entry stays as it is
    assert store.get("live").state is EntryState.DONE


def test_a_live_refusal_is_settled_off_the_staff_list_and_scrubbed(store: OutboxStore) -> None:
    store.add(checkout("refused", JONAS, "111", offline=False))  # a reference book, say
    store.add(checkout("unknown", JONAS, "222", offline=False))
    store.mark_refused("refused", "Leidinys neišduodamas", {"ok": False})
    store.mark_rejected("unknown", "outcome unknown: staff must check", {})
    assert [r.entry.key for r in store.rejected()] == ["unknown"]  # only what staff must do
    refused = store.get("refused")
    assert refused.state is EntryState.REJECTED and refused.reason == "Leidinys neišduodamas"
    assert refused.payload["card"] != JONAS and refused.payload["card"].endswith(JONAS[-4:])
    assert store.get("unknown").payload["card"] == JONAS  # kept until staff resolve it
