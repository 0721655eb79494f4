"""The kiosk's registration desk: what the touch screens and the background resend ask of it.

Holds the library's choices (the rules, the consent and rules texts per language with the
Lithuanian fallback, the extra fields) and the parts (the port, the queue, the clock, the
random source for keys, the metrics recorder), and offers three calls: ``check`` (the whole
application against the rules, before anything is sent), ``send`` (a fresh key, then
``send_or_queue``) and ``resend`` (one pass over the queue). ``today`` lists the day's
applications for the staff screen from the queue's staff face (nothing personal in it).

I/O-free like the rest of kiosk/core/registration: the queue and the port do the I/O, the
clock and the random source are injected. Built by kiosk/wiring/registration_desk.py.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from kiosk.core.clock import Clock
from kiosk.core.registration.model import Application
from kiosk.core.registration.port import RegistrationPort
from kiosk.core.registration.sending import (
    Outcome,
    RegistrationQueue,
    RegistrationRecorder,
    ResendReport,
    resend_pending,
    send_or_queue,
)
from kiosk.core.registration.service import new_idempotency_key
from kiosk.core.registration.validation import Problem, Rules, check_application


class ListedApplication(Protocol):
    """One application as staff may see it (backend_sync/registration/queue.py QueueRow)."""

    state: str
    number: str
    queued_at: str

    @property
    def masked_key(self) -> str: ...


class StaffLedger(Protocol):
    def rows(self, day: date | None = None) -> Sequence[ListedApplication]: ...


@dataclass(frozen=True)
class RegistrationTexts:
    """What the library wrote for the screens: per language, Lithuanian the fallback."""

    consent: Mapping[str, str] = field(default_factory=dict)
    rules: Mapping[str, str] = field(default_factory=dict)
    consent_version: str = "1"
    extra_fields: tuple[str, ...] = ()

    def consent_for(self, language: str) -> str:
        return self.consent.get(language) or self.consent.get("lt", "")

    def rules_for(self, language: str) -> str:
        return self.rules.get(language) or self.rules.get("lt", "")


class RegistrationDesk:
    def __init__(
        self,
        port: RegistrationPort,
        queue: RegistrationQueue,
        clock: Clock,
        *,
        rules: Rules | None = None,
        texts: RegistrationTexts | None = None,
        rng: random.Random | None = None,
        recorder: RegistrationRecorder | None = None,
        ledger: StaffLedger | None = None,
    ) -> None:
        self.port = port
        self.queue = queue
        self.clock = clock
        self.rules = rules or Rules()
        self.texts = texts or RegistrationTexts()
        self.rng = rng or random.SystemRandom()
        self.recorder = recorder
        self.ledger = ledger

    def today(self) -> date:
        return self.clock.now().date()

    def check(self, application: Application) -> tuple[Problem, ...]:
        return check_application(application, self.today(), self.rules)

    async def send(self, application: Application) -> Outcome:
        """Send a checked application now or hold it for a resend (never raises for the
        library system's answers). Refuses to send one that fails the rules."""
        problems = self.check(application)
        if problems:
            raise ValueError(f"the application fails the rules: {problems[0].reason.value}")
        key = new_idempotency_key(self.rng)
        return await send_or_queue(
            self.port, self.queue, application, key, self.clock.now(), self.recorder
        )

    async def resend(self) -> ResendReport:
        return await resend_pending(self.port, self.queue, self.clock.now(), self.recorder)

    def day_list(self) -> Sequence[ListedApplication]:
        """Today's applications (no personal data), oldest first; () without a ledger."""
        if self.ledger is None:
            return ()
        return self.ledger.rows(self.today())
