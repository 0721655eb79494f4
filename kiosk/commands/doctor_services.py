"""The service checks behind `kiosk doctor`: the library system (SIP2 login, SC status), the
booking system (LibCal token), the mail server (SMTP login) and the payment terminal (status).
Each only asks: nothing is borrowed, booked, sent or paid.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from backend_sync.notify.smtp_sender import MailError
from device_drivers.payment.zvt_errors import ZvtProtocolError
from kiosk.commands.doctor_checks import Finding, Options
from kiosk.core.errors import LibrarySystemError
from kiosk.core.rooms.errors import BookingSystemUnavailable
from kiosk.settings import Settings
from kiosk.telemetry.probes import ils_health
from kiosk.wiring.library import library_from
from kiosk.wiring.loop_bridge import LoopBridge
from kiosk.wiring.notify import smtp_sender_from
from kiosk.wiring.payment import payment_terminal_from
from kiosk.wiring.rooms import libcal_client_from


def library_system(settings: Settings, _: Options) -> Iterator[Finding]:
    section = settings.ils
    if section is None:
        return
    part, where = "library system (SIP2)", f"{section.host}:{section.port}"
    client = library_from(settings)
    loop = LoopBridge.own_loop("doctor-ils", timeout_s=section.timeout_s * 3 + 5)
    try:
        health = ils_health(loop.run(client.status()))
    except (LibrarySystemError, OSError, TimeoutError) as exc:
        reason = str(exc) or type(exc).__name__
        todo = (
            "check [ils] username and password with the library system's staff"
            if "login" in reason
            else f"check that the SIP2 server runs at {where} and the network/firewall lets "
            "the kiosk through"
        )
        yield Finding(part, False, f"{where}: {reason}", todo)
        return
    finally:
        with contextlib.suppress(Exception):
            loop.run(client.close(), 5)
        loop.close()
    if health.state != "ok":
        yield Finding(
            part,
            False,
            f"logged in; {health.reason}",
            "ask the library system's staff to allow this terminal",
        )
        return
    yield Finding(part, True, f"logged in at {where}; SC status: online")


def booking(settings: Settings, _: Options) -> Iterator[Finding]:
    if settings.rooms is None:
        return
    client = libcal_client_from(settings, retries=0)
    try:
        found = client.locations()
    except BookingSystemUnavailable as exc:
        yield Finding(
            "booking system (LibCal)",
            False,
            str(exc),
            "check [rooms] base_url, client_id and client_secret (the API "
            "application in LibCal's admin)",
        )
        return
    finally:
        client.close()
    yield Finding("booking system (LibCal)", True, f"token accepted; {len(found)} location(s)")


def smtp(settings: Settings, _: Options) -> Iterator[Finding]:
    section = settings.smtp
    if section is None:
        return
    try:
        smtp_sender_from(section).check()
    except MailError as exc:
        yield Finding(
            "mail server (SMTP)",
            False,
            f"{section.host}:{section.port}: {exc}",
            "check [smtp] host, port, security and the login",
        )
        return
    login = " and accepts the login" if section.username else ""
    yield Finding("mail server (SMTP)", True, f"{section.host}:{section.port} answers{login}")


def payment_terminal(settings: Settings, _: Options) -> Iterator[Finding]:
    section = settings.payment_terminal
    if section is None:
        return
    part = "payment terminal"
    terminal = payment_terminal_from(section)
    assert terminal is not None
    loop = LoopBridge.own_loop("doctor-terminal", timeout_s=section.completion_timeout_s + 10)
    try:
        status = loop.run(terminal.status())
    except (OSError, TimeoutError, ZvtProtocolError) as exc:
        yield Finding(
            part,
            False,
            f"{section.url}: {exc or type(exc).__name__}",
            "check the terminal's power, network or cable, and [payment_terminal] url",
        )
        return
    finally:
        with contextlib.suppress(Exception):
            loop.run(terminal.close(), 5)
        loop.close()
    if not status.ready:
        yield Finding(
            part,
            False,
            status.text,
            "follow the terminal's screen (end of day, paper, the acquirer's line)",
        )
        return
    version = f" (software {status.software_version})" if status.software_version else ""
    yield Finding(part, True, f"ready{version}")
