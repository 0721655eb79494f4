"""FOLIO's login and staging-users endpoints as the simulator answers them.

``POST /authn/login-with-expiry`` (tenant in ``x-okapi-tenant``; 201 with the access token in
the ``folioAccessToken`` cookie and ``accessTokenExpiration`` in the body), then requests carry
``x-okapi-tenant`` and ``x-okapi-token`` (or the cookie). ``GET /staging-users?query=``
understands the one CQL form the kiosk sends (``contactInfo.email=="…"``); ``POST
/staging-users`` creates (201) or, when a staging user has the e-mail, updates it (200), as
mod-users does; missing required properties answer 422 with ``errors[].parameters[].key``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any

from simulators.models.registration import RegistrationModel
from simulators.registration.tokens import Reply, TokenBook

_CQL_EMAIL = re.compile(r'^contactInfo\.email=="((?:[^"\\]|\\.)*)"$')


def login(
    book: TokenBook, body: Any, headers: Any, tenant: str, username: str, password: str
) -> Reply:
    if headers.get("x-okapi-tenant") != tenant:
        return Reply(400, "No such Tenant")
    user = body.get("username", "") if isinstance(body, dict) else ""
    secret = body.get("password", "") if isinstance(body, dict) else ""
    if not book.credentials_match(str(user), str(secret), username, password):
        return Reply(
            422, {"errors": [{"message": "Password does not match", "code": "password.incorrect"}]}
        )
    issued, ttl = book.issue()
    until = (datetime.now(UTC) + timedelta(seconds=ttl)).isoformat().replace("+00:00", "Z")
    return Reply(
        201,
        {"accessTokenExpiration": until, "refreshTokenExpiration": until},
        {"Set-Cookie": f"folioAccessToken={issued}; Max-Age={int(ttl)}; Path=/; HttpOnly"},
    )


def authorised(book: TokenBook, headers: Any, tenant: str) -> bool:
    if headers.get("x-okapi-tenant") != tenant:
        return False
    token = headers.get("x-okapi-token")
    if not token:
        cookie = SimpleCookie(headers.get("Cookie") or "")
        token = cookie["folioAccessToken"].value if "folioAccessToken" in cookie else ""
    return book.valid(str(token))


def route(
    model: RegistrationModel, method: str, path: str, query: dict[str, list[str]], body: Any
) -> Reply:
    if path != "/staging-users":
        return Reply(404, "No suitable module found for path")
    if method == "GET":
        return _search(model, (query.get("query") or [""])[0])
    if method == "POST":
        return _create(model, body)
    return Reply(405, "Method not allowed")


def _search(model: RegistrationModel, cql: str) -> Reply:
    if not cql:
        found = list(model.records)
    else:
        match = _CQL_EMAIL.match(cql)
        if match is None:
            return Reply(400, 'the simulator understands only contactInfo.email=="…"')
        found = model.find(re.sub(r"\\(.)", r"\1", match.group(1)))
    rows = [_staging_user(r.record_id, r.body) for r in found]
    return Reply(200, {"staging_users": rows, "totalRecords": len(rows)})


def _create(model: RegistrationModel, body: Any) -> Reply:
    if not isinstance(body, dict):
        return Reply(400, "Json content error")
    general = body.get("generalInfo") if isinstance(body.get("generalInfo"), dict) else {}
    contact = body.get("contactInfo") if isinstance(body.get("contactInfo"), dict) else {}
    missing = [
        key
        for key, value in (
            ("generalInfo.firstName", general.get("firstName")),
            ("generalInfo.lastName", general.get("lastName")),
            ("contactInfo.email", contact.get("email")),
        )
        if not value
    ]
    if missing:
        errors = [
            {
                "message": "must not be null",
                "type": "1",
                "code": "-1",
                "parameters": [{"key": key, "value": "null"}],
            }
            for key in missing
        ]
        return Reply(422, {"errors": errors, "total_records": len(errors)})
    record, created = model.upsert(
        str(contact["email"]), str(body.get("externalSystemId") or ""), body
    )
    return Reply(201 if created else 200, _staging_user(record.record_id, record.body))


def _staging_user(record_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        **body,
        "id": record_id,
        "status": body.get("status", "TIER-1"),
        "isEmailVerified": False,
    }
