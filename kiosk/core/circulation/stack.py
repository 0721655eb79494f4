"""A stack of items processed in two stages, pipelined: the library system's answer for the
next item is awaited while the pad writes the previous item's security.

    item 1: [ILS 1][pad 1]
    item 2:        [ILS 2][pad 2]
    item 3:               [ILS 3][pad 3]

The second stage (one reader) handles one item at a time; the first handles one at a time
too, or ``first_workers`` side by side when there is a pool of ILS connections. Results land
on lines numbered in placement order, so the screen keeps that order either way. A first
stage returns the job for the second, or None when nothing is left to do for that item. A
stage that raises is a bug: it is logged, and the stack goes on. Owns no circulation rule
and no I/O of its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

_STOP = object()


class Stack:
    def __init__(
        self,
        first: Callable[[Any], Awaitable[Any]],
        second: Callable[[Any], Awaitable[None]],
        first_workers: int = 1,
    ) -> None:
        self.first = first
        self.first_workers = max(1, first_workers)
        self.second = second
        self._q1: asyncio.Queue[Any] = asyncio.Queue()
        self._q2: asyncio.Queue[Any] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []

    def submit(self, job: Any) -> None:
        if not self._tasks:
            self._tasks = [
                asyncio.create_task(self._run(self._q1, self._first), name=f"stack-first-{n}")
                for n in range(self.first_workers)
            ]
            self._tasks.append(
                asyncio.create_task(self._run(self._q2, self.second), name="stack-second")
            )
        self._q1.put_nowait(job)

    async def _first(self, job: Any) -> None:
        follow_up = await self.first(job)
        if follow_up is not None:
            self._q2.put_nowait(follow_up)

    @staticmethod
    async def _run(queue: asyncio.Queue[Any], stage: Callable[[Any], Awaitable[None]]) -> None:
        while True:
            job = await queue.get()
            try:
                if job is _STOP:
                    return
                await stage(job)
            except Exception:
                log.exception("circulation stage failed")
            finally:
                queue.task_done()

    async def join(self) -> None:
        """Wait until every submitted item went through both stages."""
        await self._q1.join()
        await self._q2.join()

    async def close(self) -> None:
        """Finish what was submitted, then stop the workers."""
        if not self._tasks:
            return
        await self.join()
        for _ in range(self.first_workers):
            self._q1.put_nowait(_STOP)
        self._q2.put_nowait(_STOP)
        await asyncio.gather(*self._tasks)
        self._tasks = []
