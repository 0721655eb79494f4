"""Koha's /api/v1 patron endpoints as the simulator answers them: (method, path, query, body,
headers) -> Reply.

The subset the kiosk uses, as Koha documents it: ``POST /api/v1/oauth/token`` (client
credentials), ``GET /api/v1/patrons`` filtered by query attributes, ``POST /api/v1/patrons``
(201 with the patron and its ``patron_id``; 400 with ``errors[].path`` when a required
property is missing; 409 when a patron with that e-mail exists). Tokens, faults and bytes are
the server's (simulators/registration/server.py).
"""

from __future__ import annotations

from typing import Any

from simulators.models.registration import RegistrationModel
from simulators.registration.tokens import Reply, TokenBook

REQUIRED = ("surname", "category_id", "library_id")
KEY_MARK = "kiosk application "


def token(book: TokenBook, form: dict[str, str], client_id: str, secret: str) -> Reply:
    if form.get("grant_type") != "client_credentials":
        return Reply(400, {"error": "unsupported_grant_type"})
    if not book.credentials_match(
        form.get("client_id", ""), form.get("client_secret", ""), client_id, secret
    ):
        return Reply(401, {"error": "unauthorized_client"})
    issued, ttl = book.issue()
    return Reply(200, {"access_token": issued, "token_type": "Bearer", "expires_in": int(ttl)})


def authorised(book: TokenBook, headers: Any) -> bool:
    value = str(headers.get("Authorization") or "")
    return value.startswith("Bearer ") and book.valid(value.removeprefix("Bearer ").strip())


def route(
    model: RegistrationModel, method: str, path: str, query: dict[str, list[str]], body: Any
) -> Reply:
    if path != "/api/v1/patrons":
        return Reply(404, {"error": "Not found"})
    if method == "GET":
        return _search(model, query)
    if method == "POST":
        return _create(model, body)
    return Reply(405, {"error": "Method not allowed"})


def _search(model: RegistrationModel, query: dict[str, list[str]]) -> Reply:
    filters = {name: values[0] for name, values in query.items() if not name.startswith("_")}
    if not filters:
        return Reply(200, [_patron(r.record_id, r.body) for r in model.records])
    found = model.find_by(
        lambda r: all(
            str(r.body.get(name, "")).lower() == value.lower() for name, value in filters.items()
        )
    )
    return Reply(200, [_patron(r.record_id, r.body) for r in found])


def _create(model: RegistrationModel, body: Any) -> Reply:
    if not isinstance(body, dict):
        return Reply(
            400, {"errors": [{"message": "Expected object", "path": "/body"}], "status": 400}
        )
    missing = [name for name in REQUIRED if not str(body.get(name) or "").strip()]
    if missing:
        errors = [{"message": "Missing property.", "path": f"/body/{name}"} for name in missing]
        return Reply(400, {"errors": errors, "status": 400})
    email = str(body.get("email") or "")
    with model.lock:
        if email and model.find(email):
            return Reply(
                409,
                {"error": "A patron with this email address already exists", "conflict": "email"},
            )
        notes = str(body.get("staff_notes") or "").splitlines()
        key = next((line.removeprefix(KEY_MARK) for line in notes if line.startswith(KEY_MARK)), "")
        record = model.create(email, key, body)
    return Reply(201, _patron(record.record_id, record.body))


def _patron(record_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "patron_id": int(record_id) if record_id.isdigit() else record_id}
