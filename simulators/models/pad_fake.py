"""An in-process pad (the core's Pad port, kiosk/core/circulation/pad.py) for unit tests, the
end-to-end tests and ``kiosk bench checkout``.

Holds the items on the pad and each tag's security state. Timing follows a real reader: one
reader does one thing at a time, so security writes are serialised; a write costs
``write_s`` and its read-back ``verify_s``; ``place_after_inventory`` delivers an arrival
only after ``inventory_s`` (the rounds a reader needs to see a stack). Delays are settings
and tests leave them at zero. Faults: ``fail_writes`` (tags whose writes never verify),
``unplug()`` (every write raises PadUnavailable), ``lose_reader()`` (reports PadLost).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from kiosk.core.circulation.pad import (
    ItemsArrived,
    ItemsLeft,
    PadEvent,
    PadItem,
    PadLost,
    PadProblem,
    PadUnavailable,
    SecurityWriteFailed,
)


class FakePad:
    def __init__(
        self,
        *,
        inventory_s: float = 0.0,
        write_s: float = 0.0,
        verify_s: float = 0.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.inventory_s = inventory_s
        self.write_s = write_s
        self.verify_s = verify_s
        self.sleep = sleep
        self.items: dict[str, PadItem] = {}
        self.secured: dict[str, bool] = {}
        self.fail_writes: set[str] = set()
        self.writes: list[tuple[str, bool]] = []
        self.unplugged = False
        self.listening = False
        self.starts = 0
        self._listener: Callable[[PadEvent], None] | None = None
        self._reader = asyncio.Lock()

    async def start(self, on_event: Callable[[PadEvent], None]) -> None:
        self._listener = on_event
        self.listening = True
        self.starts += 1

    async def stop(self) -> None:
        self._listener = None
        self.listening = False

    def place(self, *items: PadItem, problems: tuple[PadProblem, ...] = ()) -> None:
        for item in items:
            self.items[item.uid] = item
            self.secured.setdefault(item.uid, True)
        self._emit(ItemsArrived(tuple(items), problems))

    async def place_after_inventory(self, *items: PadItem) -> None:
        await self.sleep(self.inventory_s)
        self.place(*items)

    def remove(self, *uids: str) -> None:
        for uid in uids:
            self.items.pop(uid, None)
        self._emit(ItemsLeft(tuple(uids)))

    def lose_reader(self, reason: str = "reader unplugged") -> None:
        self.unplugged = True
        self._emit(PadLost(reason))

    async def set_security(self, uid: str, secured: bool) -> None:
        async with self._reader:
            if self.unplugged:
                raise PadUnavailable("reader unplugged")
            if uid not in self.items:
                raise SecurityWriteFailed(uid, "tag left the pad")
            await self.sleep(self.write_s)
            self.writes.append((uid, secured))
            if uid not in self.fail_writes:
                self.secured[uid] = secured
            await self.sleep(self.verify_s)
            if self.secured[uid] != secured:
                raise SecurityWriteFailed(uid, "security did not read back")

    def _emit(self, event: PadEvent) -> None:
        if self._listener is not None:
            self._listener(event)
