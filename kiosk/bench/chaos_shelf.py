"""Two readers for `kiosk bench chaos`: the tags the kiosk took off the RFID simulator's pad
(kept as they left it, since the pad's model forgets a removed tag), and every outbox entry
of the kiosk's store, oldest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from backend_sync.store.outbox import OutboxStore
from backend_sync.store.records import entry_from_row
from backend_sync.store.schema import outbox
from kiosk.core.outbox import OutboxEntry


class Shelf:
    def __init__(self, rfid: Any) -> None:
        self.rfid = rfid
        self.tags: dict[str, Any] = {}
        self._remove = rfid.model.remove
        rfid.model.remove = self.remove

    def remove(self, uid: str) -> None:
        self.tags[uid.upper()] = self.rfid.model.tag(uid)
        self._remove(uid)

    def afi(self, uid: str) -> int | None:
        tag = self.tags.get(uid)
        if tag is None:
            tag = {t.uid: t for t in self.rfid.model.tags()}.get(uid)
        return None if tag is None else tag.afi


def all_entries(store: OutboxStore) -> list[OutboxEntry]:
    with store.engine.begin() as db:
        return [entry_from_row(r) for r in db.execute(select(outbox).order_by(outbox.c.seq))]
