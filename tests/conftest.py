"""Shared fixtures for the whole suite."""

from __future__ import annotations

import email
import email.policy
import logging
import os
import socket
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


class SmtpInbox:
    """A real SMTP server on loopback (aiosmtpd) and what it received. ``refuse_rcpt`` /
    ``refuse_data`` (an SMTP reply such as "550 5.1.1 no such mailbox") make it refuse."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse_rcpt: str | None = None
        self.refuse_data: str | None = None
        self.port = 0

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse_data:
            return self.refuse_data
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[SmtpInbox]:
    """An SMTP server on a free loopback port for the test (``smtp.port``, ``smtp.messages``)."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop()
