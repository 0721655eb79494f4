"""The help desk of one kiosk: a patron's "Call a librarian" becomes a HelpRequest sent to
every configured channel (e-mail, SMS, webhook), and a staff card acknowledges it.

    IDLE --call--> CALLED --acknowledge--> ACKNOWLEDGED --call (after the interval)--> CALLED

Rate-limited per kiosk: a second tap while a call is open is "already called" (nothing is sent
again); after an acknowledgement a new call goes out only ``min_interval_s`` after the last one.
A HelpRequest has no field for the patron: only the kiosk, the library, where the kiosk stands
and when; nothing about who tapped can reach a channel. A channel that fails does not stop the
others; the call counts as made when at least one channel took it (the e-mail channel queues in
the mail outbox, so it takes the call even offline and sends when the server answers).
Pure: channels and the recorder are ports, the clock is injected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from kiosk.core.clock import Clock


class HelpState(StrEnum):
    IDLE = "idle"
    CALLED = "called"
    ACKNOWLEDGED = "acknowledged"


class CallResult(StrEnum):
    """How a tap ended; the values label kiosk_help_requests_total."""

    CALLED = "called"  # at least one channel took it
    ALREADY_CALLED = "already_called"  # a call is open: nothing sent again
    RATE_LIMITED = "rate_limited"  # acknowledged, but the last call is too recent
    FAILED = "failed"  # no channel took it (or none is configured)


@dataclass(frozen=True)
class HelpRequest:
    """What staff are told. Deliberately nothing about the patron."""

    kiosk_id: str
    library_name: str
    location: str
    called_at: datetime

    def subject(self) -> str:
        return f"Help needed at kiosk {self.kiosk_id}"

    def text(self) -> str:
        where = f" ({self.location})" if self.location else ""
        return (
            f"A patron at kiosk {self.kiosk_id}{where}, {self.library_name}, asked for a "
            f"librarian at {self.called_at:%Y-%m-%d %H:%M}.\n"
            "Acknowledge with a staff card at the kiosk.\n"
        )

    def as_json(self) -> dict[str, str]:
        return {
            "event": "help_requested",
            "kiosk_id": self.kiosk_id,
            "library": self.library_name,
            "location": self.location,
            "called_at": self.called_at.isoformat(),
            "text": self.text().strip(),
        }


class HelpChannelError(Exception):
    """A channel could not take the call (the message says why, never secrets)."""


class HelpChannel(Protocol):
    name: str

    async def send(self, request: HelpRequest) -> None:
        """Deliver or queue durably; raise HelpChannelError when it could not."""
        ...


class HelpRecorder(Protocol):
    def help_request(self, result: str) -> None: ...


@dataclass(frozen=True)
class HelpCall:
    result: CallResult
    delivered: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()

    @property
    def staff_told(self) -> bool:
        """What the patron is shown: a librarian has been called (now or before)."""
        return self.result in (CallResult.CALLED, CallResult.ALREADY_CALLED)


class HelpDesk:
    def __init__(
        self,
        kiosk_id: str,
        library_name: str,
        channels: Sequence[HelpChannel],
        clock: Clock,
        *,
        location: str = "",
        min_interval_s: float = 300.0,
        recorder: HelpRecorder | None = None,
    ) -> None:
        if min_interval_s < 0:
            raise ValueError("min_interval_s cannot be negative")
        self.kiosk_id = kiosk_id
        self.library_name = library_name
        self.location = location
        self.channels = tuple(channels)
        self.clock = clock
        self.min_interval_s = min_interval_s
        self.recorder = recorder
        self.state = HelpState.IDLE
        self.called_at: datetime | None = None
        self.acknowledged_by = ""
        self._last_sent: float | None = None

    async def call(self) -> HelpCall:
        outcome = await self._call()
        if self.recorder is not None:
            self.recorder.help_request(outcome.result.value)
        return outcome

    async def _call(self) -> HelpCall:
        now = self.clock.monotonic()
        if self.state is HelpState.CALLED:
            return HelpCall(CallResult.ALREADY_CALLED)
        if self._last_sent is not None and now - self._last_sent < self.min_interval_s:
            return HelpCall(CallResult.RATE_LIMITED)
        request = HelpRequest(self.kiosk_id, self.library_name, self.location, self.clock.now())
        delivered: list[str] = []
        failed: list[str] = []
        for channel in self.channels:
            try:
                await channel.send(request)
            except HelpChannelError:
                failed.append(channel.name)
            else:
                delivered.append(channel.name)
        if not delivered:
            return HelpCall(CallResult.FAILED, failed=tuple(failed))
        self._last_sent = now
        self.state = HelpState.CALLED
        self.called_at = request.called_at
        self.acknowledged_by = ""
        return HelpCall(CallResult.CALLED, tuple(delivered), tuple(failed))

    def acknowledge(self, staff: str = "") -> bool:
        """A staff card at the kiosk: True when there was an open call to acknowledge."""
        if self.state is not HelpState.CALLED:
            return False
        self.state = HelpState.ACKNOWLEDGED
        self.acknowledged_by = staff
        return True
