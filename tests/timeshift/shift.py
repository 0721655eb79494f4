"""Run the kiosk — this process and every Python child it starts — on a shifted wall clock.

The suite must pass on any day in any zone, so CI runs it again on dates that break naive
code (New Year's Eve at 23:59, 29 February, the nights the clocks change in Europe/Vilnius).
Only the wall clock moves (time.time, datetime.now, date.today, localtime); monotonic time,
timers and timeouts do not, so nothing waits longer.

The shift is carried to child processes (the demo, `kiosk …` commands, the crash child) in
KIOSK_TIME_SHIFT_NS: the offset from the real clock, so a child started later sees the same
shifted "now" as its parent. ``sitecustomize.py`` beside this file applies it at start-up.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

SHIFT_ENV = "KIOSK_TIME_SHIFT_NS"
NOW_ENV = "KIOSK_TEST_NOW"
LIBRARY_ZONE = "Europe/Vilnius"  # a destination without an offset is read in this zone
HERE = Path(__file__).resolve().parent


def destination(text: str) -> datetime:
    """`2027-12-31T23:59` (Europe/Vilnius wall time), `…+09:00`, or `… Asia/Tokyo`."""
    stamp, _, zone = text.strip().partition(" ")
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        raise ValueError(
            f"{NOW_ENV}/--now: {text!r} is not an ISO date-time such as 2027-12-31T23:59"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(zone or LIBRARY_ZONE))
    return when


def real_time_ns() -> int:
    """The machine's real clock, even inside a shifted run (where time.time_ns() is moved)."""
    try:
        from time_machine import escape_hatch
    except ImportError:  # no shift can be running without time_machine
        return time.time_ns()
    return escape_hatch.time.time_ns() if escape_hatch.is_travelling() else time.time_ns()


def start_shift(shift_ns: int) -> None:
    """Move this process's wall clock by shift_ns from the real one; it keeps ticking."""
    import time_machine

    now = real_time_ns() + shift_ns
    time_machine.travel(now / 1e9, tick=True).start()


def export_shift(shift_ns: int) -> None:
    """Make every Python child process of this one start on the same shifted clock."""
    os.environ[SHIFT_ENV] = str(shift_ns)
    paths = [str(HERE), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))


def shift_to(text: str) -> int:
    """Shift this process and its future children to `text`; returns the shift in ns."""
    shift_ns = int(destination(text).timestamp() * 1e9) - real_time_ns()
    export_shift(shift_ns)
    start_shift(shift_ns)
    return shift_ns
