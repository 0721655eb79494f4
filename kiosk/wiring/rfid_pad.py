"""The RFID pad as the core's Pad port (kiosk/core/pad.py): the driver's pad monitor runs in
its worker thread and its events reach the event loop translated into the core's pad events;
security writes (with read-back, device_drivers/rfid/library_tags.py) run in worker threads.

Part of the composition root: the only place the RFID driver meets the core. Must never block
the event loop, let a driver error reach the core untranslated (it becomes PadUnavailable or
SecurityWriteFailed), or let two threads talk to the reader at once.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from device_drivers.rfid.interface import ReaderUnavailable, RfidError, TagReader
from device_drivers.rfid.library_tags import LibraryTags, SecurityPair
from device_drivers.rfid.pad import PadEvent as RfidPadEvent
from device_drivers.rfid.pad import PadTracker, ReaderLost, TagsArrived, TagsLeft
from device_drivers.rfid.pad_monitor import PadMonitor
from kiosk.core.circulation.pad import (
    ItemsArrived,
    ItemsLeft,
    PadEvent,
    PadItem,
    PadLost,
    PadProblem,
    PadRestored,
    PadUnavailable,
    SecurityWriteFailed,
)
from kiosk.settings.rfid import RfidSection


class _OneCallerReader:
    """A TagReader shared by the pad monitor's thread and the security writes: one call at a
    time, as the TagReader contract requires."""

    def __init__(self, reader: TagReader) -> None:
        self._reader = reader
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._reader, name)

        def locked(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return method(*args, **kwargs)

        return locked


def _pad_event(event: RfidPadEvent) -> PadEvent:
    match event:
        case TagsArrived(tags=reads):
            items = tuple(
                PadItem(r.uid, r.item.primary_item_id, r.item.part_number, r.item.parts_in_set)
                for r in reads
                if r.item is not None
            )
            problems = tuple(PadProblem(r.uid, r.kind) for r in reads if r.item is None)
            return ItemsArrived(items, problems)
        case TagsLeft(uids=uids):
            return ItemsLeft(uids)
        case ReaderLost(reason=reason):
            return PadLost(reason)
    return PadRestored()


class RfidPad:
    """The core's Pad port over the RFID driver: the pad monitor in its worker thread, and
    security writes (with read-back) in worker threads, never on the event loop."""

    def __init__(self, reader: TagReader, rfid: RfidSection) -> None:
        self.reader = _OneCallerReader(reader)
        security = SecurityPair(rfid.afi_checked_in, rfid.afi_checked_out, rfid.use_eas)
        self.tags = LibraryTags(
            self.reader,  # type: ignore[arg-type]
            security,
            item_blocks=rfid.item_blocks,
            data_model=rfid.data_model,
            retries=rfid.security_retries,
        )
        self.rfid = rfid
        self.monitor: PadMonitor | None = None

    async def start(self, on_event: Callable[[PadEvent], None]) -> None:
        loop = asyncio.get_running_loop()
        self.monitor = PadMonitor(
            self.reader,  # type: ignore[arg-type]
            self.tags,
            lambda event: loop.call_soon_threadsafe(on_event, _pad_event(event)),
            tracker=PadTracker(self.rfid.arrive_rounds, self.rfid.leave_rounds),
            interval_s=self.rfid.inventory_interval_s,
            reconnect_s=self.rfid.reconnect_s,
        )
        self.monitor.start()

    async def stop(self) -> None:
        if self.monitor is not None:
            monitor, self.monitor = self.monitor, None
            await asyncio.to_thread(monitor.stop)

    async def set_security(self, uid: str, secured: bool) -> None:
        write = self.tags.secure if secured else self.tags.unsecure
        try:
            await asyncio.to_thread(write, uid)
        except ReaderUnavailable as exc:
            raise PadUnavailable(str(exc)) from None
        except RfidError as exc:
            raise SecurityWriteFailed(uid, str(exc)) from None
