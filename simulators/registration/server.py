"""The registration wire simulator: Koha's patrons endpoint or FOLIO's staging users, served
over HTTP on loopback, with faults for the kiosk's tests and technicians.

One server speaks one backend (``backend="koha"`` or ``"folio"``; the endpoints are in
koha_api / folio_api). Faults, through the control API: ``slow`` (every answer leaves
delay_s after the request was carried out), ``fail`` (the next N API calls answer HTTP 500 or
another status, nothing done), ``malformed`` (the next N answers are broken JSON, the request
carried out), ``lose`` (the next N creations are carried out and the connection is dropped
before the answer), ``duplicate`` (the next N creations answer 409), ``expire_tokens`` (every
token issued so far stops working), ``unreachable``. Counts requests by endpoint and records
created (``created``), so tests can assert "exactly once".
Loopback only; never used by a deployed kiosk.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from simulators.control import LoopbackHttpServer
from simulators.models.registration import RegistrationModel
from simulators.registration import folio_api, koha_api
from simulators.registration.tokens import Reply, TokenBook

BACKENDS = ("koha", "folio")


@dataclass
class Faults:
    delay_s: float = 0.0
    fail_next: int = 0
    fail_status: int = 500
    malformed_next: int = 0
    lose_next: int = 0
    duplicate_next: int = 0
    unreachable: bool = False


class RegistrationSimulator(LoopbackHttpServer):
    def __init__(
        self,
        backend: str = "koha",
        *,
        model: RegistrationModel | None = None,
        client_id: str = "kiosk",
        client_secret: str = "demo",
        tenant: str = "diku",
        port: int = 0,
        token_ttl_s: float = 3600.0,
    ) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
        self.backend = backend
        self.model = model or RegistrationModel(uuid_ids=backend == "folio")
        self.client_id, self.client_secret, self.tenant = client_id, client_secret, tenant
        self.tokens = TokenBook(token_ttl_s)
        self.faults = Faults()
        self.requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        super().__init__(
            _handler_for(self), port, name=f"sim-registration-{backend}", poll_interval=0.05
        )

    @property
    def created(self) -> int:
        return self.model.created

    # ---- what the handler asks -----------------------------------------------------------
    def answer(
        self, method: str, path: str, query: dict, raw: bytes, headers: Any
    ) -> tuple[Reply, str | None]:
        """The reply and the fault it suffers ("lose", "malformed" or None)."""
        if self.backend == "koha" and (method, path) == ("POST", "/api/v1/oauth/token"):
            form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}
            return koha_api.token(self.tokens, form, self.client_id, self.client_secret), None
        if self.backend == "folio" and (method, path) in (
            ("POST", "/authn/login-with-expiry"),
            ("POST", "/authn/login"),
        ):
            body = _json(raw)
            return folio_api.login(
                self.tokens, body, headers, self.tenant, self.client_id, self.client_secret
            ), None
        if not self._authorised(headers):
            return Reply(
                401, {"error": "Invalid token"} if self.backend == "koha" else "Invalid token"
            ), None
        fault = self._take_fault(method)
        if fault == "fail":
            return Reply(self.faults.fail_status, {"error": "simulated failure"}), None
        if fault == "duplicate":
            return Reply(409, {"error": "Duplicate patron (simulated)", "conflict": "email"}), None
        body = _json(raw)
        api = koha_api if self.backend == "koha" else folio_api
        return api.route(self.model, method, path, query, body), fault

    def _authorised(self, headers: Any) -> bool:
        if self.backend == "koha":
            return koha_api.authorised(self.tokens, headers)
        return folio_api.authorised(self.tokens, headers, self.tenant)

    def _take_fault(self, method: str) -> str | None:
        with self._lock:
            f = self.faults
            for name in ("lose", "fail", "malformed", "duplicate"):
                count = getattr(f, f"{name}_next")
                if count > 0 and (name in ("fail", "malformed") or method == "POST"):
                    setattr(f, f"{name}_next", count - 1)
                    return name
        return None

    # ---- control API ---------------------------------------------------------------------
    def actions(self) -> dict[str, Any]:
        return {
            "status": lambda p: self.status(),
            "slow": lambda p: self._set(delay_s=float(p.get("delay_s", 2.0))),
            "fail": lambda p: self._set(
                fail_next=int(p.get("count", 1)), fail_status=int(p.get("status", 500))
            ),
            "malformed": lambda p: self._set(malformed_next=int(p.get("count", 1))),
            "lose": lambda p: self._set(lose_next=int(p.get("count", 1))),
            "duplicate": lambda p: self._set(duplicate_next=int(p.get("count", 1))),
            "unreachable": lambda p: self._set(unreachable=bool(p.get("on", True))),
            "expire_tokens": lambda p: {"expired": self.tokens.expire_all()},
            "reset_faults": lambda p: self._reset(),
            "add_existing": lambda p: {
                "record_id": self.model.add_existing(str(p["email"])).record_id
            },
            "forget_all": lambda p: {"forgotten": self.model.forget_all()},
            "stats": lambda p: {"requests": dict(self.requests), "created": self.created},
        }

    def status(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "url": self.url,
            "faults": self.faults.__dict__.copy(),
            "records": len(self.model.records),
            "created": self.created,
            "tokens_issued": self.tokens.issued,
            "requests": sum(self.requests.values()),
        }

    def _set(self, **changes: Any) -> dict[str, Any]:
        with self._lock:
            for key, value in changes.items():
                if key == "delay_s" and not 0 <= value <= 120:
                    raise ValueError("delay_s must be between 0 and 120")
                setattr(self.faults, key, value)
            return self.faults.__dict__.copy()

    def _reset(self) -> dict[str, Any]:
        with self._lock:
            self.faults = Faults()
            return self.faults.__dict__.copy()


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else {}
    except ValueError:
        return None


def _handler_for(sim: RegistrationSimulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:  # quiet: no e-mails in logs
            return

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def _serve(self, method: str) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if sim.faults.unreachable:
                self.close_connection = True
                return
            sim.requests[f"{method} {parts.path}"] += 1
            reply, fault = sim.answer(method, parts.path, parse_qs(parts.query), raw, self.headers)
            if sim.faults.delay_s:
                time.sleep(sim.faults.delay_s)
            if fault == "lose":
                self.close_connection = True  # carried out, but the answer never leaves
                return
            if fault == "malformed":
                reply = Reply(reply.status, b'{"patron_id": 10, "surname": "trunc')
            self._send(reply)

        def _send(self, reply: Reply) -> None:
            if isinstance(reply.body, bytes):
                data, kind = reply.body, "application/json"
            elif isinstance(reply.body, str):
                data, kind = reply.body.encode("utf-8"), "text/plain; charset=utf-8"
            else:
                data, kind = (
                    json.dumps(reply.body, ensure_ascii=False).encode("utf-8"),
                    "application/json",
                )
            self.send_response(reply.status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler
