"""The replayer against the ILS simulator over loopback SIP2, on a real SQLite file.

After each test the simulator's counters prove nothing was applied twice or lost.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from backend_sync.store.outbox import OutboxStore
from backend_sync.store.replayer import PassReport, Replayer, ReplayPolicy
from kiosk.core.outbox import EntryKind, EntryState
from simulators.ils.simulator import IlsSimulator

from .library import AT, BLOCKED, JONAS, ONA, checkin, checkout, entry, free_items, with_client


def replay(
    sim: IlsSimulator, store: OutboxStore, policy: ReplayPolicy | None = None, **kw
) -> PassReport:
    async def body(client):  # type: ignore[no-untyped-def]
        return await Replayer(store, client, policy or ReplayPolicy(), **kw).run_pass()

    return asyncio.run(with_client(sim, body))


def dead_kiosk(store: OutboxStore) -> OutboxStore:
    """Another process on the same store file (a kiosk that was killed): its live entries
    are not this process's, so only live_grace_s protects them."""
    return OutboxStore(store.engine)


def test_offline_entries_replay_in_order_with_no_block_and_the_kiosks_date(sim, store) -> None:
    a, b = free_items(sim, 2)
    for e in (
        checkout("k1", JONAS, a),
        checkout("k2", BLOCKED, b),  # blocked: only no-block gets it through
        checkin("k3", a, at=AT + timedelta(hours=1)),
        checkout("k4", ONA, a, at=AT + timedelta(hours=2)),
    ):
        assert store.add(e)
    report = replay(sim, store)
    assert report == PassReport(done=4)
    assert sim.library.count("checkout", a) == 2 and sim.library.count("checkin", a) == 1
    assert sim.library.loan(a).patron == ONA
    assert sim.library.loan(a).start == AT + timedelta(hours=2)
    assert sim.library.loan(b).start == AT
    assert store.get("k1").state is EntryState.DONE and store.get("k1").result["ok"] is True
    assert store.summary().pending == 0 and store.summary().last_success


def test_plain_replay_when_the_ils_ignores_no_block_goes_to_reconciliation(sim, store) -> None:
    a, b = free_items(sim, 2)
    due = datetime(2026, 12, 4, 23, 59, 59)
    store.add(checkout("ok", JONAS, a, due=due.isoformat()))
    store.add(checkout("blocked", BLOCKED, b))
    report = replay(sim, store, ReplayPolicy(honours_no_block=False))
    assert report.done == 1 and report.rejected == 1
    assert sim.library.loan(a).start > AT  # a plain checkout: the ILS's own date and rules
    assert sim.library.loan(b) is None
    [rejected] = store.rejected()
    assert rejected.entry.key == "blocked" and rejected.entry.reason and rejected.rejected_at


def test_refusals_are_recorded_with_the_ils_reason_and_replay_goes_on(sim, store) -> None:
    (a,) = free_items(sim, 1)
    store.add(checkin("not-on-loan", a))
    store.add(checkout("then", JONAS, a))
    report = replay(sim, store)
    assert report.rejected == 1 and report.done == 1
    assert store.get("not-on-loan").state is EntryState.REJECTED
    assert store.get("not-on-loan").reason != ""


def test_unreachable_ils_stops_the_pass_and_loses_nothing(sim, store) -> None:
    a, b = free_items(sim, 2)
    store.add(checkout("k1", JONAS, a))
    store.add(checkout("k2", JONAS, b))

    async def body(client):  # type: ignore[no-untyped-def]
        await client.connect()
        sim.set_offline("refuse")
        replayer = Replayer(store, client)
        down = await replayer.run_pass()
        sim.set_online()
        return down, await replayer.run_pass()

    down, up = asyncio.run(with_client(sim, body))
    assert down.unreachable and "k1" in down.stopped and down.done == 0
    assert up == PassReport(done=2, recovered=1) or up == PassReport(done=2)
    assert sim.library.count("checkout", a) == 1 and sim.library.count("checkout", b) == 1
    assert store.get("k1").attempts >= 1


def test_in_doubt_entry_already_applied_is_recovered_not_resent(sim, store) -> None:
    a, b = free_items(sim, 2)
    store.add(checkout("applied", JONAS, a))
    store.add(checkout("not-applied", JONAS, b))
    store.claim({"applied": {}, "not-applied": {}})  # as a process killed mid-window leaves it
    sim.library.checkout(JONAS, a, AT, no_block=True)
    report = replay(sim, store)
    assert report.done == 2 and report.recovered == 1
    assert sim.library.count("checkout", a) == 1 and sim.library.count("checkout", b) == 1
    assert store.get("applied").result["recovered"] is True


def test_lost_answer_is_recovered_by_the_client_without_a_second_loan(sim, store) -> None:
    a, b = free_items(sim, 2)
    store.add(checkout("k1", JONAS, a))
    store.add(checkin("k2", a))
    store.add(checkout("k3", JONAS, b))

    async def body(client):  # type: ignore[no-untyped-def]
        await client.connect()
        sim.faults.arm("drop_after")  # the first checkout: applied, its answer lost
        return await Replayer(store, client).run_pass()

    assert asyncio.run(with_client(sim, body)).done == 3
    assert sim.library.count("checkout", a) == 1 and sim.library.count("checkin", a) == 1


def test_live_entry_waits_for_the_domain_then_is_checked_before_sending(sim, store) -> None:
    a, b = free_items(sim, 2)
    now = datetime.now()
    store.add(checkout("offline", JONAS, a))
    dead_kiosk(store).add(checkout("live", JONAS, b, offline=False))
    store.add(checkin("after", a))
    waiting = replay(sim, store, ReplayPolicy(live_grace_s=3600), clock=lambda: now)
    assert waiting.done == 1 and "live" in waiting.stopped and not waiting.unreachable
    sim.library.checkout(JONAS, b, AT)  # the domain had sent it before it crashed
    later = replay(sim, store, ReplayPolicy(live_grace_s=0))
    assert later.done == 1 and later.rejected == 1 and later.recovered == 1
    assert sim.library.count("checkout", b) == 1 and sim.library.loan(a) is None
    # applied, but the kiosk never finished (its security write): staff check the item
    live = store.get("live")
    assert live.state is EntryState.REJECTED and live.result["applied"] is True
    assert live.reason.startswith("interrupted") and "security" in live.reason


def test_interrupted_live_entry_not_applied_goes_to_staff_unsent(sim, store) -> None:
    (a,) = free_items(sim, 1)
    dead_kiosk(store).add(checkout("live", JONAS, a, offline=False))  # died before the answer
    report = replay(sim, store, ReplayPolicy(live_grace_s=0))
    assert report.rejected == 1 and "interrupted" in store.get("live").reason
    assert sim.library.count("checkout", a) == 0


def test_a_slow_live_entry_of_this_process_is_left_to_its_domain_past_the_grace(sim, store) -> None:
    """The kiosk is alive and still sending (a slow ILS, a slow pad write): a replayer in the
    same process must not take the entry for a dead kiosk's and send it to staff."""
    (a,) = free_items(sim, 1)
    store.add(checkout("slow", JONAS, a, offline=False))
    sim.library.checkout(JONAS, a, AT)  # the ILS applied it; the domain writes security now
    later = datetime.now() + timedelta(seconds=30)
    report = replay(sim, store, ReplayPolicy(live_grace_s=0), clock=lambda: later)
    assert "slow" in report.stopped and store.get("slow").state is EntryState.PENDING
    store.mark_done("slow", {"ok": True})  # the domain finished its side
    assert store.get("slow").state is EntryState.DONE
    # a domain that never settles its entry cannot stall replay for ever
    store.add(checkout("stuck", ONA, a, offline=False))
    policy = ReplayPolicy(live_grace_s=0, live_here_max_s=10)
    report = replay(sim, store, policy, clock=lambda: later)
    assert report.rejected == 1 and store.get("stuck").reason.startswith("interrupted")


