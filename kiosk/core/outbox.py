"""The outbox port: every state-changing transaction is made durable before it is sent.

The domain writes an entry (with an idempotency key) and only then talks to the ILS; the
sync worker (backend_sync/store) sends pending entries in order and records each result.
Pure definitions: the SQLite implementation lives in backend_sync/store.

    PENDING --sent, ILS accepted--> DONE
    PENDING --sent, ILS refused---> REJECTED   (goes to the reconciliation list for staff)
    PENDING --outcome unknown-----> PENDING    (the next attempt queries the ILS state first)

The domain's entries are live while the kiosk does its side (the ILS call, the security
write): the replayer leaves them alone until the domain marks them done or rejected, or
keeps them for replay (note_attempt / keep_for_replay). One the kiosk never finished (the
process died) is checked at the ILS and goes to the reconciliation list as interrupted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol


class EntryKind(StrEnum):
    CHECKOUT = "checkout"
    CHECKIN = "checkin"
    RENEW = "renew"
    FEE_PAID = "fee_paid"
    HOLD = "hold"
    LOCKER_EVENT = "locker_event"
    ROOM_CHECKIN = "room_checkin"


class EntryState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    REJECTED = "rejected"


@dataclass(frozen=True)
class OutboxEntry:
    """`key` is unique per transaction (kiosk id + session + item + kind); `payload` is plain
    JSON-able data (card numbers as the ILS needs them, never a PIN); `happened_at` is the
    kiosk's time, replayed as the SIP2 no-block transaction date."""

    key: str
    kind: EntryKind
    payload: dict[str, Any]
    happened_at: datetime
    offline: bool = False
    state: EntryState = EntryState.PENDING
    attempts: int = 0
    result: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


class Outbox(Protocol):
    async def add(self, entry: OutboxEntry) -> bool:
        """Store durably (committed before return). False if the key is already there."""
        ...

    async def mark_done(self, key: str, result: dict[str, Any]) -> None: ...

    async def mark_rejected(self, key: str, reason: str, result: dict[str, Any]) -> None:
        """Rejected, for staff: it goes on the reconciliation list until resolved."""
        ...

    async def mark_refused(self, key: str, reason: str, result: dict[str, Any]) -> None:
        """The ILS refused it live and the patron was told at the kiosk: nothing changed at
        the ILS and nothing is left for staff (rejected and resolved at once)."""
        ...

    async def note_attempt(self, key: str, reason: str) -> None:
        """The kiosk finished its side and keeps the entry for replay; the request may have
        gone out (the ILS stopped answering), so the replayer asks the ILS first."""
        ...

    async def keep_for_replay(self, key: str, reason: str) -> None:
        """The kiosk finished its side of a transaction it never sent (offline): replay it."""
        ...

    async def get(self, key: str) -> OutboxEntry | None: ...

    async def queued_before(self, key: str, item_id: str) -> bool:
        """True when an entry about `item_id` older than `key` is still pending (kept for
        replay, or being replayed): `key` must then wait behind it, not be sent past it."""
        ...

    async def pending(self, limit: int = 100) -> list[OutboxEntry]:
        """Oldest first."""
        ...
