"""What is on the pad, as a patron expects it: debounced arrivals and departures, and whether
every part of each set is there. Pure: inventories and ``now`` in, events out.

Debounce table (per UID, counted in inventory rounds)::

    state    seen this round                     missed this round
    absent   -> arriving(1)                      absent
    arriving arriving(n+1); present at n = A     absent (a flicker is not an arrival)
    present  present (miss count reset)          leaving(1)
    leaving  present                             leaving(n+1); absent at n = L  -> TagsLeft

``A`` = ``arrive_rounds``, ``L`` = ``leave_rounds``: stacked books detune each other, so a
tag that drops out of one round has not left. Set completeness follows ISO 28560-1: parts of
a set share the primary item id and carry "part n of m"; a checkout or return waits until
parts 1..m are all present (readers can miss tags silently).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from device_drivers.rfid.tag_data import ItemData

TagKind = Literal["item", "unreadable", "foreign", "damaged"]  # damaged: CRC fails


@dataclass(frozen=True)
class TagRead:
    """One tag on the pad: its item, or why it has none (reported, never ignored)."""

    uid: str
    kind: TagKind
    item: ItemData | None = None
    problem: str = ""


@dataclass(frozen=True)
class TagsArrived:
    tags: tuple[TagRead, ...]
    at: float


@dataclass(frozen=True)
class TagsLeft:
    uids: tuple[str, ...]
    at: float


@dataclass(frozen=True)
class ReaderLost:
    reason: str
    at: float


@dataclass(frozen=True)
class ReaderRestored:
    at: float


PadEvent = TagsArrived | TagsLeft | ReaderLost | ReaderRestored


@dataclass
class _Track:
    seen: int = 0
    missed: int = 0
    present: bool = False


@dataclass
class PadTracker:
    arrive_rounds: int = 2
    leave_rounds: int = 3
    _tracks: dict[str, _Track] = field(default_factory=dict)

    def observe(self, uids: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Feed one inventory round; returns (UIDs that arrived, UIDs that left)."""
        seen = set(uids)
        arrived, left = [], []
        for uid in seen:
            track = self._tracks.setdefault(uid, _Track())
            track.seen, track.missed = track.seen + 1, 0
            if not track.present and track.seen >= self.arrive_rounds:
                track.present = True
                arrived.append(uid)
        for uid, track in list(self._tracks.items()):
            if uid in seen:
                continue
            if not track.present:
                del self._tracks[uid]
                continue
            track.missed += 1
            if track.missed >= self.leave_rounds:
                del self._tracks[uid]
                left.append(uid)
        return tuple(sorted(arrived)), tuple(sorted(left))

    def forget(self, uid: str) -> None:
        """Treat a tag as never seen (it vanished before it could be read): it arrives anew."""
        self._tracks.pop(uid, None)

    @property
    def present(self) -> frozenset[str]:
        return frozenset(uid for uid, t in self._tracks.items() if t.present)

    def reset(self) -> tuple[str, ...]:
        """Forget everything (session over); returns the UIDs that were present."""
        gone = tuple(sorted(self.present))
        self._tracks.clear()
        return gone


@dataclass(frozen=True)
class IncompleteSet:
    primary_item_id: str
    owner_library: str
    parts_in_set: int
    present: tuple[int, ...]
    missing: tuple[int, ...]

    @property
    def message(self) -> str:
        missing = ", ".join(str(n) for n in self.missing)
        return (
            f"item {self.primary_item_id}: part(s) {missing} of {self.parts_in_set} not on the "
            "pad; place every part of the set"
        )


def incomplete_sets(items: Iterable[ItemData]) -> tuple[IncompleteSet, ...]:
    """The sets with parts missing from ``items`` (single items are always complete)."""
    parts: dict[tuple[str, str], set[int]] = defaultdict(set)
    sizes: dict[tuple[str, str], int] = defaultdict(int)
    for item in items:
        key = (item.owner_library, item.primary_item_id)
        parts[key].add(item.part_number)
        sizes[key] = max(sizes[key], item.parts_in_set)
    found = []
    for key, present in sorted(parts.items()):
        size = sizes[key]
        if size <= 1:
            continue
        missing = tuple(n for n in range(1, size + 1) if n not in present)
        if missing:
            found.append(IncompleteSet(key[1], key[0], size, tuple(sorted(present)), missing))
    return tuple(found)


@dataclass(frozen=True)
class PadContents:
    items: tuple[TagRead, ...]
    unreadable: tuple[TagRead, ...]
    foreign: tuple[TagRead, ...]
    incomplete: tuple[IncompleteSet, ...]
    damaged: tuple[TagRead, ...] = ()

    @property
    def ready(self) -> bool:
        """Every tag is a readable library item and every set is whole."""
        blocked = self.unreadable or self.foreign or self.incomplete or self.damaged
        return bool(self.items) and not blocked

    @property
    def problems(self) -> tuple[str, ...]:
        lines = [s.message for s in self.incomplete]
        lines += [f"tag {t.uid} could not be read: {t.problem}" for t in self.unreadable]
        lines += [f"tag {t.uid} is not a library item tag: {t.problem}" for t in self.foreign]
        lines += [f"tag {t.uid} is damaged: {t.problem}" for t in self.damaged]
        return tuple(lines)


def contents(reads: Iterable[TagRead]) -> PadContents:
    reads = sorted(reads, key=lambda r: r.uid)
    items = tuple(r for r in reads if r.kind == "item")
    return PadContents(
        items=items,
        unreadable=tuple(r for r in reads if r.kind == "unreadable"),
        foreign=tuple(r for r in reads if r.kind == "foreign"),
        incomplete=incomplete_sets(r.item for r in items if r.item is not None),
        damaged=tuple(r for r in reads if r.kind == "damaged"),
    )
