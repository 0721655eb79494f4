"""Shared fixtures for the whole suite."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "timeshift"))
from shift import NOW_ENV, shift_to


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--now",
        default=os.environ.get(NOW_ENV) or None,
        metavar="WHEN",
        help=(
            "run the whole suite, and every process it starts, on a wall clock shifted to WHEN "
            "(ISO date-time; without an offset it is Europe/Vilnius wall time, e.g. "
            f"2027-12-31T23:59); also {NOW_ENV}. Set TZ to choose the machine's zone."
        ),
    )


def pytest_configure(config: pytest.Config) -> None:
    when = config.getoption("--now")
    if when and not os.environ.get("PYTEST_XDIST_WORKER"):  # workers inherit the shift
        shift_to(when)


def pytest_report_header(config: pytest.Config) -> str:
    from datetime import datetime

    zone = os.environ.get("TZ", "the machine's zone")
    return f"wall clock: {datetime.now().astimezone().isoformat(timespec='seconds')} ({zone})"


@pytest.fixture(autouse=True)
def _restore_root_logging() -> Iterator[None]:
    """Commands under test call configure_logging(), which replaces the root logger's handlers
    and level; put them back so no later test depends on which command ran before it."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
