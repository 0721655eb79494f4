"""The faults a test or technician switches on in a running ILS simulator, and how replies break.

Faults (each counted down per request, `count=0` meaning "until cleared"):
  latency      every response waits `latency_ms` more
  drop_before  close the connection on receipt of a request, before it is applied
  drop_after   apply the request, then close without answering ("applied, response lost")
  swallow      read requests and never answer them (not applied)
  swallow_after  apply requests, never answer, keep the connection (a lost response: the
               SC times out and resends on the same connection, where dialects differ)
  garble       corrupt the reply (bytes in its middle become "~"; the checksum no longer holds)
  bad_checksum send the reply with a wrong AZ
  resend       answer the request with 96 ("please resend") and do not apply it; with
               count=0 and a command, an ACS that refuses that request forever
  offline      "refuse": stop listening and close every connection;
               "status": stay connected, 98 says on-line N, transactions are refused

Thread-safe: the control API switches faults from its own thread while the server reads them.
Knows no sockets; the server (server.py) acts on what `take` says.
"""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass, replace
from typing import Literal

from backend_sync.sip2.codec import checksum

Countdown = Literal[
    "drop_before", "drop_after", "swallow", "swallow_after", "garble", "bad_checksum", "resend"
]
OfflineMode = Literal["", "refuse", "status"]
COUNTDOWNS: tuple[Countdown, ...] = (
    "drop_before",
    "drop_after",
    "swallow",
    "swallow_after",
    "garble",
    "bad_checksum",
    "resend",
)
UNTIL_CLEARED = -1
_TRAILER = re.compile(rb"AZ([0-9A-Fa-f]{4})$")


@dataclass(frozen=True)
class FaultState:
    latency_ms: int = 0
    drop_before: int = 0  # requests still to treat so; -1 until cleared
    drop_after: int = 0
    swallow: int = 0
    swallow_after: int = 0
    garble: int = 0
    bad_checksum: int = 0
    resend: int = 0
    offline: OfflineMode = ""


class Faults:
    """The switches. `take(name)` answers "does this fault hit the current request?"."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = FaultState()
        self._only: dict[str, str] = {}  # fault -> the only request command it hits

    @property
    def state(self) -> FaultState:
        with self._lock:
            return self._state

    def snapshot(self) -> dict[str, object]:
        return asdict(self.state)

    def arm(self, name: Countdown, count: int = 1, command: str | None = None) -> None:
        """Make the next `count` requests suffer `name` (0: every request until cleared);
        with `command` (e.g. "29"), only requests of that command count."""
        if name not in COUNTDOWNS:
            raise ValueError(f"unknown fault {name!r}; known: {', '.join(COUNTDOWNS)}")
        if count < 0:
            raise ValueError("count must be 0 (until cleared) or more")
        with self._lock:
            self._state = replace(self._state, **{name: count or UNTIL_CLEARED})
            if command:
                self._only[name] = command
            else:
                self._only.pop(name, None)

    def take(self, name: Countdown, command: str = "") -> bool:
        with self._lock:
            left = getattr(self._state, name)
            if left == 0:
                return False
            if name in self._only and command != self._only[name]:
                return False
            if left > 0:
                self._state = replace(self._state, **{name: left - 1})
            return True

    def set_latency(self, ms: int) -> None:
        if not 0 <= ms <= 600_000:
            raise ValueError("latency must be 0..600000 ms")
        with self._lock:
            self._state = replace(self._state, latency_ms=ms)

    def set_offline(self, mode: OfflineMode) -> None:
        if mode not in ("", "refuse", "status"):
            raise ValueError("offline mode must be 'refuse' or 'status'")
        with self._lock:
            self._state = replace(self._state, offline=mode)

    def clear(self) -> None:
        with self._lock:
            self._state = FaultState()
            self._only.clear()


def garbled(data: bytes, terminator: bytes) -> bytes:
    """The reply with a third of its middle turned into "~": the command id and terminator
    survive (so it still looks like a reply), the byte sum strictly grows (so AZ fails)."""
    body = data[: len(data) - len(terminator)] if data.endswith(terminator) else data
    start = 2 + max(0, (len(body) - 2) // 3)
    end = min(len(body), start + max(1, (len(body) - 2) // 3))
    middle = bytes(b if b >= 0x7E else 0x7E for b in body[start:end])
    if middle == body[start:end]:  # nothing below "~" there: grow the reply instead
        middle += b"~"
    return body[:start] + middle + body[end:] + terminator


def with_bad_checksum(data: bytes, terminator: bytes) -> bytes:
    """The reply with an AZ that does not match (added when the reply had none)."""
    body = data[: len(data) - len(terminator)] if data.endswith(terminator) else data
    match = _TRAILER.search(body)
    if match is None:
        body += b"AZ"
        wrong = (int(checksum(body), 16) + 1) & 0xFFFF
        return body + f"{wrong:04X}".encode("ascii") + terminator
    wrong = (int(match.group(1), 16) + 1) & 0xFFFF
    return body[: match.start(1)] + f"{wrong:04X}".encode("ascii") + terminator
