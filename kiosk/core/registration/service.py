"""The resend rule: an application reaches the library system at most once.

``submit_once`` looks first (the kiosk's own earlier submission counts as done; anybody
else's record is a Duplicate), then submits; after a lost answer it looks again and resends
only when nothing is there. Every later retry (the outbox after an outage, a restart after a
kill -9) calls it again with the same key, and the look-first makes that safe.
Never logs the applicant's details; never sleeps (the outbox spaces the retries).
"""

from __future__ import annotations

import logging
import random

from kiosk.core.registration.model import (
    AnswerLost,
    Application,
    BackendUnavailable,
    Duplicate,
    ExistingRecord,
    Submitted,
)
from kiosk.core.registration.port import RegistrationPort

log = logging.getLogger(__name__)
ALREADY_REGISTERED = "a reader with this e-mail address is already registered at the library"


def new_idempotency_key(rng: random.Random) -> str:
    """A random key in UUID form (version 4) from the injected source (seeded in tests)."""
    value = rng.getrandbits(128)
    value = (value & ~(0xF000 << 64)) | (0x4000 << 64)  # version 4
    value = (value & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _settled(found: ExistingRecord, recovered: bool) -> Submitted:
    if not found.ours:
        raise Duplicate(ALREADY_REGISTERED, found.record_id)
    return Submitted(found.application_number, found.record_id, recovered=recovered)


async def submit_once(
    port: RegistrationPort, application: Application, idempotency_key: str, *, attempts: int = 3
) -> Submitted:
    """Submit ``application`` so that the library system ends with exactly one record of it.

    Raises Duplicate (somebody's record is there), Rejected, BackendUnavailable (certainly
    not created: queue it and call again later with the same key), or AnswerLost (its fate is
    unknown and the library system cannot be asked now: call again later with the same key).
    """
    found = await port.find_existing(application, idempotency_key)
    if found is not None:
        log.info("registration: the application is already there (ours=%s)", found.ours)
        return _settled(found, recovered=True)
    for attempt in range(1, attempts + 1):
        try:
            return await port.submit(application, idempotency_key)
        except AnswerLost as exc:
            log.warning("registration: answer lost (attempt %d): %s; looking first", attempt, exc)
        try:
            found = await port.find_existing(application, idempotency_key)
        except BackendUnavailable as exc:
            raise AnswerLost(f"answer lost; the library system cannot be asked: {exc}") from exc
        if found is not None:
            return _settled(found, recovered=True)
    raise BackendUnavailable(f"no answer after {attempts} attempts; the application is not there")
