"""kill -9 during card payments: a kiosk process paying fines (payment_crash_child.py: the real
payment desk from the composition root, the SIP2 client, the ZVT adapter over TCP, the SQLite
payment journal) is SIGKILLed at seeded random moments and restarted, which runs start-up
recovery; before some restarts the terminal simulator is armed to drop its link right after an
authorisation. The ILS simulator and the ZVT terminal simulator run here, in the test process,
so they outlive the kiosk, and keep their own books: the ILS its fines, the terminal its
journal of approvals, bookings, releases and reversals.

Checked at the end, counting at the simulators:
- the ILS's paid total equals the terminal's booked total, but for payments on the
  reconciliation list that the library recorded and the terminal gave back (named there, with
  their receipt numbers; the patron is not harmed);
- every charge at the terminal belongs to exactly one journalled payment, recorded at the
  library for the same amount (never charged-but-not-recorded), and no patron is charged more
  than they owed (nothing charged twice);
- every payment the kiosk journals as reversed or not charged is not charged at the terminal
  (every reversal happened);
- nothing is left unsettled in the journal.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from backend_sync.store.payments_journal import SqlitePaymentJournal
from kiosk.core.clock import SystemClock
from simulators.ils.dataset import DEMO_LIBRARY
from simulators.ils.simulator import IlsSimulator
from simulators.models.payment_terminal import PaymentTerminalModel, Timings
from simulators.payment.app import PaymentSimulator

CHILD = Path(__file__).with_name("payment_crash_child.py")
ROOT = Path(__file__).resolve().parents[2]
PATRONS = 60
KILLS = 12
SEED = int(os.environ.get("PAYMENT_CRASH_SEED", "14"))  # another seed probes other moments
CHARGED = ("approved", "booked")
pytestmark = pytest.mark.slow


def fine_cents(n: int) -> int:
    return 150 + 7 * n


def library_file(tmp_path: Path) -> Path:
    data = json.loads(DEMO_LIBRARY.read_text(encoding="utf-8"))
    data["patrons"] += [{"barcode": f"23{n:08d}", "name": f"Skaitytojas {n}", "pin": "1234"}
                        for n in range(PATRONS)]  # fmt: skip
    data["fines"] += [{"patron": f"23{n:08d}", "amount": f"{fine_cents(n) / 100:.2f}",
                       "description": f"Delspinigiai {n}", "fee_type": "04"}
                      for n in range(PATRONS)]  # fmt: skip
    path = tmp_path / "library.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def config(tmp_path: Path, ils_port: int, terminal_url: str, mode: str) -> Path:
    path = tmp_path / f"kiosk-{mode}.toml"
    path.write_text(f"""[kiosk]
data_dir = "{tmp_path / 'var'}"

[ils]
host = "127.0.0.1"
port = {ils_port}
username = "kiosk1"
password = "demo"
institution = "AVB"
location = "ABONEMENTAS"
encoding = "utf-8"
timeout_s = 5.0
keepalive_s = 0

[payment_terminal]
url = "{terminal_url}"
password = 123456
hold_mode = "{mode}"
ack_timeout_s = 5.0
completion_timeout_s = 10.0
hold_answer_s = 10
""", encoding="utf-8")  # fmt: skip
    return path


def start(config_path: Path, progress: Path) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(config_path), str(progress), str(PATRONS)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert child.stdout is not None
    line = child.stdout.readline()  # blocks until recovery ran (or the child died)
    assert line.strip() == "recovered", f"the kiosk did not come up: {line!r}"
    return child


def test_kill_9_during_payments_never_charges_without_recording(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    model = PaymentTerminalModel(password=123456)
    progress = tmp_path / "progress.txt"
    clock = SystemClock()
    first_day = clock.now().date()
    with IlsSimulator(library_file(tmp_path), encoding="utf-8", dialect="koha") as ils, \
            PaymentSimulator(model, timings=Timings(0, 0, 0, 0.02)) as terminal:  # fmt: skip
        configs = [config(tmp_path, ils.port, terminal.tcp_url, m) for m in ("reversal", "preauth")]
        kills = drops = 0
        while True:
            child = start(configs[(kills + drops) % 2], progress)
            if kills >= KILLS:
                assert child.wait(timeout=120) == 0
                break
            if rng.random() < 0.35:
                model.arm("drop_after_authorisation")
                drops += 1
            time.sleep(rng.uniform(0.0, 0.25))
            if child.poll() is not None:  # it finished every patron before the kill
                assert child.returncode == 0
                break
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
            kills += 1
        model.clear()
        owed_after = {n: int(ils.library.balance(f"23{n:08d}") * 100) for n in range(PATRONS)}
        terminal_journal = model.journal()
    assert kills >= 5, f"only {kills} kills: the kiosk finished too fast to probe recovery"
    states = check_books(tmp_path, first_day, clock.now().date(), owed_after, terminal_journal)
    print(f"seed {SEED}: {kills} kills, {drops} dropped links, payments by state {states}")


def check_books(tmp_path, first_day, last_day, owed_after, terminal_journal) -> None:
    journal = SqlitePaymentJournal.open(tmp_path / "var" / "payments.sqlite")
    try:
        days = (first_day + timedelta(days=d) for d in range(-1, (last_day - first_day).days + 2))
        records = [r for day in days for r in journal.payments_on(day)]
        cards = {r.payment_id: journal.entry(r.payment_id).saga.card for r in records}
        assert journal.open_entries_now() == [] and journal.unsettled() == [
            r for r in journal.unsettled() if r.state == "to_staff"]  # fmt: skip
    finally:
        journal.close()
    assert len(records) >= 50, f"only {len(records)} payments were tried"
    by_receipt = {e["receipt"]: e for e in terminal_journal}
    assert len(by_receipt) == len(terminal_journal)  # receipt numbers do not wrap in this run
    charged = {e["receipt"]: e["booked_cents"] for e in terminal_journal if e["state"] in CHARGED}
    mine = {r.receipt_number: r for r in records if r.receipt_number is not None}
    assert set(charged) <= set(mine), "a charge at the terminal no journalled payment knows"
    given_back_but_recorded = 0
    for record in records:
        t = by_receipt.get(record.receipt_number) if record.receipt_number else None
        t_charged = charged.get(record.receipt_number, 0)
        what = f"{record.payment_id} {record.state} terminal {t and t['state']}: {record.reason}"
        if record.state == "paid":
            assert t_charged == record.recorded_cents == record.charged_cents > 0, what
        elif record.state in ("reversed", "not_charged"):
            assert t_charged == 0 and record.recorded_cents == 0, what
        else:
            assert record.state == "to_staff" and record.reason, what
            assert t_charged in (0, record.recorded_cents), what
            if t_charged == 0:
                given_back_but_recorded += record.recorded_cents
    paid_at_ils = sum(fine_cents(n) - owed for n, owed in owed_after.items())
    assert paid_at_ils == sum(charged.values()) + given_back_but_recorded
    per_card: dict[str, int] = {}
    for record in records:
        per_card[cards[record.payment_id]] = per_card.get(cards[record.payment_id], 0) + \
            charged.get(record.receipt_number, 0)  # fmt: skip
    for n in range(PATRONS):
        assert per_card.get(f"23{n:08d}", 0) <= fine_cents(n), f"patron {n} charged twice"
    reversals = [r for r in records if r.state == "reversed"]
    states: dict[str, int] = {}
    for record in records:
        states[record.state] = states.get(record.state, 0) + 1
    assert all(by_receipt[r.receipt_number]["state"] in ("reversed", "released")
               for r in reversals if r.receipt_number)  # fmt: skip
    return states
