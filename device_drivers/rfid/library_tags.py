"""Library meaning on top of any ``TagReader``: read a tag's item data, and flip its security
state with read-back verification and bounded retries.

Security state pairs come from configuration: checked in (secured, the gate alarms) and
checked out (on loan), e.g. AFI 0x07/0xC2 (ISO 28560-1) or 3M's 0xD7/0xDA; the EAS bit is
set with them when the library uses EAS. Callers flip security only after the library system
accepted the loan or return. Real readers fail writes routinely, so every write is read back;
a tag that leaves the pad mid-write raises TagNotInField at once (no point retrying).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from device_drivers.rfid.interface import (
    SecurityNotVerified,
    TagReader,
    TagSighting,
    TagUnreadable,
    TagWriteFailed,
)
from device_drivers.rfid.pad import TagRead
from device_drivers.rfid.tag_data import ItemData, Model, TagDataError, decode_tag

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SecurityPair:
    checked_in_afi: int = 0x07
    checked_out_afi: int = 0xC2
    use_eas: bool = False

    def __post_init__(self) -> None:
        if self.checked_in_afi == self.checked_out_afi:
            raise ValueError("checked-in and checked-out AFI must differ")


@dataclass(frozen=True)
class SecurityState:
    afi: int
    secured: bool | None  # None: an AFI that is neither configured value
    eas: bool | None  # None: the library does not use EAS (not asked)

    def words(self) -> str:
        state = {True: "checked in (secured)", False: "checked out (on loan)"}.get(
            self.secured, "neither checked in nor checked out"
        )
        eas = "" if self.eas is None else f", EAS {'on' if self.eas else 'off'}"
        return f"AFI {self.afi:#04x}: {state}{eas}"

    def to_json(self) -> dict[str, object]:
        return {"afi": f"{self.afi:#04x}", "secured": self.secured, "eas": self.eas,
                "state": self.words()}  # fmt: skip


def damaged_words(item: ItemData) -> str:
    """What staff need to find a damaged tag's item: the fields it still holds."""
    owner = f" of {item.owner_library}" if item.owner_library else ""
    return (
        f"the tag's CRC fails (damaged or half-written); it says item {item.primary_item_id!r}"
        f"{owner}, part {item.part_number} of {item.parts_in_set}"
    )


class LibraryTags:
    def __init__(
        self,
        reader: TagReader,
        security: SecurityPair | None = None,
        *,
        item_blocks: int = 9,
        data_model: Model | str = "auto",
        retries: int = 3,
    ) -> None:
        self.reader = reader
        self.security = security or SecurityPair()
        self.item_blocks = item_blocks
        self.data_model = data_model
        self.retries = retries

    def read(self, sighting: TagSighting) -> TagRead:
        """The item on a tag, or a TagRead saying why there is none. TagNotInField and reader
        errors propagate."""
        try:
            memory = self.reader.read_blocks(sighting.uid, 0, self.item_blocks)
        except TagUnreadable as exc:
            return TagRead(sighting.uid, "unreadable", problem=str(exc))
        try:
            item = decode_tag(memory, self.data_model, dsfid=sighting.dsfid)  # type: ignore[arg-type]
        except TagDataError as exc:
            item = self._decode_whole_memory(sighting, len(memory))
            if item is None:
                return TagRead(sighting.uid, "foreign", problem=str(exc))
        if item.crc_valid is False:  # never an item: circulation refuses it, security stays on
            return TagRead(sighting.uid, "damaged", problem=damaged_words(item))
        return TagRead(sighting.uid, "item", item=item)

    def _decode_whole_memory(self, sighting: TagSighting, read: int) -> ItemData | None:
        """ISO 28560-2 data (and long optional blocks) can run past the first blocks: one more
        try with all of the tag's memory before calling it foreign."""
        try:
            info = self.reader.system_info(sighting.uid)
            if info.block_count * info.block_size <= read:
                return None
            memory = self.reader.read_blocks(sighting.uid, 0, info.block_count)
            return decode_tag(memory, self.data_model, dsfid=sighting.dsfid)  # type: ignore[arg-type]
        except (TagDataError, TagUnreadable):
            return None

    def secure(self, uid: str) -> int:
        """Checked in: the gate alarms. Returns the attempts it took."""
        return self._set(uid, secured=True)

    def unsecure(self, uid: str) -> int:
        """Checked out (on loan). Returns the attempts it took."""
        return self._set(uid, secured=False)

    def is_secured(self, uid: str) -> bool | None:
        """True/False for the configured states; None for an AFI that is neither."""
        afi = self.reader.system_info(uid).afi
        if afi == self.security.checked_in_afi:
            return True
        if afi == self.security.checked_out_afi:
            return False
        return None

    def security_state(self, uid: str) -> SecurityState:
        """What a technician checks on a tag: its AFI, whether that is the configured checked-in
        or checked-out value, and the EAS bit (asked only when the library uses EAS)."""
        afi = self.reader.system_info(uid).afi
        secured = (
            True
            if afi == self.security.checked_in_afi
            else False
            if afi == self.security.checked_out_afi
            else None
        )
        eas = self.reader.eas_enabled(uid) if self.security.use_eas else None
        return SecurityState(afi, secured, eas)

    def _set(self, uid: str, secured: bool) -> int:
        afi = self.security.checked_in_afi if secured else self.security.checked_out_afi
        last = "never verified"
        for attempt in range(1, self.retries + 2):
            try:
                self.reader.write_afi(uid, afi)
                if self.security.use_eas:
                    self.reader.set_eas(uid, secured)
            except TagWriteFailed as exc:
                last = str(exc)
                log.info("rfid security write failed (attempt %d): %s", attempt, exc)
                continue
            read_back = self.reader.system_info(uid).afi
            eas_ok = not self.security.use_eas or self.reader.eas_enabled(uid) == secured
            if read_back == afi and eas_ok:
                return attempt
            last = f"read back AFI {read_back:#04x}, wanted {afi:#04x}" + (
                "" if eas_ok else "; EAS did not change"
            )
            log.info("rfid security not verified (attempt %d): %s", attempt, last)
        raise SecurityNotVerified(
            f"tag {uid}: security not verified after {self.retries + 1} attempts ({last})", uid
        )
