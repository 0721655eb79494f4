"""FOLIO's staging users (mod-users) as a RegistrationPort.

Follows FOLIO's contract: log in at ``POST /authn/login-with-expiry`` with the tenant in
``x-okapi-tenant`` (the access token comes back as the ``folioAccessToken`` cookie, its expiry
in the body), then send it as ``x-okapi-token``; ``GET /staging-users?query=`` (CQL) to look
first; ``POST /staging-users`` (201 = created; 200 = FOLIO merged it into a staging record with
the same e-mail). A staging user has no date of birth: staff check it on the identity document
at the desk. The idempotency key travels in ``externalSystemId``.
Blocking HTTP runs in a worker thread. Never logs the applicant's details or the password.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from backend_sync.registration.http_channel import (
    CredentialsRefused,
    HttpChannel,
    NoAnswer,
    NotSent,
    decode_json,
)
from kiosk.core.registration.model import (
    AnswerLost,
    Application,
    BackendUnavailable,
    Contact,
    Duplicate,
    ExistingRecord,
    Field,
    Rejected,
    RemoteProtocolError,
    Submitted,
)

STAGING = "/staging-users"
LOGIN = "/authn/login-with-expiry"
FIELDS_BY_FOLIO = {
    "generalInfo.firstName": Field.FIRST_NAME,
    "generalInfo.lastName": Field.SURNAME,
    "addressInfo.addressLine0": Field.STREET,
    "addressInfo.city": Field.CITY,
    "addressInfo.zip": Field.POSTCODE,
    "contactInfo.email": Field.EMAIL,
    "contactInfo.mobilePhone": Field.PHONE,
}


def encode_staging_user(app: Application, key: str) -> dict[str, Any]:
    general = {"firstName": app.first_name, "lastName": app.surname}
    preferred = app.extra("preferred_first_name")
    if preferred:
        general["preferredFirstName"] = preferred
    contact = {"email": app.email}
    if app.phone:
        contact["mobilePhone"] = app.phone
    body: dict[str, Any] = {
        "externalSystemId": key,
        "status": "TIER-1",
        "generalInfo": general,
        "contactInfo": contact,
        "preferredEmailCommunication": ["Services"]
        if app.preferred_contact is Contact.EMAIL
        else [],
    }
    if app.address.street or app.address.city:
        body["addressInfo"] = {
            "addressLine0": app.address.street,
            "city": app.address.city,
            "province": "",
            "zip": app.address.postcode,
            "country": "LT" if app.address.postcode.startswith("LT-") else "",
        }
    return body


def cql_email(email: str) -> str:
    """A CQL query for an exact e-mail, with CQL's special characters escaped."""
    escaped = "".join("\\" + ch if ch in '\\"*?^' else ch for ch in email)
    return f'contactInfo.email=="{escaped}"'


def decode_existing(body: Any, key: str) -> ExistingRecord | None:
    rows = body.get("staging_users") if isinstance(body, dict) else None
    if not isinstance(rows, list):
        raise RemoteProtocolError("staging-users lookup: no staging_users list")
    found = []
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("id"), str):
            raise RemoteProtocolError("staging-users lookup: a record without id")
        found.append(ExistingRecord(row["id"], row["id"], ours=row.get("externalSystemId") == key))
    ours = [record for record in found if record.ours]
    return (ours or found or [None])[0]


def rejected_field(body: Any, status: int) -> Rejected:
    """FOLIO's validation errors: errors[].parameters[].key names the field."""
    errors = body.get("errors") if isinstance(body, dict) else None
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    params = first.get("parameters") or [{}]
    key = str(params[0].get("key", "")) if isinstance(params[0], dict) else ""
    message = str(first.get("message") or f"refused by FOLIO (HTTP {status})")
    return Rejected(FIELDS_BY_FOLIO.get(key, Field.OTHER), message)


