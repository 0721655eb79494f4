"""The sync worker's backoff and its passes against the ILS simulator (no sleeping: each step
returns the delay it would wait)."""

from __future__ import annotations

import asyncio

from backend_sync.store.outbox import OutboxStore
from backend_sync.store.replayer import PassReport, Replayer
from backend_sync.store.sync_worker import Backoff, SyncWorker
from simulators.ils.simulator import IlsSimulator

from .library import JONAS, checkout, free_items, with_client


def test_backoff_doubles_up_to_its_ceiling_and_idles_when_all_is_sent() -> None:
    backoff = Backoff(first_retry_s=5, max_retry_s=60, idle_s=30)
    assert [backoff.delay(n) for n in range(7)] == [30, 5, 10, 20, 40, 60, 60]


def test_worker_backs_off_while_the_ils_is_down_then_sends_and_resets(
    sim: IlsSimulator, store: OutboxStore
) -> None:
    (item,) = free_items(sim, 1)
    store.add(checkout("k1", JONAS, item))
    reports: list[PassReport] = []

    async def body(client):  # type: ignore[no-untyped-def]
        await client.connect()
        worker = SyncWorker(Replayer(store, client), Backoff(1, 8, 60), on_pass=reports.append)
        sim.set_offline("refuse")
        down = [await worker.step() for _ in range(5)]
        sim.set_online()
        return down, await worker.step(), worker.failures

    down, up, failures = asyncio.run(with_client(sim, body))
    assert down == [1, 2, 4, 8, 8]
    assert up == 60 and failures == 0
    assert all(r.unreachable for r in reports[:5]) and reports[-1].done == 1
    assert sim.library.count("checkout", item) == 1


def test_a_broken_pass_is_logged_and_retried_not_raised(store: OutboxStore) -> None:
    class Broken(Replayer):
        async def run_pass(self) -> PassReport:
            raise OSError("disk I/O error")

    worker = SyncWorker(Broken(store, library=None), Backoff(2, 8, 60))  # type: ignore[arg-type]
    assert asyncio.run(worker.step()) == 2
    assert worker.last is not None and "disk I/O error" in worker.last.stopped


def test_run_wakes_when_told_and_stops(store: OutboxStore) -> None:
    passes: list[PassReport] = []

    class Counting(Replayer):
        async def run_pass(self) -> PassReport:
            passes.append(PassReport())
            if len(passes) == 3:
                worker.stop()
            return PassReport()

    worker = SyncWorker(Counting(store, library=None), Backoff(1, 1, 3600))  # type: ignore[arg-type]

    async def body() -> None:
        task = asyncio.create_task(worker.run())
        while len(passes) < 3:
            await asyncio.sleep(0)
            worker.wake()
        await asyncio.wait_for(task, 10)

    asyncio.run(body())
    assert len(passes) == 3
