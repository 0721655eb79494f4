"""The one bridge between the kiosk's event loop and its synchronous parts.

The kiosk runs one asyncio loop: the UI, the circulation core, the library-system client
(SIP2), the outbox worker and the receipt desks live on it. A few parts are synchronous and
run in threads of their own: the locker logic (its poll thread), the room desk (its HTTP
worker), the telemetry probes (the scrape thread). When such a part needs an async service
(ask the library system, print a receipt), it goes through a ``LoopBridge`` and nowhere
else: ``run(coroutine)`` hands the coroutine to the loop and waits, bounded, for its result.

    bridge = LoopBridge.of_running_loop()   # in the app: the app's own loop
    bridge = LoopBridge.own_loop("lockers") # a command with no loop (kiosk lockers, kiosk monitor)

Rules:
- ``run`` is for worker threads only; called on the loop's own thread it would wait for
  itself, so it raises RuntimeError instead of hanging.
- A coroutine that outlives the timeout is cancelled on the loop and TimeoutError raised:
  the caller decides (the locker logic treats it as "library system unreachable").
- ``own_loop`` starts a loop in a daemon thread; ``close`` stops it. A bridge over somebody
  else's loop never stops that loop.
No other module of the kiosk calls asyncio.run_coroutine_threadsafe or new_event_loop
(tests/kiosk/wiring/test_one_loop.py checks it); entry points (kiosk/commands, benchmarks,
the demo) may call asyncio.run to start their one loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

T = TypeVar("T")
DEFAULT_TIMEOUT_S = 60.0


class LoopBridge:
    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        thread: threading.Thread | None = None,
    ) -> None:
        self.loop = loop
        self.timeout_s = timeout_s
        self._thread = thread  # set when this bridge owns the loop and its thread

    @classmethod
    def of_running_loop(cls, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> LoopBridge:
        """A bridge to the loop the caller runs on (call it from a coroutine)."""
        return cls(asyncio.get_running_loop(), timeout_s=timeout_s)

    @classmethod
    def own_loop(cls, name: str, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> LoopBridge:
        """A loop of its own in a daemon thread, for a process that runs none."""
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name=f"loop-{name}", daemon=True)
        thread.start()
        return cls(loop, timeout_s=timeout_s, thread=thread)

    @property
    def owns_loop(self) -> bool:
        return self._thread is not None

    def run(self, coroutine: Coroutine[Any, Any, T], timeout_s: float | None = None) -> T:
        """Run `coroutine` on the loop and wait for its result (from a worker thread)."""
        if self._on_loop_thread():
            coroutine.close()
            raise RuntimeError("LoopBridge.run called on the loop's own thread: await it")
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        try:
            return future.result(self.timeout_s if timeout_s is None else timeout_s)
        except FutureTimeout:
            future.cancel()
            raise TimeoutError("the event loop did not answer in time") from None

    def call_soon(self, callback: Callable[..., Any], *args: Any) -> None:
        """Call `callback(*args)` on the loop's thread (fire and forget)."""
        self.loop.call_soon_threadsafe(callback, *args)

    def close(self) -> None:
        """Stop and close the loop if this bridge owns it; otherwise nothing."""
        if self._thread is None:
            return
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=5)
        if not self.loop.is_running() and not self.loop.is_closed():
            self.loop.close()
        self._thread = None

    def _on_loop_thread(self) -> bool:
        try:
            return asyncio.get_running_loop() is self.loop
        except RuntimeError:
            return False
