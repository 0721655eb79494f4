"""Sends one SMS through an HTTP gateway whose request is configuration (SmsOptions, made
from the [sms] table by kiosk/wiring/notify.py): URL, method, body encoding and a body
template with $to, $text and $sender.

Each value is escaped for where it lands (a JSON string, a form field, a query parameter)
before it is put into the template, so a text with quotes or '&' cannot change the request.
Transient failures (no connection, timeout, HTTP 408/429/5xx) are retried ``retries`` times
with a doubling pause; other 4xx answers are permanent (the gateway refuses this message).
Either way ``SmsError`` says which. The one place requests is used for SMS; never logs the
text (it carries the door code), the password or the token; the number is masked in logs.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from string import Template
from urllib.parse import quote_plus

import requests

from kiosk.core.privacy import mask_card

log = logging.getLogger("knygomatas.notify.sms")
TRANSIENT_STATUS = frozenset({408, 425, 429})


@dataclass(frozen=True)
class SmsOptions:
    """The gateway's request. ``body``: "json", "form" or "query" (the template becomes the
    query string); ``auth``: "none", "basic" (username, password) or "bearer" (token). The
    template is checked where it is configured (kiosk/settings/notify.py)."""

    url: str
    method: str = "POST"
    body: str = "json"
    template: str = '{"to": "$to", "from": "$sender", "text": "$text"}'
    sender: str = ""
    auth: str = "none"
    username: str = ""
    password: str = field(default="", repr=False)
    token: str = field(default="", repr=False)
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout_s: float = 10.0
    retries: int = 2
    retry_backoff_s: float = 1.0


class SmsError(Exception):
    """The gateway did not take the message; ``permanent``: retrying will not help."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def _escape(body: str, value: str) -> str:
    if body == "json":
        return json.dumps(value, ensure_ascii=False)[1:-1]
    return quote_plus(value)


def render_body(options: SmsOptions, to: str, text: str) -> str:
    values = {"to": to, "text": text, "sender": options.sender}
    return Template(options.template).substitute(
        {k: _escape(options.body, v) for k, v in values.items()}
    )


class SmsGateway:
    def __init__(
        self,
        options: SmsOptions,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.options = options
        self.session = session or requests.Session()
        self.sleep = sleep

    def _request(self, to: str, text: str) -> requests.Response:
        s = self.options
        body = render_body(s, to, text)
        headers = dict(s.headers)
        auth = None
        if s.auth == "basic":
            auth = (s.username, s.password)
        elif s.auth == "bearer":
            headers["Authorization"] = f"Bearer {s.token}"
        if s.body == "query":
            separator = "&" if "?" in s.url else "?"
            return self.session.request(
                s.method, s.url + separator + body, headers=headers, auth=auth, timeout=s.timeout_s
            )
        content_type = (
            "application/json; charset=utf-8"
            if s.body == "json"
            else "application/x-www-form-urlencoded"
        )
        headers.setdefault("Content-Type", content_type)
        return self.session.request(
            s.method,
            s.url,
            data=body.encode("utf-8"),
            headers=headers,
            auth=auth,
            timeout=s.timeout_s,
        )

    def _attempt(self, to: str, text: str) -> None:
        try:
            response = self._request(to, text)
        except requests.RequestException as exc:
            raise SmsError(f"gateway not reachable: {type(exc).__name__}") from None
        status = response.status_code
        if 200 <= status < 300:
            return
        permanent = 400 <= status < 500 and status not in TRANSIENT_STATUS
        raise SmsError(f"gateway answered HTTP {status}", permanent=permanent)

    def send(self, to: str, text: str) -> None:
        """Deliver to the gateway or raise SmsError after the configured retries."""
        pause = self.options.retry_backoff_s
        for attempt in range(self.options.retries + 1):
            try:
                self._attempt(to, text)
            except SmsError as exc:
                log.warning("sms to %s failed (attempt %d): %s", mask_card(to), attempt + 1, exc)
                if exc.permanent or attempt == self.options.retries:
                    raise
                self.sleep(pause)
                pause *= 2
            else:
                return
