"""The registration port: what the core needs from a library system to pre-register a reader.

Three adapters implement it (backend_sync/registration/: Koha REST, FOLIO staging users, an
e-mail to the desk) and one in-process fake (simulators/models/registration.py). Both calls
take the application's idempotency key: a backend stores it with the record (or, for the desk,
a hash of it) so that "look first" can tell the kiosk's own lost submission from somebody's
older registration.
"""

from __future__ import annotations

from typing import Protocol

from kiosk.core.registration.model import Application, ExistingRecord, Submitted


class RegistrationPort(Protocol):
    async def find_existing(
        self, application: Application, idempotency_key: str
    ) -> ExistingRecord | None:
        """The record already held for this applicant (by e-mail; for the desk, by key), or
        None. Raises BackendUnavailable when the library system cannot be asked."""
        ...

    async def submit(self, application: Application, idempotency_key: str) -> Submitted:
        """Create the pre-registration, once. Raises Duplicate, Rejected (a field in words),
        BackendUnavailable (nothing was created) or AnswerLost (it may have been)."""
        ...
