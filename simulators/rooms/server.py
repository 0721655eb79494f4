"""The LibCal 1.1 wire simulator: the booking-system model served over HTTP on loopback.

Serves the subset the kiosk uses (see backend_sync/rooms/libcal_wire.py for the shapes) with
OAuth client-credentials tokens, and exposes its faults through the control API: `slow`
(every answer delayed), `fail` (the next N API calls answer HTTP 500 or another status),
`malformed` (the next N answers are not JSON), `expire_tokens` (every token issued so far
stops working), `unreachable` (connections are dropped without an answer). Counts every
request, so benchmarks can compare the client's traffic with a computed bound.
Loopback only; never used by a deployed kiosk.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from simulators.control import LoopbackHttpServer
from simulators.models.rooms import ModelNotFound, ModelRefusal, RoomsModel
from simulators.rooms.api import Reply, route


@dataclass
class Faults:
    delay_s: float = 0.0
    fail_next: int = 0
    fail_status: int = 500
    malformed_next: int = 0
    lose_next: int = 0  # requests carried out whose answer is then lost (connection dropped)
    unreachable: bool = False


class LibCalSimulator(LoopbackHttpServer):
    def __init__(
        self,
        model: RoomsModel,
        *,
        client_id: str = "kiosk",
        client_secret: str = "demo",
        port: int = 0,
        token_ttl_s: float = 3600.0,
    ) -> None:
        self.model = model
        self.client_id, self.client_secret = client_id, client_secret
        self.token_ttl_s = token_ttl_s
        self.faults = Faults()
        self.requests: Counter[str] = Counter()
        self._tokens: dict[str, float] = {}
        self._lock = threading.Lock()
        # poll_interval 0.05: stop() returns at once
        super().__init__(_handler_for(self), port, name="sim-rooms", poll_interval=0.05)

    # ---- what the handler asks -----------------------------------------------------------
    def issue_token(self, form: dict[str, str]) -> Reply:
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_id") != self.client_id
            or not secrets.compare_digest(form.get("client_secret", ""), self.client_secret)
        ):
            return Reply(400, {"error": "invalid_client"})
        token = secrets.token_hex(16)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.token_ttl_s
        return Reply(
            200,
            {
                "access_token": token,
                "expires_in": int(self.token_ttl_s),
                "token_type": "Bearer",
                "scope": "sp_r sp_w",
            },
        )

    def token_valid(self, header: str | None) -> bool:
        token = (header or "").removeprefix("Bearer ").strip()
        with self._lock:
            expires = self._tokens.get(token)
        return expires is not None and time.monotonic() < expires

    def take_fault(self) -> str | None:
        """The fault the next API answer suffers: "fail", "malformed", "lose" or None."""
        with self._lock:
            if self.faults.lose_next > 0:
                self.faults.lose_next -= 1
                return "lose"
            if self.faults.fail_next > 0:
                self.faults.fail_next -= 1
                return "fail"
            if self.faults.malformed_next > 0:
                self.faults.malformed_next -= 1
                return "malformed"
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
            "unreachable": lambda p: self._set(unreachable=bool(p.get("on", True))),
            "expire_tokens": lambda p: self.expire_tokens(),
            "reset_faults": lambda p: self._reset(),
            "set_time": lambda p: self._set_time(str(p["at"])),
            "stats": lambda p: dict(self.requests),
            "reset_stats": lambda p: self.requests.clear() or {},
        }

    def status(self) -> dict[str, Any]:
        now = self.model.now()
        return {
            "url": self.url,
            "now": now.isoformat(timespec="seconds"),
            "faults": self.faults.__dict__.copy(),
            "spaces": len(self.model.data.spaces),
            "bookings_today": len(self.model.bookings(now.date(), include_cancelled=False)),
            "requests": sum(self.requests.values()),
        }

    def expire_tokens(self) -> dict[str, int]:
        with self._lock:
            count = len(self._tokens)
            self._tokens.clear()
        return {"expired": count}

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

    def _set_time(self, at: str) -> dict[str, str]:
        moment = datetime.fromisoformat(at)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.model.data.tz)
        setter = getattr(self.model.clock, "set", None)
        if setter is None:
            raise ValueError("this simulator's clock cannot be set")
        setter(moment)
        return {"now": self.model.now().isoformat(timespec="seconds")}


def _handler_for(sim: LibCalSimulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body leave as written: no 40 ms stalls

        def log_message(self, format: str, *args: Any) -> None:
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
                self.close_connection = True  # drop it: the client sees a dead connection
                return
            if sim.faults.delay_s:
                time.sleep(sim.faults.delay_s)
            path = parts.path.removeprefix("/1.1/").strip("/")
            sim.requests[_kind(path)] += 1
            reply = self._answer(method, path, parse_qs(parts.query), raw)
            if reply is None:
                self.close_connection = True  # carried out, but the answer never leaves
                return
            self._send(reply)

        def _answer(self, method: str, path: str, query: dict, raw: bytes) -> Reply | None:
            if method == "POST" and path == "oauth/token":
                return sim.issue_token(_form(raw, self.headers.get("Content-Type", "")))
            if not sim.token_valid(self.headers.get("Authorization")):
                return Reply(401, {"error": "invalid_token"})
            fault = sim.take_fault()
            if fault == "fail":
                return Reply(sim.faults.fail_status, {"error": "simulated failure"})
            if fault == "malformed":
                return Reply(200, b'{"lid": 1, "name": "trunc')
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                return Reply(400, {"errors": ["<p>request body is not JSON</p>"]})
            try:
                reply = route(sim.model, method, path, query, body)
                return None if fault == "lose" else reply
            except ModelRefusal as exc:
                return Reply(400, {"errors": [f"<p>{exc}</p>"]})
            except ModelNotFound as exc:
                return Reply(404, {"errors": [f"<p>{exc}</p>"]})
            except (KeyError, ValueError, TypeError) as exc:
                return Reply(400, {"errors": [f"<p>bad request: {exc}</p>"]})

        def _send(self, reply: Reply) -> None:
            data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _form(raw: bytes, content_type: str) -> dict[str, str]:
    if "json" in content_type:
        try:
            body = json.loads(raw)
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in body.items()} if isinstance(body, dict) else {}
    return {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items()}


def _kind(path: str) -> str:
    """The endpoint without its ids, for the request counters: "space/item", "hours" …"""
    segments = path.split("/")
    return segments[0] if segments[0] == "hours" else "/".join(segments[:2])
