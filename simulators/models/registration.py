"""A library system's pre-registration records, shared by the in-process fake and the Koha /
FOLIO wire simulators (simulators/registration/), so the two cannot drift.

Owns the records (the wire body as the backend received it, the e-mail it is found by, the
idempotency key it carries) and the count of records created, which tests use to assert
"exactly once". ``FakeRegistration`` is the RegistrationPort over this model, in process,
with the same faults as the wire simulators (unavailable, lost answer, duplicate).
Record ids come from a seeded random source; never touches the network or the clock.
"""

from __future__ import annotations

import random
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kiosk.core.registration.model import (
    Address,
    AnswerLost,
    Application,
    BackendUnavailable,
    Contact,
    Duplicate,
    ExistingRecord,
    Submitted,
)

SAMPLE_APPLICATION = Application(
    first_name="Žemaitė-Šimkutė",
    surname="O'Brien",
    birth_date=date(1990, 5, 17),
    address=Address("Gedimino pr. 1-5", "Vilnius", "LT-01103"),
    email="ona.obrien@pastas.lt",
    phone="+37061234567",
    preferred_contact=Contact.EMAIL,
    consent_accepted=True,
    consent_version="2026-01",
)
# what of SAMPLE_APPLICATION must never appear in a log line or a store after it was sent
SAMPLE_PERSONAL_DATA = (
    "Žemaitė", "Šimkutė", "O'Brien", "ona.obrien", "pastas.lt", "Gedimino", "61234567",
    "1990-05-17",
)  # fmt: skip


@dataclass
class Record:
    record_id: str
    email: str
    key: str
    body: dict[str, Any] = field(default_factory=dict)


class RegistrationModel:
    def __init__(self, *, seed: int = 17, first_number: int = 1001, uuid_ids: bool = False) -> None:
        self._rng = random.Random(seed)
        self._next = first_number
        self.uuid_ids = uuid_ids
        self.records: list[Record] = []
        self.created = 0
        self.lock = threading.RLock()

    def _new_id(self) -> str:
        if self.uuid_ids:
            return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
        self._next += 1
        return str(self._next - 1)

    def find(self, email: str) -> list[Record]:
        wanted = email.strip().lower()
        with self.lock:
            return [r for r in self.records if wanted and r.email.lower() == wanted]

    def find_by(self, predicate: Any) -> list[Record]:
        with self.lock:
            return [r for r in self.records if predicate(r)]

    def create(self, email: str, key: str, body: dict[str, Any]) -> Record:
        with self.lock:
            record = Record(self._new_id(), email, key, dict(body))
            self.records.append(record)
            self.created += 1
            return record

    def upsert(self, email: str, key: str, body: dict[str, Any]) -> tuple[Record, bool]:
        """FOLIO's staging-users POST: the record with this e-mail is updated, else created.
        Returns (record, created)."""
        with self.lock:
            existing = self.find(email)
            if existing:
                existing[0].body, existing[0].key = dict(body), key
                return existing[0], False
            return self.create(email, key, body), True

    def add_existing(self, email: str) -> Record:
        """Somebody's older registration (for duplicate tests): no kiosk key."""
        return self.create(email, "", {"email": email})

    def forget_all(self) -> int:
        with self.lock:
            count = len(self.records)
            self.records.clear()
            return count


class FakeRegistration:
    """The RegistrationPort in process (Koha's rules: a second record for an e-mail is a
    duplicate). Faults: ``unavailable`` (nothing done), ``lose_next`` (created, answer lost)."""

    def __init__(self, model: RegistrationModel | None = None) -> None:
        self.model = model or RegistrationModel()
        self.unavailable = False
        self.lose_next = 0
        self.calls: list[str] = []

    async def find_existing(
        self, application: Application, idempotency_key: str
    ) -> ExistingRecord | None:
        self.calls.append("find_existing")
        if self.unavailable:
            raise BackendUnavailable("the fake library system is down")
        found = self.model.find(application.email)
        ours = [r for r in found if r.key == idempotency_key]
        record = (ours or found or [None])[0]
        if record is None:
            return None
        return ExistingRecord(
            record.record_id, record.record_id, ours=record.key == idempotency_key
        )

    async def submit(self, application: Application, idempotency_key: str) -> Submitted:
        self.calls.append("submit")
        if self.unavailable:
            raise BackendUnavailable("the fake library system is down")
        if self.model.find(application.email):
            raise Duplicate("a patron with this e-mail address already exists")
        record = self.model.create(application.email, idempotency_key, {"surname": "…"})
        if self.lose_next > 0:
            self.lose_next -= 1
            raise AnswerLost("the fake dropped the answer")
        return Submitted(record.record_id, record.record_id)
