"""`kiosk bench chaos` run tiny end to end (real simulators, a real kiosk process killed
with SIGKILL twice), and its counting rules on hand-made books: a lost acknowledgement, a
double application and an unlisted security disagreement are each counted, and so are a
locker pickup the patron was told of but the ILS never lent, one lent twice and a door left
open with no alarm."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.bench import chaos_count, chaos_lockers
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
    for name in ("lost", "doubled", "security_disagrees_unlisted", "charged_unrecorded",
                 "doors_open_unrecorded"):  # fmt: skip
        assert figures[name] == 0, figures
    assert figures["outbox_pending"] == 0
    assert figures["locker_pickups_told"] >= 1, figures  # visit 0 is a locker visit
    assert figures["locker_pickups_applied"] >= figures["locker_pickups_told"]
    mail = [json.loads(x) for x in (tmp_path / "mail.jsonl").read_text().splitlines()]
    assert mail and all(m["code"] for m in mail)  # the codes came by real SMTP


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


def test_locker_counting_rules_catch_each_failure() -> None:
    found = chaos_lockers.count_lockers(
        told=["fine", "lost"],
        applied={"fine": 1, "lost": 0, "doubled": 2, "untold": 1},
        doors_open=[3, 5],
        alarm_subjects=["compartment 5"],  # 5 is open and staff were told; 3 is not
    )
    assert found == {"pickups_told": 2, "pickups_applied": 4, "lost": 1, "doubled": 1,
                     "doors_open_unrecorded": 1}  # fmt: skip
    clean = chaos_lockers.count_lockers(["a"], {"a": 1}, [], [])
    assert clean["lost"] == clean["doubled"] == clean["doors_open_unrecorded"] == 0
