"""What the kiosk asks of an RFID reader, whatever its make: the ``TagReader`` port.

A reader family (FEIG ISO-host today; a 3M/Bibliotheca pad later) is one module with a class
that satisfies this Protocol. Memory is always in the tag's own order: a family whose wire
format reverses blocks turns them back itself. Methods block the calling thread for at most
the configured timeout and are safe to call from one worker thread at a time; the pad
monitor (``pad_monitor.py``) runs them off the event loop.

Errors say who is at fault: the reader is gone (``ReaderUnavailable``), it talks nonsense
(``ReaderProtocolError``), the tag misbehaved (``TagNotInField``, ``TagWriteFailed``,
``TagUnreadable``) or the write did not stick (``SecurityNotVerified``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class RfidError(Exception):
    """Every failure of an RFID reader or tag."""


class ReaderUnavailable(RfidError):
    """The reader cannot be reached: unplugged, socket closed, or silent past the timeout."""


class ReaderProtocolError(RfidError):
    """The reader's replies are garbage: CRC errors on the line or malformed frames, past the
    retries."""


class ReaderMismatch(ReaderProtocolError):
    """The reader answers in well-formed frames that do not match what the driver assumes
    from the manuals' notes (MORE continuation, UID byte order, system-information layout,
    status codes): the driver stops rather than misread tags. docs/rfid.md, "Checks on a
    real reader", says how a technician confirms each assumption."""


class ReaderRefused(RfidError):
    """The reader answered with an error status that names no tag fault."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class TagError(RfidError):
    def __init__(self, message: str, uid: str) -> None:
        super().__init__(message)
        self.uid = uid


class TagNotInField(TagError):
    """The tag did not answer: it left the pad (possibly in the middle of a write)."""


class TagUnreadable(TagError):
    """The tag answers the inventory but its memory cannot be read (damaged, detuned)."""


class TagWriteFailed(TagError):
    """The reader reported that a write to the tag failed."""


class SecurityNotVerified(TagError):
    """After the retries, reading back the security state did not show what was written."""


@dataclass(frozen=True)
class TagSighting:
    """A tag seen in one inventory: UID as 16 hex digits (MSB first, ``E004…``)."""

    uid: str
    dsfid: int


@dataclass(frozen=True)
class TagInfo:
    uid: str
    dsfid: int
    afi: int
    block_size: int
    block_count: int


class TagReader(Protocol):
    """One reader on one port. Implementations reconnect by themselves after ReaderUnavailable
    on the next call once the reader is back."""

    def inventory(self) -> list[TagSighting]:
        """Every tag in the field now (all continuation rounds included)."""

    def read_blocks(self, uid: str, first: int, count: int) -> bytes:
        """``count`` blocks from ``first``, in tag memory order."""

    def write_blocks(self, uid: str, first: int, data: bytes) -> None:
        """Write whole blocks from ``first``; ``data`` in tag memory order."""

    def system_info(self, uid: str) -> TagInfo: ...

    def write_afi(self, uid: str, afi: int) -> None: ...

    def lock_afi(self, uid: str) -> None: ...

    def set_eas(self, uid: str, enabled: bool) -> None: ...

    def eas_enabled(self, uid: str) -> bool:
        """Whether the EAS bit is set (a tag with EAS off does not answer the alarm query, so
        implementations confirm the tag is present before answering False)."""

    def reset(self) -> None:
        """Reset the reader (after it misbehaves)."""

    def close(self) -> None: ...
