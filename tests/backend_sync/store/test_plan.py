"""The pure parts of replay: choosing a window, and the backoff (properties, no I/O)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from backend_sync.store.ils_replay import subject
from backend_sync.store.outbox import Queued
from backend_sync.store.replayer import ReplayPolicy, plan_window
from backend_sync.store.sync_worker import Backoff
from kiosk.core.outbox import EntryKind, OutboxEntry

from .library import AT

NOW = 1_000_000.0
kinds = st.sampled_from([EntryKind.CHECKOUT, EntryKind.CHECKIN, EntryKind.FEE_PAID])


@st.composite
def queued(draw: st.DrawFn, index: int) -> Queued:
    kind = draw(kinds)
    payload = {"card": draw(st.sampled_from(["c1", "c2"]))}
    if kind is not EntryKind.FEE_PAID:
        payload["item_id"] = draw(st.sampled_from(["i1", "i2", "i3", "i4"]))
    entry = OutboxEntry(
        f"k{index}", kind, payload, AT, offline=draw(st.booleans()),
        attempts=draw(st.integers(0, 2)),
    )  # fmt: skip
    age = draw(st.sampled_from([0, 500, 5000]))
    return Queued(entry, index, draw(st.booleans()), {}, NOW - age, draw(st.booleans()))


@st.composite
def queues(draw: st.DrawFn) -> list[Queued]:
    return [draw(queued(i)) for i in range(draw(st.integers(0, 12)))]


HERE_MAX = 1000.0  # this process's own live entries are its domain's this long


def live_and_fresh(q: Queued, grace: float) -> bool:
    e = q.entry
    left_for = max(grace, HERE_MAX) if q.live_here else grace
    return not e.offline and e.attempts == 0 and not q.in_doubt and NOW - q.added_at < left_for


@given(queue=queues(), size=st.integers(1, 8), grace=st.sampled_from([0.0, 100.0]))
def test_a_window_is_a_prefix_of_distinct_subjects_without_the_domains_entries(
    queue: list[Queued], size: int, grace: float
) -> None:
    policy = ReplayPolicy(window=size, live_grace_s=grace, live_here_max_s=HERE_MAX)
    window, waiting = plan_window(queue, NOW, policy)
    assert window == queue[: len(window)] and len(window) <= size
    assert len({subject(q.entry) for q in window}) == len(window)
    assert not any(live_and_fresh(q, grace) for q in window)
    if queue and not window:
        assert live_and_fresh(queue[0], grace) and waiting
    fees = [q for q in window if q.entry.kind is EntryKind.FEE_PAID]
    assert not fees or window == fees[:1]  # a payment is alone in its window
    if window and len(window) < min(size, len(queue)):  # cut short: for a reason
        following = queue[len(window)]
        assert (
            live_and_fresh(following, grace)
            or subject(following.entry) in {subject(q.entry) for q in window}
            or EntryKind.FEE_PAID in {following.entry.kind, window[-1].entry.kind}
        )


def test_a_payment_is_sent_in_a_window_of_its_own() -> None:
    def q(i: int, kind: EntryKind, **payload: str) -> Queued:
        return Queued(OutboxEntry(f"e{i}", kind, payload, AT, True), i, False, {}, 0)

    queue = [
        q(0, EntryKind.CHECKIN, item_id="i1"),  # may add an overdue fine to c1's account
        q(1, EntryKind.FEE_PAID, card="c1", amount="1.20"),
        q(2, EntryKind.CHECKIN, item_id="i2"),
    ]
    assert [x.entry.key for x in plan_window(queue, NOW, ReplayPolicy())[0]] == ["e0"]
    assert [x.entry.key for x in plan_window(queue[1:], NOW, ReplayPolicy())[0]] == ["e1"]


@given(st.integers(0, 40), st.floats(0.1, 100), st.floats(0.1, 10_000))
def test_backoff_is_bounded_and_never_shrinks_while_failing(
    n: int, first: float, top: float
) -> None:
    backoff = Backoff(first, max(first, top), idle_s=60)
    if n:
        assert first <= backoff.delay(n) <= max(first, top)
        assert backoff.delay(n + 1) >= backoff.delay(n)
