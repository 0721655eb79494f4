"""The idle-timeout rule the UI enforces on every screen and dialog: pure, with ``now`` given.

After ``timeout_s`` without a touch or key the warning appears and counts down ``warning_s``;
a touch or "extend my time" restarts the wait; reaching zero ends the session (``TimedOut``).
The attract screen has nothing to time out, so the countdown is paused there. A state table:

    state     event            -> state
    IDLE      touch / resume   -> ACTIVE
    ACTIVE    tick >= warn_at  -> WARNING
    WARNING   touch / extend   -> ACTIVE
    WARNING   tick >= end_at   -> EXPIRED
    any       pause            -> IDLE
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Phase(StrEnum):
    IDLE = "idle"
    ACTIVE = "active"
    WARNING = "warning"
    EXPIRED = "expired"


@dataclass
class IdleCountdown:
    timeout_s: float
    warning_s: float
    phase: Phase = Phase.IDLE
    last_activity: float = 0.0

    def resume(self, now: float) -> None:
        """A visit started (or a screen that times out is showing)."""
        self.phase = Phase.ACTIVE
        self.last_activity = now

    def pause(self) -> None:
        self.phase = Phase.IDLE

    def activity(self, now: float) -> None:
        """A touch or key press: any phase but IDLE and EXPIRED starts waiting again."""
        if self.phase in (Phase.ACTIVE, Phase.WARNING):
            self.phase = Phase.ACTIVE
            self.last_activity = now

    def tick(self, now: float) -> Phase:
        if self.phase is Phase.IDLE or self.phase is Phase.EXPIRED:
            return self.phase
        quiet = now - self.last_activity
        if quiet >= self.timeout_s:
            self.phase = Phase.EXPIRED
        elif quiet >= self.timeout_s - self.warning_s:
            self.phase = Phase.WARNING
        return self.phase

    def seconds_left(self, now: float) -> int:
        left = self.timeout_s - (now - self.last_activity)
        return max(0, int(left + 0.999))
