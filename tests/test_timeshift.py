"""The shifted-clock run (tests/timeshift): a destination is read in the library's zone, and
every Python child process started under a shift sees the same shifted wall clock, while its
monotonic clock is left alone."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "timeshift"))
from shift import HERE, SHIFT_ENV, destination, real_time_ns


def test_a_destination_without_an_offset_is_vilnius_wall_time() -> None:
    assert destination("2027-12-31T23:59").astimezone(UTC) == datetime(
        2027, 12, 31, 21, 59, tzinfo=UTC
    )
    summer = destination("2027-10-31T03:59+03:00")  # the first of the two 03:59s
    assert summer.astimezone(UTC) == datetime(2027, 10, 31, 0, 59, tzinfo=UTC)
    assert destination("2028-02-29T12:00 America/New_York").utcoffset().total_seconds() == -5 * 3600


def test_garbage_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="not an ISO date-time"):
        destination("New Year's Eve")


def test_a_child_process_starts_on_the_shifted_clock() -> None:
    target = destination("2028-02-29T12:00")
    shift_ns = int(target.timestamp() * 1e9) - real_time_ns()  # this run may be shifted too
    env = dict(os.environ, **{SHIFT_ENV: str(shift_ns)})
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")])
    code = (
        "import time; from datetime import datetime, UTC; "
        "print(datetime.now(UTC).isoformat(), time.monotonic())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    seen = datetime.fromisoformat(out[0])
    assert abs((seen - target).total_seconds()) < 60
    assert abs(float(out[1]) - time.monotonic()) < 60  # monotonic time is not shifted
