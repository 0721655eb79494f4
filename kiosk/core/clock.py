"""The clock port: wall time for transaction dates and due dates, monotonic time for the idle
timer. The core never reads the system clock itself; tests pass a ManualClock and step it.

Wall time is the library's: naive local time in the library's zone (``[kiosk] timezone``),
whatever zone the machine itself is set to. Due dates, hold-shelf and locker deadlines,
opening hours and SIP2 transaction dates (local time at the ACS, SIP2 2.00 §"dates") are
all read in that zone, so a kiosk whose machine runs on UTC still lends until the right day.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

LIBRARY_ZONE = "Europe/Vilnius"


class Clock(Protocol):
    def now(self) -> datetime:
        """Local wall time (transaction dates, due dates, receipts)."""
        ...

    def monotonic(self) -> float:
        """Seconds that never jump back (timers)."""
        ...


def library_zone(zone: str | tzinfo | None = None) -> tzinfo:
    """The zone as a tzinfo; a name is looked up in the system's zone database."""
    if zone is None:
        return ZoneInfo(LIBRARY_ZONE)
    return ZoneInfo(zone) if isinstance(zone, str) else zone


def wall_time(zone: str | tzinfo | None = None) -> Callable[[], datetime]:
    """A function returning the library's naive local wall time now (for adapters that take
    a ``clock`` callable, such as the SIP2 client and the outbox)."""
    tz = library_zone(zone)
    return lambda: datetime.now(tz).replace(tzinfo=None)


class SystemClock:
    """The real clock, read in the library's zone."""

    def __init__(self, zone: str | tzinfo | None = None) -> None:
        self.zone = library_zone(zone)

    def now(self) -> datetime:
        return datetime.now(self.zone).replace(tzinfo=None)

    def monotonic(self) -> float:
        return time.monotonic()


class ManualClock:
    """A clock that moves only when told: for tests and simulations."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 25, 12, 0, 0)
        self._mono = 1000.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)
        self._mono += seconds

    def set_wall(self, moment: datetime) -> None:
        """Step the wall clock only, as a clock change or an NTP correction does; monotonic
        time (the idle timer's) does not move."""
        self._now = moment
