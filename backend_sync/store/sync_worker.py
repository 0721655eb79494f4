"""The sync worker: runs replay passes in the kiosk's event loop, backing off while the ILS
cannot be reached, and waking at once when the domain queues something (`wake()`).

    empty / done  -> sleep idle_s (or until woken)
    stopped       -> sleep backoff(failures): first_retry_s, doubled each time, at most
                     max_retry_s; a pass that gets through resets it
The sleep is injected, so tests drive it without waiting. Never raises out of `run`: a broken
pass is logged and retried after the backoff, the entries stay pending.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from backend_sync.store.replayer import PassReport, Replayer

log = logging.getLogger("knygomatas.sync")


@dataclass(frozen=True)
class Backoff:
    first_retry_s: float = 5.0
    max_retry_s: float = 300.0
    idle_s: float = 60.0

    def delay(self, failures: int) -> float:
        """Seconds to wait after `failures` passes in a row that stopped (0: none stopped)."""
        if failures <= 0:
            return self.idle_s
        return min(self.first_retry_s * 2 ** (failures - 1), self.max_retry_s)


class SyncWorker:
    def __init__(
        self,
        replayer: Replayer,
        backoff: Backoff = Backoff(),
        on_pass: Callable[[PassReport], None] | None = None,
    ) -> None:
        self.replayer = replayer
        self.backoff = backoff
        self.on_pass = on_pass
        self.failures = 0
        self.last: PassReport | None = None
        self._wake = asyncio.Event()
        self._stop = False

    def wake(self) -> None:
        """Something was queued, or the ILS is known to be back: try now."""
        self._wake.set()

    def stop(self) -> None:
        self._stop = True
        self._wake.set()

    async def step(self) -> float:
        """One pass; returns how long to wait before the next."""
        try:
            report = await self.replayer.run_pass()
        except Exception as exc:  # a bug or a broken disk must not end the worker
            log.exception("outbox replay pass failed")
            report = PassReport(stopped=f"{type(exc).__name__}: {exc}", unreachable=True)
        self.last = report
        self.failures = self.failures + 1 if report.unreachable else 0
        if report.stopped:
            log.warning("outbox replay stopped: %s", report.stopped)
        if self.on_pass is not None:
            self.on_pass(report)
        if report.stopped and not report.unreachable:  # waiting for a live transaction
            return self.backoff.first_retry_s
        return self.backoff.delay(self.failures)

    async def run(self) -> None:
        while not self._stop:
            delay = await self.step()
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)
