"""Send an application now, or keep it queued until the library system takes it (issue 17).

``send_or_queue`` writes the application to the queue BEFORE the first send (a kill -9 after
that loses nothing), then sends it through ``submit_once`` (look first, so a resend never
makes two records). The outcome settles the queue entry: ``Sent`` and ``Refused`` (a
duplicate or a field the library system refused) scrub the applicant's details in the same
step that records the outcome; ``Queued`` (the library system is down, or its answer was
lost) keeps them for ``resend_pending`` with the SAME idempotency key.

I/O-free: the queue and the backend are ports, ``now`` is passed in, nothing sleeps. Counts
go to an optional ``RegistrationRecorder`` in a closed vocabulary; nothing personal is ever
logged, counted or put in an outcome's words.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from kiosk.core.registration.model import (
    AnswerLost,
    Application,
    BackendUnavailable,
    Duplicate,
    Field,
    Rejected,
)
from kiosk.core.registration.port import RegistrationPort
from kiosk.core.registration.service import submit_once

log = logging.getLogger(__name__)


class QueueState(StrEnum):
    PENDING = "pending"  # the details are held until the library system acknowledges them
    SENT = "sent"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


class Counted(StrEnum):
    """The label values of kiosk_registrations_total{outcome=…}."""

    SENT = "sent"
    QUEUED = "queued"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Sent:
    number: str  # the application number for the slip
    recovered: bool = False  # found at the library system after a lost answer or a crash


@dataclass(frozen=True)
class Queued:
    reason: str  # for staff and logs (names no applicant): why it is not sent yet


@dataclass(frozen=True)
class Refused:
    reason: str  # the library system's words, with anything of the applicant's taken out
    duplicate: bool = False
    field: Field | None = None


Outcome = Sent | Queued | Refused


@dataclass(frozen=True)
class PendingApplication:
    key: str
    application: Application
    queued_at: datetime
    attempts: int


@dataclass(frozen=True)
class Backlog:
    pending: int
    oldest_age_s: float | None


class RegistrationQueue(Protocol):
    """Where applications wait (backend_sync/registration/queue.py: a SQLite file)."""

    async def write_ahead(self, key: str, application: Application, now: datetime) -> None:
        """Hold the application before it is sent. Writing the same key again is a no-op."""
        ...

    async def settle(self, key: str, state: QueueState, words: str, number: str,
                     now: datetime) -> None:  # fmt: skip
        """Record the outcome and delete the applicant's details in one transaction."""
        ...

    async def keep(self, key: str, reason: str, now: datetime) -> None:
        """Count a failed attempt; the details stay for a resend with the same key."""
        ...

    async def pending(self) -> Sequence[PendingApplication]:
        """The applications still held, oldest first."""
        ...

    async def backlog(self, now: datetime) -> Backlog: ...


class RegistrationRecorder(Protocol):
    """Where the counts go (kiosk.telemetry.Telemetry). Labels are Counted values only."""

    def registration(self, outcome: str) -> None: ...

    def registrations_pending(self, depth: int, oldest_age_s: float | None) -> None: ...


@dataclass(frozen=True)
class ResendReport:
    sent: int
    refused: int
    pending: int  # still held after the pass
    unreachable: bool  # the pass stopped because the library system could not be reached
    numbers: tuple[str, ...] = ()


def scrubbed_words(text: str, application: Application) -> str:
    """``text`` with every detail of the applicant replaced by "…" (a backend may echo a
    field in its error message, e.g. "email x@y is invalid")."""
    values = (
        application.first_name, application.surname, application.email, application.phone,
        application.address.street, application.address.city, application.address.postcode,
        application.birth_date.isoformat(), *(value for _, value in application.extras),
    )  # fmt: skip
    for value in sorted((v for v in values if len(v.strip()) >= 3), key=len, reverse=True):
        text = text.replace(value, "…")
    return text


async def send_or_queue(
    port: RegistrationPort,
    queue: RegistrationQueue,
    application: Application,
    key: str,
    now: datetime,
    recorder: RegistrationRecorder | None = None,
) -> Outcome:
    """Hold the application, send it, settle it. Never raises for the backend's answers:
    ``Sent(number)``, ``Queued`` (the screen says it will be sent) or ``Refused(reason)``."""
    await queue.write_ahead(key, application, now)
    outcome = await _attempt(port, queue, application, key, now)
    if recorder is not None:
        recorder.registration(_counted(outcome))
        backlog = await queue.backlog(now)
        recorder.registrations_pending(backlog.pending, backlog.oldest_age_s)
    return outcome


async def resend_pending(
    port: RegistrationPort,
    queue: RegistrationQueue,
    now: datetime,
    recorder: RegistrationRecorder | None = None,
) -> ResendReport:
    """One pass over the held applications, oldest first, each with its own key. Stops at
    the first that cannot be delivered (the library system is down: the rest would fail too)."""
    sent = refused = 0
    numbers: list[str] = []
    unreachable = False
    for item in await queue.pending():
        outcome = await _attempt(port, queue, item.application, item.key, now)
        match outcome:
            case Sent(number=number):
                sent += 1
                numbers.append(number)
            case Refused():
                refused += 1
            case Queued():
                unreachable = True
        if recorder is not None and not isinstance(outcome, Queued):
            recorder.registration(_counted(outcome))
        if unreachable:
            break
    backlog = await queue.backlog(now)
    if recorder is not None:
        recorder.registrations_pending(backlog.pending, backlog.oldest_age_s)
    return ResendReport(sent, refused, backlog.pending, unreachable, tuple(numbers))


async def _attempt(
    port: RegistrationPort,
    queue: RegistrationQueue,
    application: Application,
    key: str,
    now: datetime,
) -> Outcome:
    try:
        submitted = await submit_once(port, application, key)
    except Duplicate as exc:
        words = scrubbed_words(exc.reason, application)
        await queue.settle(key, QueueState.DUPLICATE, words, "", now)
        return Refused(words, duplicate=True)
    except Rejected as exc:
        words = scrubbed_words(f"{exc.field.value}: {exc.reason}", application)
        await queue.settle(key, QueueState.REJECTED, words, "", now)
        return Refused(scrubbed_words(exc.reason, application), field=exc.field)
    except (BackendUnavailable, AnswerLost) as exc:
        reason = scrubbed_words(str(exc), application)
        log.warning("registration: kept for a resend: %s", reason)
        await queue.keep(key, reason, now)
        return Queued(reason)
    number = submitted.application_number
    await queue.settle(key, QueueState.SENT, "sent", number, now)
    log.info("registration %s: acknowledged by the library system", number)
    return Sent(number, recovered=submitted.recovered)


def _counted(outcome: Outcome) -> str:
    match outcome:
        case Sent():
            return Counted.SENT.value
        case Queued():
            return Counted.QUEUED.value
        case Refused(duplicate=True):
            return Counted.DUPLICATE.value
        case _:
            return Counted.REJECTED.value
