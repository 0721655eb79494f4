"""Runs the locker logic: start-up (coils off, restore, reconcile), then ``poll`` every
poll_interval_s in a worker thread, and every other call on the logic under one lock.

Start-up order matters: coils are forced off first (a crash may have left a solenoid
energised; switching a coil off never opens a door), then the last saved state is
restored and squared with the sensors (kiosk.core.lockers.recovery: never releases a
lock), and only then is ``on_change`` wired to the store, so the reconciled state is the
first thing saved. The logic is not thread-safe: the poll thread, the UI and the commands
reach it only through ``call``. A poll that raises is logged and the next one runs; the
thread never dies of one bad reading.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TypeVar

from backend_sync.lockers.store import SqliteLockerStore
from kiosk.core.lockers.doors import Transition
from kiosk.core.lockers.ports import DeviceUnavailable
from kiosk.core.lockers.recovery import reconcile, restore, snapshot
from kiosk.core.lockers.service import LockerService

log = logging.getLogger("knygomatas.lockers.runner")
T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


class LockerRunner:
    def __init__(
        self,
        service: LockerService,
        store: SqliteLockerStore,
        reset_coils: Callable[[], None],
        interval_s: float,
        clock: Callable[[], datetime] = utc_now,
        closers: Iterable[Callable[[], object]] = (),
    ) -> None:
        self.service = service
        self.store = store
        self.reset_coils = reset_coils
        self.interval_s = interval_s
        self.clock = clock
        self.closers = list(closers)
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.started = False
        # the door changes each poll saw (the UI's "door closed"); called in the poll thread
        self.on_poll: Callable[[list[Transition]], None] | None = None

    def start_up(self) -> None:
        """Claim the store, coils off, restore, reconcile, then save from here on. Opens
        no door."""
        self.store.claim()
        try:
            self.reset_coils()
        except DeviceUnavailable as exc:
            log.warning("coils not reset at start-up: %s", exc)
        with self._lock:
            service = self.service
            saved = self.store.load()
            owed = restore(service, dict(saved)) if saved is not None else []
            service.on_change = lambda: self.store.save(snapshot(service))
            reconcile(service, owed, self.clock())
        self.started = True

    def start(self) -> LockerRunner:
        """start_up, then the poll thread."""
        if not self.started:
            self.start_up()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="locker-poll", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.poll_once()

    def poll_once(self) -> None:
        try:
            with self._lock:
                transitions = self.service.poll(self.clock())
            if transitions and self.on_poll is not None:
                self.on_poll(transitions)
        except Exception:  # one bad poll must not stop the bank: log it, poll again
            log.exception("locker poll failed")

    def call(self, action: Callable[[LockerService, datetime], T]) -> T:
        """Run ``action(service, now)`` with the poll thread held off."""
        with self._lock:
            return action(self.service, self.clock())

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def close(self) -> None:
        self.stop()
        for close in self.closers:
            try:
                close()
            except Exception:  # closing the rest matters more than one failed close
                log.exception("closing a locker adapter failed")

    def __enter__(self) -> LockerRunner:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
