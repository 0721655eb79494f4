"""Koha's REST API as a RegistrationPort: pre-registration into a temporary patron category.

Follows Koha's /api/v1 contract: an OAuth2 client-credentials token at /api/v1/oauth/token,
``GET /api/v1/patrons?email=`` to look first, ``POST /api/v1/patrons`` with Koha's field names
into the configured category and library (201 with ``patron_id``; 400 with ``errors[].path``
naming a field; 409 on a duplicate). The idempotency key travels in ``staff_notes`` (staff see
"kiosk application <key>"), so a lookup can tell the kiosk's own lost submission from an
older registration. Blocking HTTP runs in a worker thread (asyncio.to_thread).
Never logs the applicant's details; exceptions name the endpoint, never the query or body.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import requests

from backend_sync.registration.http_channel import (
    ClientCredentials,
    HttpChannel,
    NoAnswer,
    decode_json,
)
from kiosk.core.registration.model import (
    AnswerLost,
    Application,
    BackendUnavailable,
    Duplicate,
    ExistingRecord,
    Field,
    Rejected,
    RemoteProtocolError,
    Submitted,
)

PATRONS = "/api/v1/patrons"
KEY_MARK = "kiosk application "
# Koha's body properties -> the form's fields (for a 400's errors[].path = "/body/<name>")
FIELDS_BY_KOHA = {
    "firstname": Field.FIRST_NAME,
    "surname": Field.SURNAME,
    "date_of_birth": Field.BIRTH_DATE,
    "address": Field.STREET,
    "city": Field.CITY,
    "postal_code": Field.POSTCODE,
    "email": Field.EMAIL,
    "phone": Field.PHONE,
}


def encode_patron(app: Application, key: str, category_id: str, library_id: str) -> dict[str, Any]:
    notes = [
        f"{KEY_MARK}{key}",
        f"consent text version {app.consent_version}",
        f"preferred contact: {app.preferred_contact.value}",
    ]
    if app.parent_consent:
        notes.append("under the consent age: a parent signs the consent form at the desk")
    notes.extend(f"{name}: {value}" for name, value in app.extras if value)
    body: dict[str, Any] = {
        "firstname": app.first_name,
        "surname": app.surname,
        "date_of_birth": app.birth_date.isoformat(),
        "address": app.address.street,
        "city": app.address.city,
        "postal_code": app.address.postcode,
        "email": app.email,
        "phone": app.phone,
        "category_id": category_id,
        "library_id": library_id,
        "lang": app.language,
        "staff_notes": "\n".join(notes),
    }
    return {name: value for name, value in body.items() if value != ""}


def lookup_params(app: Application) -> dict[str, str]:
    if app.email:
        return {"email": app.email}
    return {
        "firstname": app.first_name,
        "surname": app.surname,
        "date_of_birth": app.birth_date.isoformat(),
    }


def decode_existing(body: Any, key: str) -> ExistingRecord | None:
    if not isinstance(body, list):
        raise RemoteProtocolError("patrons lookup: not a JSON list")
    found = [_existing(row, key) for row in body]
    ours = [record for record in found if record.ours]
    return (ours or found or [None])[0]


def _existing(row: Any, key: str) -> ExistingRecord:
    if not isinstance(row, dict) or not isinstance(row.get("patron_id"), int):
        raise RemoteProtocolError("patrons lookup: a patron without patron_id")
    notes = row.get("staff_notes") or ""
    ours = isinstance(notes, str) and f"{KEY_MARK}{key}" in notes.splitlines()
    return ExistingRecord(str(row["patron_id"]), str(row["patron_id"]), ours=ours)


def rejected_field(body: Any) -> Rejected:
    """A 400's first error as Rejected(field, Koha's message)."""
    errors = body.get("errors") if isinstance(body, dict) else None
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    path = str(first.get("path") or "")
    name = path.removeprefix("/body/").split("/")[0]
    message = str(first.get("message") or (body.get("error") if isinstance(body, dict) else ""))
    return Rejected(FIELDS_BY_KOHA.get(name, Field.OTHER), message or "refused by Koha")


class KohaRegistration:
    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        category_id: str,
        library_id: str,
        timeout_s: float = 10.0,
        session: requests.Session | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.channel = HttpChannel(base_url, timeout_s=timeout_s, session=session)
        self.credential = ClientCredentials(
            "/api/v1/oauth/token", client_id, client_secret, monotonic=monotonic
        )
        self.category_id, self.library_id = category_id, library_id

    def close(self) -> None:
        self.channel.close()

    async def find_existing(
        self, application: Application, idempotency_key: str
    ) -> ExistingRecord | None:
        return await asyncio.to_thread(self._find, application, idempotency_key)

    async def submit(self, application: Application, idempotency_key: str) -> Submitted:
        return await asyncio.to_thread(self._submit, application, idempotency_key)

    def _find(self, app: Application, key: str) -> ExistingRecord | None:
        try:
            response = self.channel.authorised(
                self.credential, "GET", PATRONS, params=lookup_params(app)
            )
        except NoAnswer as exc:
            raise BackendUnavailable(str(exc)) from None
        if response.status_code != 200:
            raise BackendUnavailable(f"GET {PATRONS}: HTTP {response.status_code}")
        return decode_existing(decode_json(response, f"GET {PATRONS}"), key)

    def _submit(self, app: Application, key: str) -> Submitted:
        body = encode_patron(app, key, self.category_id, self.library_id)
        try:
            response = self.channel.authorised(self.credential, "POST", PATRONS, json=body)
        except NoAnswer as exc:
            raise AnswerLost(str(exc)) from None
        status = response.status_code
        if status == 201:
            return _created(response)
        if status == 400:
            raise rejected_field(_json_or_empty(response))
        if status == 409:
            answer = _json_or_empty(response)
            reason = answer.get("error") if isinstance(answer, dict) else None
            raise Duplicate(str(reason or "Koha already has this patron"))
        if status in (403, 404, 503):  # not carried out: permissions, wrong URL, maintenance
            raise BackendUnavailable(f"POST {PATRONS}: HTTP {status}")
        raise AnswerLost(f"POST {PATRONS}: HTTP {status}")


def _created(response: requests.Response) -> Submitted:
    try:
        body = decode_json(response, f"POST {PATRONS}")
    except RemoteProtocolError as exc:
        raise AnswerLost(f"created, but {exc}") from exc
    patron_id = body.get("patron_id") if isinstance(body, dict) else None
    if not isinstance(patron_id, int):
        raise AnswerLost(f"POST {PATRONS}: HTTP 201 without a patron_id")
    return Submitted(str(patron_id), str(patron_id))


def _json_or_empty(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {}