class FolioLogin:
    """The kiosk's FOLIO user, logged in when needed and again before the token expires."""

    def __init__(
        self, tenant: str, username: str, password: str, *, now: Callable[[], datetime]
    ) -> None:
        self.tenant = tenant
        self._body = {"username": username, "password": password}
        self._now = now
        self._token: str | None = None
        self._until = datetime.min.replace(tzinfo=UTC)
        self._lock = threading.Lock()

    def headers(self, channel: HttpChannel, renew: bool) -> dict[str, str]:
        with self._lock:
            if renew or self._token is None or self._now() >= self._until:
                self._login(channel)
            return {"x-okapi-tenant": self.tenant, "x-okapi-token": str(self._token)}

    def _login(self, channel: HttpChannel) -> None:
        try:
            response = channel.send(
                "POST", LOGIN, json=self._body, headers={"x-okapi-tenant": self.tenant}
            )
        except NoAnswer as exc:
            raise NotSent(str(exc)) from None
        if response.status_code in (400, 401, 403, 422):
            raise CredentialsRefused(f"login: HTTP {response.status_code}: user/password refused")
        if response.status_code != 201 and response.status_code != 200:
            raise NotSent(f"login: HTTP {response.status_code}")
        token = response.cookies.get("folioAccessToken")
        if not token:
            raise RemoteProtocolError("login: no folioAccessToken cookie in the answer")
        body = decode_json(response, "login")
        try:
            until = datetime.fromisoformat(
                str(body["accessTokenExpiration"]).replace("Z", "+00:00")
            )
        except (KeyError, ValueError):
            raise RemoteProtocolError("login: no accessTokenExpiration in the answer") from None
        self._token, self._until = token, until - timedelta(seconds=30)


class FolioRegistration:
    def __init__(
        self,
        base_url: str,
        tenant: str,
        username: str,
        password: str,
        *,
        timeout_s: float = 10.0,
        session: requests.Session | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.channel = HttpChannel(base_url, timeout_s=timeout_s, session=session)
        self.credential = FolioLogin(tenant, username, password, now=now)

    def close(self) -> None:
        self.channel.close()

    async def find_existing(
        self, application: Application, idempotency_key: str
    ) -> ExistingRecord | None:
        return await asyncio.to_thread(self._find, application, idempotency_key)

    async def submit(self, application: Application, idempotency_key: str) -> Submitted:
        return await asyncio.to_thread(self._submit, application, idempotency_key)

    def _find(self, app: Application, key: str) -> ExistingRecord | None:
        params = {"query": cql_email(app.email), "limit": "10"}
        try:
            response = self.channel.authorised(self.credential, "GET", STAGING, params=params)
        except NoAnswer as exc:
            raise BackendUnavailable(str(exc)) from None
        if response.status_code != 200:
            raise BackendUnavailable(f"GET {STAGING}: HTTP {response.status_code}")
        return decode_existing(decode_json(response, f"GET {STAGING}"), key)

    def _submit(self, app: Application, key: str) -> Submitted:
        body = encode_staging_user(app, key)
        try:
            response = self.channel.authorised(self.credential, "POST", STAGING, json=body)
        except NoAnswer as exc:
            raise AnswerLost(str(exc)) from None
        status = response.status_code
        if status in (200, 201):
            return _created(response, status)
        if status in (400, 422):
            raise rejected_field(_json_or_empty(response), status)
        if status == 409:
            raise Duplicate("FOLIO already has a staging record for this reader")
        if status in (403, 404, 503):
            raise BackendUnavailable(f"POST {STAGING}: HTTP {status}")
        raise AnswerLost(f"POST {STAGING}: HTTP {status}")


def _created(response: requests.Response, status: int) -> Submitted:
    try:
        body = decode_json(response, f"POST {STAGING}")
    except RemoteProtocolError as exc:
        raise AnswerLost(f"HTTP {status}, but {exc}") from exc
    record_id = body.get("id") if isinstance(body, dict) else None
    if not isinstance(record_id, str) or not record_id:
        raise AnswerLost(f"POST {STAGING}: HTTP {status} without an id")
    return Submitted(record_id, record_id)


def _json_or_empty(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {}
