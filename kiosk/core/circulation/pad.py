"""The core's own port for the RFID pad: which library items arrived or left, and switching an
item's security with verification. The composition root adapts the RFID driver (pad monitor,
library tags) to it; the core never sees a reader, a UID format rule or an AFI value.

An item on the pad is a ``PadItem`` (its tag UID, its item id, "part n of m" for sets). Tags the
pad could not make sense of arrive as ``PadProblem`` so the patron is told, never ignored.
``set_security`` returns only once the new state was read back; otherwise it raises
``SecurityWriteFailed`` (the tag's or reader's fault) or ``PadUnavailable``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


class PadError(Exception):
    """A failure of the pad."""


class PadUnavailable(PadError):
    """The reader behind the pad cannot be reached."""


class SecurityWriteFailed(PadError):
    """The security state of one tag could not be written or did not read back."""

    def __init__(self, uid: str, reason: str) -> None:
        super().__init__(f"tag {uid}: {reason}")
        self.uid = uid
        self.reason = reason


@dataclass(frozen=True)
class PadItem:
    uid: str
    item_id: str
    part: int = 1
    parts: int = 1


@dataclass(frozen=True)
class PadProblem:
    """A tag that is not a readable library item: ``kind`` is "unreadable", "foreign" or
    "damaged" (its data fails its CRC: refused, given to staff)."""

    uid: str
    kind: str


@dataclass(frozen=True)
class ItemsArrived:
    items: tuple[PadItem, ...]
    problems: tuple[PadProblem, ...] = ()


@dataclass(frozen=True)
class ItemsLeft:
    uids: tuple[str, ...]


@dataclass(frozen=True)
class PadLost:
    reason: str


@dataclass(frozen=True)
class PadRestored:
    pass


PadEvent = ItemsArrived | ItemsLeft | PadLost | PadRestored


class Pad(Protocol):
    async def start(self, on_event: Callable[[PadEvent], None]) -> None:
        """Begin reporting what is on the pad (a session began). ``on_event`` is called on the
        event loop's thread."""
        ...

    async def stop(self) -> None:
        """Stop reporting and forget the pad (the session is over)."""
        ...

    async def set_security(self, uid: str, secured: bool) -> None:
        """Write the tag's security state and verify it by reading it back."""
        ...
