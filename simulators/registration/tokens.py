"""Access tokens the registration simulators hand out, with a lifetime, and the reply shape.

Loopback test server code: tokens are random hex from ``secrets``, valid until their time on
``time.monotonic`` passes or ``expire_all`` (the "expired token" fault) is called.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any  # JSON-able, str (text/plain) or bytes (sent as they are)
    headers: dict[str, str] = field(default_factory=dict)


class TokenBook:
    def __init__(self, ttl_s: float = 3600.0) -> None:
        self.ttl_s = ttl_s
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()
        self.issued = 0

    def issue(self) -> tuple[str, float]:
        token = secrets.token_hex(16)
        with self._lock:
            self._until[token] = time.monotonic() + self.ttl_s
            self.issued += 1
        return token, self.ttl_s

    def valid(self, token: str) -> bool:
        with self._lock:
            until = self._until.get(token)
        return until is not None and time.monotonic() < until

    def expire_all(self) -> int:
        with self._lock:
            count = len(self._until)
            self._until.clear()
            return count

    @staticmethod
    def credentials_match(given_id: str, given_secret: str, client_id: str, secret: str) -> bool:
        return given_id == client_id and secrets.compare_digest(
            given_secret.encode(), secret.encode()
        )
