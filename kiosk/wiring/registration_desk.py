"""Reader registration in the running kiosk, built from the [registration] table: the core's
RegistrationDesk over the configured backend and the queue file, the registration screens in
front of the session port, and the background resend of held applications.

``with_registration`` is what kiosk/wiring/touch_app.py calls for `kiosk run` and `kiosk
demo`: without [registration] it returns the port untouched (no entry on the attract
screen). The resend task makes one pass at start and then one every
``[registration] resend_every_s``; each pass stops at the first application the library
system cannot take, and the look-first rule (kiosk/core/registration/service.py) makes a
pass after a lost answer or a crash safe. Counts go to /metrics when [metrics] is on.
Everything started here is stopped by ``stack``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from kiosk.core.clock import Clock, SystemClock
from kiosk.core.registration.desk import RegistrationDesk, RegistrationTexts
from kiosk.settings.model import Settings
from kiosk.wiring.registration import (
    registration_from,
    registration_queue_from,
    registration_rules_from,
)

log = logging.getLogger("knygomatas.registration")


def registration_desk_from(
    settings: Settings, clock: Clock, *, recorder: Any = None
) -> RegistrationDesk | None:
    """The desk for [registration], or None without the table."""
    section = settings.registration
    port = registration_from(settings, today=lambda: clock.now().date())
    queue = registration_queue_from(settings)
    if section is None or port is None or queue is None:
        return None
    texts = RegistrationTexts(
        consent=dict(section.consent_text),
        rules=dict(section.rules_text),
        consent_version=section.consent_version,
        extra_fields=tuple(section.extra_fields),
    )
    rules = registration_rules_from(settings)
    return RegistrationDesk(
        port, queue, clock, rules=rules, texts=texts, recorder=recorder, ledger=queue
    )


async def resend_forever(
    desk: RegistrationDesk,
    every_s: float,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """One resend pass now and every ``every_s`` seconds until cancelled. A pass that fails
    (the queue file unreadable, a bug) is logged and the next one runs as planned."""
    while True:
        try:
            report = await desk.resend()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("registration: the resend pass failed")
        else:
            if report.sent or report.refused:
                log.info(
                    "registration resend: %d sent, %d refused, %d still held",
                    report.sent, report.refused, report.pending,
                )  # fmt: skip
        await sleep(every_s)


def start_resending(
    desk: RegistrationDesk, every_s: float, stack: contextlib.AsyncExitStack
) -> asyncio.Task:
    task = asyncio.create_task(resend_forever(desk, every_s), name="registration-resend")
    stack.callback(task.cancel)
    return task


def with_registration(
    settings: Settings, port: Any, kiosk: Any, stack: contextlib.AsyncExitStack
) -> Any:
    """``port`` with the registration screens in front, or ``port`` itself without the table."""
    section = settings.registration
    if section is None:
        return port
    from kiosk.i18n import Catalogs
    from kiosk.ui.presenters.registration_flow import RegistrationFlow

    service = getattr(kiosk, "service", None)
    clock = getattr(getattr(service, "ports", None), "clock", None)
    clock = clock or SystemClock(settings.kiosk.timezone)
    monitoring = getattr(kiosk, "monitoring", None)
    recorder = monitoring.telemetry if monitoring is not None else None
    desk = registration_desk_from(settings, clock, recorder=recorder)
    if desk is None:
        return port
    close = getattr(desk.port, "close", None)
    if close is not None:
        stack.callback(close)
    start_resending(desk, section.resend_every_s, stack)
    return RegistrationFlow(
        port,
        desk,
        texts_for=Catalogs().translator,
        now=clock.now,
        library_name=settings.kiosk.library_name,
        kiosk_id=settings.kiosk.id,
        slips=getattr(kiosk, "receipt_desks", None),
        language=settings.kiosk.language,
    )
