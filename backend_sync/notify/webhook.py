"""Posts one JSON document to a configured URL (a library routes it to its chat tool: most
chat tools take an "incoming webhook" POST). Plain values in (WebhookOptions, made from the
[help] table by kiosk/wiring/help.py); never logs the token or the body.

Transient failures (no connection, timeout, HTTP 408/425/429/5xx) are retried ``retries``
times with a doubling pause; other 4xx answers are permanent. ``WebhookError`` says which.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

log = logging.getLogger("knygomatas.notify.webhook")
TRANSIENT_STATUS = frozenset({408, 425, 429})


@dataclass(frozen=True)
class WebhookOptions:
    url: str
    token: str = field(default="", repr=False)  # sent as "Authorization: Bearer …" when set
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout_s: float = 10.0
    retries: int = 2
    retry_backoff_s: float = 1.0


class WebhookError(Exception):
    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Webhook:
    def __init__(
        self,
        options: WebhookOptions,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.options = options
        self.session = session or requests.Session()
        self.sleep = sleep

    def _attempt(self, body: bytes) -> None:
        headers = {**self.options.headers, "Content-Type": "application/json; charset=utf-8"}
        if self.options.token:
            headers["Authorization"] = f"Bearer {self.options.token}"
        try:
            response = self.session.post(
                self.options.url, data=body, headers=headers, timeout=self.options.timeout_s
            )
        except requests.RequestException as exc:
            raise WebhookError(f"webhook not reachable: {type(exc).__name__}") from None
        status = response.status_code
        if 200 <= status < 300:
            return
        permanent = 400 <= status < 500 and status not in TRANSIENT_STATUS
        raise WebhookError(f"webhook answered HTTP {status}", permanent=permanent)

    def post(self, document: Mapping[str, Any]) -> None:
        """Deliver or raise WebhookError after the configured retries."""
        body = json.dumps(document, ensure_ascii=False).encode("utf-8")
        pause = self.options.retry_backoff_s
        for attempt in range(self.options.retries + 1):
            try:
                self._attempt(body)
            except WebhookError as exc:
                log.warning("webhook post failed (attempt %d): %s", attempt + 1, exc)
                if exc.permanent or attempt == self.options.retries:
                    raise
                self.sleep(pause)
                pause *= 2
            else:
                return
