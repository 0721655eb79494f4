"""An in-memory Outbox (kiosk/core/outbox.py) for unit tests and benchmarks of the core.

Behaves like the durable store as the port describes it: ``add`` refuses a key it has,
states move PENDING -> DONE / REJECTED, ``pending`` is oldest first. It is not durable (a
process crash loses it), so crash-safety tests use the SQLite outbox in backend_sync/store.
``fail_adds`` makes the next ``add`` calls raise, as a full disk would.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kiosk.core.outbox import EntryState, OutboxEntry


class OutboxFull(Exception):
    """The fake's stand-in for a store that cannot write (disk full, I/O error)."""


class FakeOutbox:
    def __init__(self) -> None:
        self.entries: dict[str, OutboxEntry] = {}
        self.fail_adds = 0
        self.for_staff: set[str] = set()  # rejected and left for staff (not live refusals)

    async def add(self, entry: OutboxEntry) -> bool:
        if self.fail_adds:
            self.fail_adds -= 1
            raise OutboxFull("outbox cannot write")
        if entry.key in self.entries:
            return False
        self.entries[entry.key] = entry
        return True

    async def mark_done(self, key: str, result: dict[str, Any]) -> None:
        self._set(key, state=EntryState.DONE, result=result)

    async def mark_rejected(self, key: str, reason: str, result: dict[str, Any]) -> None:
        self._set(key, state=EntryState.REJECTED, reason=reason, result=result)
        self.for_staff.add(key)

    async def mark_refused(self, key: str, reason: str, result: dict[str, Any]) -> None:
        self._set(key, state=EntryState.REJECTED, reason=reason, result=result)

    async def note_attempt(self, key: str, reason: str) -> None:
        entry = self.entries[key]
        self._set(key, attempts=entry.attempts + 1, reason=reason)

    async def keep_for_replay(self, key: str, reason: str) -> None:
        self._set(key, offline=True, reason=reason)

    async def get(self, key: str) -> OutboxEntry | None:
        return self.entries.get(key)

    async def queued_before(self, key: str, item_id: str) -> bool:
        for entry in self.entries.values():  # insertion order is the order of the keys
            if entry.key == key:
                return False
            if entry.state is EntryState.PENDING and entry.payload.get("item_id") == item_id:
                return True
        return False

    async def pending(self, limit: int = 100) -> list[OutboxEntry]:
        waiting = [e for e in self.entries.values() if e.state is EntryState.PENDING]
        return waiting[:limit]

    def in_state(self, state: EntryState) -> list[OutboxEntry]:
        return [e for e in self.entries.values() if e.state is state]

    def _set(self, key: str, **changes: Any) -> None:
        if key not in self.entries:
            raise KeyError(f"no outbox entry {key!r}")
        self.entries[key] = replace(self.entries[key], **changes)
