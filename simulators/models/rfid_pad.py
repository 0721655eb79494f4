"""The behaviour of an RFID pad with ISO 15693 library tags, shared by the in-process fake
reader (tests) and the FEIG wire simulator (``kiosk sim rfid``), so they cannot drift.

Owns the tags on the pad (memory, DSFID, AFI, EAS, locks), the faults a technician or test
puts on them, the inventory continuation state, and the timing model: how long each operation
takes on real hardware. It never sleeps: callers ask ``cost_s`` and wait if they want realism.
Thread-safe: every method takes the model's lock.

Faults per tag: ``unreadable`` (answers inventory, memory reads fail), ``write_fault``:
``"error"`` (the reader reports a write error), ``"silent"`` (acknowledged but not stored, so
only a read-back notices) or ``"leave"`` (the tag leaves the field during the write).
``fault_count`` limits how many operations fail (0 = until cleared).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Literal

WriteFault = Literal["none", "error", "silent", "leave"]
DEFAULT_BLOCKS = 28  # NXP ICODE SLI: 28 user blocks of 4 bytes


class TagAbsent(Exception):
    """No tag with that UID answers."""


class TagFaulted(Exception):
    """The tag is there but the operation failed: ``kind`` is "unreadable", "write" or
    "locked"."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class PadTimings:
    """Seconds; realism delays that tests set to zero. Defaults follow the research notes:
    a few hundred ms per inventory round for a small stack, ~20 ms EEPROM time per block."""

    inventory_s: float = 0.03
    per_tag_s: float = 0.012
    read_block_s: float = 0.002
    write_block_s: float = 0.02
    max_tags_per_round: int = 4

    def inventory_cost(self, tags: int) -> float:
        return self.inventory_s + tags * self.per_tag_s


@dataclass
class SimTag:
    uid: str  # 16 hex digits, MSB first
    memory: bytearray = field(default_factory=lambda: bytearray(DEFAULT_BLOCKS * 4))
    dsfid: int = 0x00
    afi: int = 0x07
    eas: bool = True
    afi_locked: bool = False
    unreadable: bool = False
    write_fault: WriteFault = "none"
    fault_count: int = 0

    def status(self) -> dict[str, object]:
        return {
            "uid": self.uid,
            "dsfid": self.dsfid,
            "afi": self.afi,
            "eas": self.eas,
            "afi_locked": self.afi_locked,
            "unreadable": self.unreadable,
            "write_fault": self.write_fault,
            "memory": self.memory.hex().upper(),
        }


class PadModel:
    def __init__(self, timings: PadTimings | None = None, block_size: int = 4) -> None:
        self.timings = timings or PadTimings()
        self.block_size = block_size
        self._tags: dict[str, SimTag] = {}
        self._pending: list[tuple[int, str]] = []
        self._lock = threading.RLock()

    # -- manipulation (control API, tests) -----------------------------------------------

    def place(self, tag: SimTag) -> None:
        tag.uid = tag.uid.upper()
        if len(bytes.fromhex(tag.uid)) != 8:
            raise ValueError(f"UID {tag.uid} is not 8 bytes")
        with self._lock:
            self._tags[tag.uid] = tag

    def remove(self, uid: str) -> None:
        with self._lock:
            if self._tags.pop(uid.upper(), None) is None:
                raise KeyError(f"no tag {uid} on the pad")

    def clear(self) -> None:
        with self._lock:
            self._tags.clear()
            self._pending.clear()

    def set_fault(
        self,
        uid: str,
        *,
        unreadable: bool | None = None,
        write_fault: WriteFault | None = None,
        count: int = 0,
    ) -> None:
        with self._lock:
            tag = self._tag(uid)
            if unreadable is not None:
                tag.unreadable = unreadable
            if write_fault is not None:
                tag.write_fault = write_fault
            tag.fault_count = count

    def tags(self) -> list[SimTag]:
        with self._lock:
            return list(self._tags.values())

    def tag(self, uid: str) -> SimTag:
        with self._lock:
            return self._tag(uid)

    # -- what a reader does ----------------------------------------------------------------

    def inventory(self, more: bool) -> tuple[list[tuple[int, str]], bool]:
        """(DSFID, UID) of up to ``max_tags_per_round`` tags, and whether more are waiting."""
        with self._lock:
            if not more:
                self._pending = [(t.dsfid, t.uid) for t in self._tags.values()]
            limit = max(1, self.timings.max_tags_per_round)
            chunk, self._pending = self._pending[:limit], self._pending[limit:]
            chunk = [(d, u) for d, u in chunk if u in self._tags]  # left since the round began
            return chunk, bool(self._pending)

    def read_blocks(self, uid: str, first: int, count: int) -> bytes:
        with self._lock:
            tag = self._tag(uid)
            if tag.unreadable:
                self._spend(tag)
                raise TagFaulted("unreadable")
            start, end = first * self.block_size, (first + count) * self.block_size
            if count < 1 or end > len(tag.memory):
                raise TagFaulted("address")
            return bytes(tag.memory[start:end])

    def write_blocks(self, uid: str, first: int, data: bytes) -> None:
        with self._lock:
            tag = self._writable(uid)
            start = first * self.block_size
            if start + len(data) > len(tag.memory):
                raise TagFaulted("address")
            if self._write_lands(tag):
                tag.memory[start : start + len(data)] = data

    def write_afi(self, uid: str, afi: int) -> None:
        with self._lock:
            tag = self._writable(uid)
            if tag.afi_locked:
                raise TagFaulted("locked")
            if self._write_lands(tag):
                tag.afi = afi

    def lock_afi(self, uid: str) -> None:
        with self._lock:
            tag = self._writable(uid)
            if tag.afi_locked:
                raise TagFaulted("locked")
            tag.afi_locked = True

    def set_eas(self, uid: str, enabled: bool) -> None:
        with self._lock:
            tag = self._writable(uid)
            if self._write_lands(tag):
                tag.eas = enabled

    def eas_alarm(self, uid: str) -> bool:
        with self._lock:
            return self._tag(uid).eas

    def system_info(self, uid: str) -> SimTag:
        with self._lock:
            return self._tag(uid)

    # -- timing model ------------------------------------------------------------------------

    def cost_s(self, operation: str, amount: int = 1) -> float:
        t = self.timings
        match operation:
            case "inventory":
                return t.inventory_cost(amount)
            case "read":
                return t.per_tag_s + amount * t.read_block_s
            case "write":
                return t.per_tag_s + amount * t.write_block_s
        return t.per_tag_s

    # -- internals -------------------------------------------------------------------------

    def _tag(self, uid: str) -> SimTag:
        tag = self._tags.get(uid.upper())
        if tag is None:
            raise TagAbsent(uid)
        return tag

    def _writable(self, uid: str) -> SimTag:
        tag = self._tag(uid)
        if tag.write_fault == "error":
            self._spend(tag)
            raise TagFaulted("write")
        if tag.write_fault == "leave":
            self._spend(tag)
            del self._tags[tag.uid]
            raise TagAbsent(uid)
        return tag

    def _write_lands(self, tag: SimTag) -> bool:
        if tag.write_fault == "silent":
            self._spend(tag)
            return False
        return True

    def _spend(self, tag: SimTag) -> None:
        """A limited fault heals after ``fault_count`` failures."""
        if tag.fault_count > 0:
            tag.fault_count -= 1
            if tag.fault_count == 0:
                tag.unreadable = False
                tag.write_fault = "none"
