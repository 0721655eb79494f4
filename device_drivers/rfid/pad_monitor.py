"""Continuous inventory while a patron session is active: the adapter between a TagReader
and the domain. Runs in one worker thread; hands ``pad`` events to ``on_event`` from that
thread (an asyncio core wraps it: ``lambda e: loop.call_soon_threadsafe(queue.put_nowait, e)``).

Owns the loop, the waits between rounds and reader-loss handling: when the reader goes away
it reports ReaderLost once, keeps trying every ``reconnect_s``, and reports ReaderRestored when
an inventory succeeds again. Owns no debounce or set rule (those are in ``pad.py``). The clock
and the wait are injected so tests step it without sleeping.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable

from device_drivers.rfid.interface import (
    ReaderProtocolError,
    ReaderUnavailable,
    RfidError,
    TagNotInField,
    TagReader,
    TagSighting,
)
from device_drivers.rfid.library_tags import LibraryTags
from device_drivers.rfid.pad import (
    PadEvent,
    PadTracker,
    ReaderLost,
    ReaderRestored,
    TagRead,
    TagsArrived,
    TagsLeft,
)

log = logging.getLogger(__name__)


class PadMonitor:
    def __init__(
        self,
        reader: TagReader,
        tags: LibraryTags,
        on_event: Callable[[PadEvent], None],
        *,
        tracker: PadTracker | None = None,
        interval_s: float = 0.2,
        reconnect_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.reader = reader
        self.tags = tags
        self.on_event = on_event
        self.tracker = tracker or PadTracker()
        self.interval_s = interval_s
        self.reconnect_s = reconnect_s
        self.clock = clock
        self.reads: dict[str, TagRead] = {}
        self.reader_ok = True
        self._wake = threading.Event()
        self._running = threading.Event()
        self._thread: threading.Thread | None = None

    def step(self) -> list[PadEvent]:
        """One inventory round: the events it produces (also handed to on_event)."""
        now = self.clock()
        try:
            sightings = {s.uid: s for s in self.reader.inventory()}
        except (ReaderUnavailable, ReaderProtocolError) as exc:
            return self._emit([ReaderLost(str(exc), now)] if self.reader_ok else [], ok=False)
        events: list[PadEvent] = [] if self.reader_ok else [ReaderRestored(now)]
        arrived, left = self.tracker.observe(sightings)
        reads = [self._read(sightings[uid]) for uid in arrived]
        reads = [r for r in reads if r is not None]
        if reads:
            events.append(TagsArrived(tuple(reads), now))
        if left:
            for uid in left:
                self.reads.pop(uid, None)
            events.append(TagsLeft(left, now))
        return self._emit(events, ok=True)

    def _read(self, sighting: TagSighting) -> TagRead | None:
        try:
            read = self.tags.read(sighting)
        except TagNotInField:
            self.tracker.forget(sighting.uid)  # gone before it was read: it must arrive anew
            return None
        except RfidError as exc:
            read = TagRead(sighting.uid, "unreadable", problem=str(exc))
        self.reads[sighting.uid] = read
        return read

    def _emit(self, events: list[PadEvent], ok: bool) -> list[PadEvent]:
        self.reader_ok = ok
        for event in events:
            self.on_event(event)
        return events

    # -- the worker thread ---------------------------------------------------------------

    def start(self) -> None:
        """Patron session began: inventory continuously until stop()."""
        if self._thread is not None:
            return
        self._running.set()
        self._thread = threading.Thread(target=self._loop, name="rfid-pad", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Session over: stop inventorying and forget the pad (TagsLeft for what was there)."""
        self._running.clear()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._wake.clear()
        gone = self.tracker.reset()
        self.reads.clear()
        if gone:
            self.on_event(TagsLeft(gone, self.clock()))

    def _loop(self) -> None:
        while self._running.is_set():
            try:
                self.step()
            except Exception:  # a bug must not kill the pad silently; log and go on
                log.exception("rfid pad round failed")
            self._wake.wait(self.interval_s if self.reader_ok else self.reconnect_s)


def deliver_to(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue) -> Callable[[PadEvent], None]:
    """An ``on_event`` that hands events to an asyncio queue on ``loop`` (thread-safe)."""
    return lambda event: loop.call_soon_threadsafe(queue.put_nowait, event)
