"""One JSON-over-HTTP channel with a renewable credential, shared by the Koha and FOLIO clients.

Owns requests (timeouts, the session) and the split every write needs: ``NotSent`` (the
request never left: cannot connect, no token) versus ``NoAnswer`` (it left and no answer came
back: timeout, dropped connection), because only the second may have created a record.
A 401 renews the credential once and repeats the request (nothing was done on a 401).
Credentials: ``ClientCredentials`` (OAuth2 client-credentials grant, Koha) and the FOLIO
login lives in folio.py; both implement ``Credential``.

Never logs or raises with a query string, a body, a token or a secret: lookups carry e-mail
addresses in their query, so messages name the method and the path only.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import requests

from kiosk.core.registration.model import BackendUnavailable, RemoteProtocolError

log = logging.getLogger(__name__)
_TOKEN_MARGIN_S = 30.0  # renew this long before the server says a token expires


class NotSent(BackendUnavailable):
    """The request never reached the library system; nothing was done."""


class CredentialsRefused(BackendUnavailable):
    """The library system refuses the kiosk's client id / secret (or user / password)."""


class NoAnswer(Exception):
    """The request was sent and no answer came back: it may or may not have been carried out."""


class Credential(Protocol):
    def headers(self, channel: HttpChannel, renew: bool) -> dict[str, str]:
        """Headers that authenticate a request; ``renew`` forces a new token."""
        ...


class _QueryRedactor(logging.Filter):
    """urllib3 logs every request line at DEBUG, query string included; a lookup's query holds
    an applicant's e-mail, so the query is cut from those lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any("?" in str(arg) for arg in record.args):
            record.args = tuple(
                str(arg).split("?", 1)[0] + "?…" if "?" in str(arg) else arg for arg in record.args
            )
        return True


_REDACTOR = _QueryRedactor()


class HttpChannel:
    def __init__(
        self, base_url: str, *, timeout_s: float = 10.0, session: requests.Session | None = None
    ) -> None:
        # added when a channel is made (no import-time side effects); adding it twice is a no-op
        logging.getLogger("urllib3.connectionpool").addFilter(_REDACTOR)
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self._http = session or requests.Session()
        self.requests_made = 0

    def close(self) -> None:
        self._http.close()

    def send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One request; raises NotSent or NoAnswer, returns any HTTP answer."""
        self.requests_made += 1
        what = f"{method} {path}"
        try:
            return self._http.request(
                method, f"{self.base_url}{path}", timeout=self.timeout_s, **kwargs
            )
        except requests.ConnectTimeout:
            raise NotSent(f"{what}: cannot connect within {self.timeout_s} s") from None
        except requests.Timeout:
            raise NoAnswer(f"{what}: no answer within {self.timeout_s} s") from None
        except requests.ConnectionError as exc:
            if _never_connected(exc):
                raise NotSent(f"{what}: cannot connect") from None
            raise NoAnswer(f"{what}: the connection was dropped") from None
        except requests.RequestException as exc:
            raise NotSent(f"{what}: {type(exc).__name__}") from None

    def authorised(
        self, credential: Credential, method: str, path: str, **kwargs: Any
    ) -> requests.Response:
        """A request with the credential's headers; a 401 renews them once and repeats it."""
        extra = kwargs.pop("headers", {})
        for renew in (False, True):
            headers = {**extra, **credential.headers(self, renew)}
            response = self.send(method, path, headers=headers, **kwargs)
            if response.status_code != 401:
                return response
            log.info("%s %s: token refused; renewing it", method, path)
        raise CredentialsRefused(f"{method} {path}: a fresh token was refused too")


class ClientCredentials:
    """An OAuth2 client-credentials token (RFC 6749 §4.4), fetched when missing, renewed
    before it expires and whenever the channel asks (after a 401)."""

    def __init__(
        self,
        token_path: str,
        client_id: str,
        client_secret: str,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._path = token_path
        self._form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        }
        self._monotonic = monotonic
        self._token: str | None = None
        self._until = 0.0
        self._lock = threading.Lock()

    def headers(self, channel: HttpChannel, renew: bool) -> dict[str, str]:
        with self._lock:
            if renew or self._token is None or self._monotonic() >= self._until:
                self._token, lifetime = self._fetch(channel)
                self._until = self._monotonic() + max(0.0, lifetime - _TOKEN_MARGIN_S)
            return {"Authorization": f"Bearer {self._token}"}

    def _fetch(self, channel: HttpChannel) -> tuple[str, float]:
        try:
            response = channel.send("POST", self._path, data=self._form)
        except NoAnswer as exc:  # only a token was asked for: no record can have been made
            raise NotSent(str(exc)) from None
        if response.status_code in (400, 401, 403):
            raise CredentialsRefused(
                f"token: HTTP {response.status_code}: the client id/secret were refused"
            )
        if response.status_code != 200:
            raise NotSent(f"token: HTTP {response.status_code}")
        body = decode_json(response, "token")
        token, lifetime = body.get("access_token"), body.get("expires_in", 3600)
        if not isinstance(token, str) or not token or not isinstance(lifetime, int | float):
            raise RemoteProtocolError("token: the answer has no access_token")
        return token, float(lifetime)


def decode_json(response: requests.Response, what: str) -> Any:
    """The answer's JSON; RemoteProtocolError (naming only ``what``) when it is not JSON."""
    try:
        body = response.json()
    except ValueError:
        raise RemoteProtocolError(f"{what}: HTTP {response.status_code}: not JSON") from None
    if isinstance(body, dict | list):
        return body
    raise RemoteProtocolError(f"{what}: HTTP {response.status_code}: not a JSON object")


def _never_connected(exc: requests.ConnectionError) -> bool:
    """True when the TCP connection was never made (refused, no route, DNS)."""
    text = repr(exc)
    return any(
        sign in text
        for sign in ("NewConnectionError", "Connection refused", "Name or service not known")
    )
