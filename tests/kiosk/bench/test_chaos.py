"""`kiosk bench chaos` run tiny end to end (real simulators, a real kiosk process killed
with SIGKILL twice), and its counting rules on hand-made books: a lost acknowledgement, a
double application and an unlisted security disagreement are each counted."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.bench import chaos_count
from kiosk.core.outbox import EntryKind, EntryState, OutboxEntry

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_tiny_chaos_run_prints_zeros(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "bench", "chaos", "--visits", "5", "--kills", "2",
         "--payments", "--ils-faults", "--keep", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=280,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["visits"] == 5 and figures["kills"] >= 1
    assert figures["acknowledged"] > 0 and figures["applied_at_ils"] > 0
    for name in ("lost", "doubled", "security_disagrees_unlisted", "charged_unrecorded"):
        assert figures[name] == 0, figures
    assert figures["outbox_pending"] == 0


def entry(kind: EntryKind, item: str, state: EntryState, reason: str = "") -> OutboxEntry:
    return OutboxEntry(
        key=f"k:{kind}:{item}", kind=kind, payload={"item_id": item},
        happened_at=datetime(2026, 11, 25, tzinfo=UTC), state=state, reason=reason,
    )  # fmt: skip


def test_counting_rules_catch_each_failure() -> None:
    fine = chaos_count.ItemBooks({"checkout": 1}, on_loan=True, afi=chaos_count.CHECKED_OUT)
    lost = chaos_count.ItemBooks({"checkout": 0}, on_loan=False, afi=chaos_count.CHECKED_IN)
    doubled = chaos_count.ItemBooks({"checkout": 2}, on_loan=True, afi=chaos_count.CHECKED_OUT)
    unlisted = chaos_count.ItemBooks({"checkout": 1}, on_loan=True, afi=chaos_count.CHECKED_IN)
    listed = chaos_count.ItemBooks({"checkout": 1}, on_loan=True, afi=chaos_count.CHECKED_IN)
    items = {"A": fine, "B": lost, "C": doubled, "D": unlisted, "E": listed}
    chaos_count.sort_entries(
        items,
        [
            entry(EntryKind.CHECKOUT, "A", EntryState.DONE),
            entry(EntryKind.CHECKOUT, "C", EntryState.DONE),
            entry(EntryKind.CHECKOUT, "D", EntryState.DONE),
            entry(EntryKind.CHECKOUT, "E", EntryState.REJECTED, "interrupted: staff check"),
        ],
    )
    acked = {k: {"checkout"} for k in "ABCD"}  # E was never told: a crash interrupted it
    found = chaos_count.count_items(items, acked)
    assert found["lost"] == 1 and found["doubled"] == 1
    assert found["security_disagrees_unlisted"] == 1  # D; E is on the staff list
