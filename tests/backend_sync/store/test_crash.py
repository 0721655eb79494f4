"""kill -9 at random points while the outbox is written and replayed: nothing acknowledged is
lost, nothing is applied twice at the ILS.

A child process (crash_child.py) adds a planned stream of offline checkouts and checkins and
replays them to the ILS simulator over SIP2, on a real SQLite file; the test SIGKILLs it at
seeded random moments, restarts it, and finally lets it finish. Then it counts at the
simulator: every planned checkout and checkin applied exactly once.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from backend_sync.store.database import open_store
from backend_sync.store.outbox import OutboxStore
from backend_sync.store.schema import outbox
from kiosk.core.outbox import EntryKind, EntryState
from simulators.ils.simulator import IlsSimulator

CHILD = Path(__file__).with_name("crash_child.py")
sys.path.insert(0, str(CHILD.parent))
from crash_child import plan  # noqa: E402

LINE_TIMEOUT_S = 30.0


class Child:
    def __init__(self, db: Path, sim: IlsSimulator, seed: int, count: int, *extra: str) -> None:
        args = [sys.executable, str(CHILD), str(db), sim.host, str(sim.port), str(seed)]
        self.process = subprocess.Popen(
            [*args, str(count), *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.acked: set[str] = set()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("ack "):
                self.acked.add(line[4:].strip())
            self.lines.put(line.strip())

    def wait_for(self, prefix: str) -> None:
        deadline = time.monotonic() + LINE_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                if self.lines.get(timeout=1).startswith(prefix):
                    return
            except queue.Empty:
                if self.process.poll() is not None:
                    break
        raise AssertionError(f"the child never printed {prefix!r}")

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(LINE_TIMEOUT_S)

    def finish(self) -> int:
        return self.process.wait(LINE_TIMEOUT_S * 2)


def expected(seed: int, count: int) -> Counter[tuple[str, str]]:
    return Counter((str(e.kind), e.payload["item_id"]) for e in plan(seed, count))


def applied(sim: IlsSimulator, wanted: Counter[tuple[str, str]]) -> Counter[tuple[str, str]]:
    return Counter({key: sim.library.count(*key) for key in wanted})


def in_doubt(db: Path) -> int:
    with open_store(db).begin() as connection:
        return len(connection.execute(select(outbox.c.key).where(outbox.c.in_doubt)).all())


def test_kill_minus_nine_at_random_points_loses_nothing_and_doubles_nothing(tmp_path) -> None:
    seed, count, kills = 6, 200, 15
    db = tmp_path / "store.sqlite"
    rng = random.Random(seed)
    acked: set[str] = set()
    with IlsSimulator(encoding="utf-8") as sim:
        sim.faults.set_latency(2)
        for _ in range(kills):
            child = Child(db, sim, seed, count)
            child.wait_for("ready")
            time.sleep(rng.uniform(0.0, 0.2))
            child.kill()
            acked |= child.acked
        child = Child(db, sim, seed, count)
        assert child.finish() == 0
        acked |= child.acked
        wanted = expected(seed, count)
        assert applied(sim, wanted) == wanted
    store = OutboxStore(open_store(db))
    assert store.summary().done == count and store.summary().rejected == 0
    assert all(store.get(key).state is EntryState.DONE for key in acked)


def test_kill_while_an_answer_is_outstanding_then_the_restart_asks_before_sending(
    tmp_path,
) -> None:
    db, seed, count = tmp_path / "store.sqlite", 1, 4
    first = plan(seed, count)[0]
    assert first.kind is EntryKind.CHECKOUT
    item = first.payload["item_id"]
    with IlsSimulator(encoding="utf-8") as sim:
        child = Child(db, sim, seed, count, "--wait-go")
        child.wait_for("connected")
        sim.faults.arm("swallow_after")  # the first checkout is applied and never answered
        assert child.process.stdin is not None
        child.process.stdin.write("go\n")
        child.process.stdin.flush()
        deadline = time.monotonic() + LINE_TIMEOUT_S
        while sim.library.count("checkout", item) == 0 or in_doubt(db) == 0:
            assert time.monotonic() < deadline, "the checkout never reached the ILS"
            time.sleep(0.01)
        child.kill()
        assert OutboxStore(open_store(db)).get(first.key).state is EntryState.PENDING
        restarted = Child(db, sim, seed, count)
        assert restarted.finish() == 0
        wanted = expected(seed, count)
        assert applied(sim, wanted) == wanted
    done = OutboxStore(open_store(db)).get(first.key)
    assert done.state is EntryState.DONE and done.result["recovered"] is True
