"""What the pad's arrivals mean for a visit: which items are ready to be handled, in the order
they arrived, and which sets still wait for parts.

Rules: a tag or an item already handled in this visit is not handled again (a book lifted and
put back, or a second tag with the same item id);
a single item is ready at once; a set (ISO 28560 "part n of m") is ready, once, when every
part is on the pad, with all its parts' tags; a part that leaves the pad before the set is
whole must arrive again. Pure bookkeeping on the Visit: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kiosk.core.circulation.pad import PadItem
from kiosk.core.circulation.visit import Visit


@dataclass(frozen=True)
class Ready:
    item_id: str
    uids: tuple[str, ...]


def take(visit: Visit, items: Iterable[PadItem]) -> tuple[list[Ready], bool]:
    """(the items now ready, whether some set is still incomplete)."""
    ready: list[Ready] = []
    for item in items:
        if item.uid in visit.handled_uids or item.item_id in visit.handled_uids.values():
            continue
        if item.parts <= 1:
            visit.handled_uids[item.uid] = item.item_id
            ready.append(Ready(item.item_id, (item.uid,)))
            continue
        parts = visit.waiting_parts.setdefault(item.item_id, {})
        parts[item.part] = item
        if len(parts) >= item.parts:
            del visit.waiting_parts[item.item_id]
            uids = tuple(parts[n].uid for n in sorted(parts))
            visit.handled_uids.update(dict.fromkeys(uids, item.item_id))
            ready.append(Ready(item.item_id, uids))
    return ready, any(visit.waiting_parts.values())


def left(visit: Visit, uids: Iterable[str]) -> None:
    gone = set(uids)
    for parts in visit.waiting_parts.values():
        for number, part in list(parts.items()):
            if part.uid in gone:
                del parts[number]