def test_live_entry_the_domain_kept_for_replay_is_replayed_with_no_block(sim, store) -> None:
    (a,) = free_items(sim, 1)
    store.add(checkout("went-offline", BLOCKED, a, offline=False))
    store.note_attempt("went-offline", "offline: kept for replay")  # the ILS stopped answering
    assert replay(sim, store).done == 1  # checked first (not applied), then sent, no-block
    assert sim.library.loan(a).patron == BLOCKED and sim.library.loan(a).start == AT


def test_renewal_in_doubt_whose_due_date_cannot_tell_goes_to_staff(sim, store) -> None:
    (a,) = free_items(sim, 1)
    sim.library.checkout(JONAS, a, datetime.now())
    store.add(entry("r1", EntryKind.RENEW, card=JONAS, item_id=a))
    due = sim.library.loan(a).due
    store.claim({"r1": {"due_date_text": "never-this-date"}})
    sim.library.renew(JONAS, a, datetime.now())
    report = replay(sim, store)
    assert report.done == 1 and report.recovered == 1  # the due date moved: it was applied
    assert sim.library.count("renew", a) == 1
    store.add(entry("r2", EntryKind.RENEW, card=JONAS, item_id=a))
    store.claim({"r2": {}})  # no date read before the send: nothing can tell
    assert replay(sim, store).rejected == 1
    assert "outcome unknown" in store.get("r2").reason
    assert sim.library.count("renew", a) == 1 and sim.library.loan(a).due >= due


def test_renewal_and_payment_replayed_with_their_checks(sim, store) -> None:
    (a,) = free_items(sim, 1)
    sim.library.checkout(JONAS, a, AT)
    store.add(entry("r", EntryKind.RENEW, card=JONAS, item_id=a))
    store.add(entry("f", EntryKind.FEE_PAID, card="2100000005", amount="2.40"))
    assert replay(sim, store).done == 2
    assert sim.library.count("renew", a) == 1 and sim.library.count("fee_paid") == 1
    assert store.get("f").result["accepted"] is True


def test_broken_payloads_and_unknown_kinds_are_rejected_not_dropped(sim, store) -> None:
    store.add(entry("no-item", EntryKind.CHECKOUT, card=JONAS))
    store.add(entry("locker", EntryKind.LOCKER_EVENT, door=3))
    store.add(entry("nan", EntryKind.FEE_PAID, card="2100000005", amount="NaN"))
    report = replay(sim, store)
    assert report.rejected == 3 and "amount" in store.get("nan").reason
    assert "item_id" in store.get("no-item").reason
    assert "locker_event" in store.get("locker").reason
    assert sim.library.count("checkout") == 0


def test_only_one_replayer_per_store_file(sim, store) -> None:
    store.add(checkin("k1", free_items(sim, 1)[0]))
    with store.replay_lock() as mine:  # as the kiosk's worker holds it during a pass
        assert mine
        blocked = replay(sim, store)
    assert blocked.stopped == "another process is replaying this outbox"
    assert store.get("k1").attempts == 0
    assert replay(sim, store).rejected == 1  # the lock is free again (the book was not on loan)


def test_in_doubt_entry_the_ils_cannot_be_asked_about_goes_to_staff(sim, store) -> None:
    (a,) = free_items(sim, 1)
    store.add(checkout("k1", JONAS, a))
    store.claim({"k1": {}})
    sim.set_supported(off=["17"])  # item information switched off at the ACS
    report = replay(sim, store)
    assert report.rejected == 1 and "outcome unknown" in store.get("k1").reason
    assert sim.library.count("checkout", a) == 0
