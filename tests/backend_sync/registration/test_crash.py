"""kill -9 between the write-ahead and the library system's acknowledgement neither loses nor
doubles an application.

A child process (crash_child.py) sends one application through send_or_queue to the Koha
simulator, which runs here over loopback with slow answers so that the kill lands at every
stage (before the write-ahead, before the token, during the look-first, after the record was
created but before its answer, after the settle). After the SIGKILL the test runs one resend
pass on the same queue file and counts at the simulator: one record if the application was
written ahead (never two), none if the kill came before it (the applicant was never told).
"""

from __future__ import annotations

import asyncio
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from backend_sync.registration.koha import KohaRegistration
from backend_sync.registration.queue import RegistrationQueueFile
from kiosk.core.registration import resend_pending
from simulators.registration.server import RegistrationSimulator

CHILD = Path(__file__).with_name("crash_child.py")
ROOT = Path(__file__).resolve().parents[3]
TIMEOUT_S = 30.0
RESTART_S = 0.3  # a restarted kiosk: a request the dead one had sent is carried out by then


class Child:
    def __init__(self, queue_file: Path, sim: RegistrationSimulator, key: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD), str(queue_file), sim.url, key],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.strip())

    def wait_for(self, wanted: str) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                if self.lines.get(timeout=0.5) == wanted:
                    return
            except queue.Empty:
                if self.process.poll() is not None:
                    break
        raise AssertionError(f"the child never printed {wanted!r}")

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(TIMEOUT_S)


def resend(queue_file: Path, sim: RegistrationSimulator) -> None:
    port = KohaRegistration(
        sim.url, "kiosk", "s3cret", category_id="TEMP", library_id="CPL", timeout_s=5.0
    )
    report = asyncio.run(resend_pending(port, RegistrationQueueFile(queue_file, "koha"),
                                        datetime.now(UTC)))  # fmt: skip
    assert not report.unreachable and report.pending == 0


def written_ahead(queue_file: Path) -> bool:
    return queue_file.exists() and bool(RegistrationQueueFile(queue_file, "koha").rows())


def test_kill_minus_nine_at_random_points_neither_loses_nor_doubles(tmp_path) -> None:
    rng = random.Random(17)
    seen_created_before_resend = held_runs = 0
    for run in range(12):
        queue_file = tmp_path / f"run{run}" / "registration.sqlite"
        sim = RegistrationSimulator("koha", client_id="kiosk", client_secret="s3cret").start()
        try:
            sim.faults.delay_s = 0.15  # token, look-first, create: each answer 0.15 s late
            child = Child(queue_file, sim, f"key-{run}")
            child.wait_for("ready")
            time.sleep(rng.uniform(0.0, 0.6))
            child.kill()
            time.sleep(RESTART_S)
            seen_created_before_resend += sim.created
            sim.faults.delay_s = 0.0
            held = written_ahead(queue_file)
            held_runs += held
            if held:
                resend(queue_file, sim)
            assert sim.created == (1 if held else 0), f"run {run}"
            assert sim.requests["POST /api/v1/patrons"] <= 1, f"run {run}"
            if held:
                [row] = RegistrationQueueFile(queue_file, "koha").rows()
                assert row.state == "sent" and row.number == sim.model.records[0].record_id
        finally:
            sim.stop()
    assert seen_created_before_resend >= 1  # some kills came after the record was created
    assert held_runs >= 6  # most came after the write-ahead
    print(f"held {held_runs}/12, created before the resend {seen_created_before_resend}/12")


def test_kill_after_the_record_is_created_but_before_its_answer(tmp_path) -> None:
    queue_file = tmp_path / "registration.sqlite"
    sim = RegistrationSimulator("koha", client_id="kiosk", client_secret="s3cret").start()
    try:
        sim.faults.delay_s = 2.0  # the answer to the create leaves 2 s after the record
        child = Child(queue_file, sim, "key-1")
        child.wait_for("ready")
        deadline = time.monotonic() + TIMEOUT_S
        while sim.created == 0:
            assert time.monotonic() < deadline, "the record was never created"
            time.sleep(0.005)
        child.kill()
        sim.faults.delay_s = 0.0
        assert [r.state for r in RegistrationQueueFile(queue_file, "koha").rows()] == ["pending"]
        resend(queue_file, sim)
        assert sim.created == 1 and sim.requests["POST /api/v1/patrons"] == 1
        [row] = RegistrationQueueFile(queue_file, "koha").rows()
        assert row.state == "sent"
    finally:
        sim.stop()
