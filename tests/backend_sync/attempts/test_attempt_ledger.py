"""The shared PIN lockout on its real SQLite file: the rule (N wrong lock for the lockout,
a right answer clears, a lapsed lockout starts a new count), two processes counting the same
card lose no wrong answer, the file holds no card number and is private to its owner."""

from __future__ import annotations

import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from backend_sync.attempts.ledger import SqliteAttemptLedger
from kiosk.core.attempts import CountedStaff, SharedLockout, Tries, after_wrong
from kiosk.core.clock import ManualClock

ROOT = Path(__file__).resolve().parents[3]
CARD = "2100000001"
T0 = datetime(2026, 11, 25, 12, 0)


def lockout(path: Path, clock: ManualClock, tries: int = 3) -> SharedLockout:
    return SharedLockout(SqliteAttemptLedger(path), clock, max_tries=tries, lockout_s=900.0)


def test_rule() -> None:
    assert after_wrong(Tries(), 100.0, 3, 60.0) == Tries(1, 0.0)
    assert after_wrong(Tries(2, 0.0), 100.0, 3, 60.0) == Tries(3, 160.0)
    assert after_wrong(Tries(3, 160.0), 200.0, 3, 60.0) == Tries(1, 0.0)  # lapsed: new count


def test_three_wrong_lock_for_the_lockout_then_a_new_count(tmp_path: Path) -> None:
    clock = ManualClock(T0)
    guard = lockout(tmp_path / "attempts.sqlite", clock)
    assert not guard.locked(CARD) and guard.tries_left(CARD) == 3
    assert guard.wrong(CARD) is False and guard.wrong(CARD) is False
    assert guard.tries_left(CARD) == 1
    assert guard.wrong(CARD) is True  # this one locked it
    assert guard.locked(CARD) and guard.tries_left(CARD) == 0
    assert not guard.locked("2100000002")  # one card's count is its own
    clock.advance(14 * 60 + 59)
    assert guard.locked(CARD)
    clock.advance(1)
    assert not guard.locked(CARD) and guard.tries_left(CARD) == 3


def test_a_right_answer_clears_and_a_restart_remembers(tmp_path: Path) -> None:
    clock = ManualClock(T0)
    path = tmp_path / "attempts.sqlite"
    first = lockout(path, clock)
    first.wrong(CARD)
    first.wrong(CARD)
    again = lockout(path, clock)  # the kiosk restarted, or a command runs beside it
    assert again.tries_left(CARD) == 1
    again.right(CARD)
    assert first.tries_left(CARD) == 3


COUNTER = """
import sys
from datetime import datetime
from backend_sync.attempts.ledger import SqliteAttemptLedger
from kiosk.core.attempts import SharedLockout
from kiosk.core.clock import ManualClock
guard = SharedLockout(SqliteAttemptLedger(sys.argv[1]), ManualClock(datetime(2026, 11, 25)), 10_000)
for _ in range(25):
    guard.wrong(sys.argv[2])
"""


def test_two_processes_lose_no_wrong_answer(tmp_path: Path) -> None:
    path = str(tmp_path / "attempts.sqlite")
    workers = [
        subprocess.Popen([sys.executable, "-c", COUNTER, path, CARD], cwd=ROOT) for _ in range(2)
    ]
    assert [worker.wait(60) for worker in workers] == [0, 0]
    assert SqliteAttemptLedger(path).read("pin", CARD).wrong == 50


def test_no_card_on_disk_and_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "attempts.sqlite"
    ledger = SqliteAttemptLedger(path)
    assert ledger.read("pin", CARD) == Tries() and not path.exists()  # a look makes no file
    SharedLockout(ledger, ManualClock(T0)).wrong(CARD)
    ledger.close()
    for made in tmp_path.iterdir():
        assert stat.S_IMODE(made.stat().st_mode) == 0o600, made
        assert CARD.encode() not in made.read_bytes()


def test_staff_login_counts_and_a_locked_card_is_not_asked(tmp_path: Path) -> None:
    asked: list[str] = []

    class Staff:
        def authenticate(self, card: str, pin: str | None) -> str | None:
            asked.append(card)
            return "staff-7" if pin == "7890" else None

    guard = lockout(tmp_path / "attempts.sqlite", ManualClock(T0))
    staff = CountedStaff(Staff(), guard)
    assert [staff.authenticate("2100000007", "0000") for _ in range(3)] == [None] * 3
    assert guard.locked("2100000007")
    assert staff.authenticate("2100000007", "7890") is None  # locked: the ILS is not asked
    assert len(asked) == 3


def test_a_ledger_that_cannot_be_written_still_counts_in_memory(tmp_path: Path, caplog) -> None:
    blocked = tmp_path / "attempts.sqlite"
    blocked.mkdir()  # a directory where the file should be: SQLite cannot open it
    guard = lockout(blocked, ManualClock(T0))
    assert [guard.wrong(CARD) for _ in range(3)] == [False, False, True]
    assert guard.locked(CARD)  # never fails open
    guard.right(CARD)
    assert not guard.locked(CARD)
    assert "counting in memory only" in caplog.text
