"""An in-process reader over the pad model: the ``TagReader`` port without bytes, for unit
tests of everything above the driver (library_tags, pad monitor, the domain core later).

It maps the model's outcomes to the same typed errors the FEIG driver raises, so code tested
against it behaves the same against the wire simulator. ``unplugged`` makes every call raise
ReaderUnavailable until cleared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from device_drivers.rfid.interface import (
    ReaderUnavailable,
    TagInfo,
    TagNotInField,
    TagSighting,
    TagUnreadable,
    TagWriteFailed,
)
from simulators.models.rfid_pad import PadModel, TagAbsent, TagFaulted

_T = TypeVar("_T")


class FakeReader:
    def __init__(self, model: PadModel) -> None:
        self.model = model
        self.unplugged = False
        self.calls = 0

    def _call(self, uid: str | None, operation: Callable[..., _T], *args: object) -> _T:
        self.calls += 1
        if self.unplugged:
            raise ReaderUnavailable("fake reader unplugged")
        try:
            return operation(*args)
        except TagAbsent:
            raise TagNotInField(f"tag {uid} did not answer", uid or "") from None
        except TagFaulted as fault:
            if fault.kind == "unreadable":
                raise TagUnreadable(f"tag {uid} unreadable", uid or "") from None
            raise TagWriteFailed(f"tag {uid}: {fault.kind}", uid or "") from None

    def inventory(self) -> list[TagSighting]:
        sightings: list[TagSighting] = []
        more = False
        while True:
            tags, more = self._call(None, self.model.inventory, more)
            sightings += [TagSighting(uid, dsfid) for dsfid, uid in tags]
            if not more:
                return sightings

    def read_blocks(self, uid: str, first: int, count: int) -> bytes:
        return self._call(uid, self.model.read_blocks, uid, first, count)

    def write_blocks(self, uid: str, first: int, data: bytes) -> None:
        self._call(uid, self.model.write_blocks, uid, first, data)

    def system_info(self, uid: str) -> TagInfo:
        tag = self._call(uid, self.model.system_info, uid)
        size = self.model.block_size
        return TagInfo(tag.uid, tag.dsfid, tag.afi, size, len(tag.memory) // size)

    def write_afi(self, uid: str, afi: int) -> None:
        self._call(uid, self.model.write_afi, uid, afi)

    def lock_afi(self, uid: str) -> None:
        self._call(uid, self.model.lock_afi, uid)

    def set_eas(self, uid: str, enabled: bool) -> None:
        self._call(uid, self.model.set_eas, uid, enabled)

    def eas_enabled(self, uid: str) -> bool:
        return self._call(uid, self.model.eas_alarm, uid)

    def reset(self) -> None:
        self._call(None, lambda: None)

    def close(self) -> None:
        return None
