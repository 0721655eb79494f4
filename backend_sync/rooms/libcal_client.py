"""The LibCal Spaces API 1.1 client: the kiosk's BookingSystem port over HTTP with requests.

Owns the HTTP: the OAuth client-credentials token (fetched when missing, renewed before it
expires and once more on a 401), timeouts, retries with exponential backoff for reads, and the
mapping of failures to the domain's errors: unreachable, 5xx and garbage -> BookingSystem-
Unavailable (RemoteProtocolError for garbage), 4xx on a write -> BookingRefused with LibCal's
text. A reserve is never resent blindly: after an ambiguous failure the client looks for the
booking first and sends again only when it is not there. JSON shapes live in libcal_wire.
Must never log a client secret or token; sleeps and clocks are injected for tests.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import requests
from urllib3.exceptions import NewConnectionError

from backend_sync.rooms import libcal_wire as wire
from kiosk.core.rooms.errors import BookingRefused, BookingSystemUnavailable, RemoteProtocolError
from kiosk.core.rooms.model import (
    Booking,
    Category,
    CategoryRules,
    Location,
    OpeningHours,
    Patron,
    Slot,
    Space,
)
from kiosk.core.rooms.rules import Refusal

log = logging.getLogger(__name__)
_TOKEN_MARGIN_S = 30.0  # renew this long before LibCal says the token expires


class LibCalRequestError(BookingSystemUnavailable):
    """LibCal rejected a read (4xx): the configuration (ids, credentials, URL) is wrong."""


class _NotSent(BookingSystemUnavailable):
    """The request never reached the booking system (no connection, or no token)."""


class _Ambiguous(Exception):
    """A write whose fate is unknown: it may or may not have been applied."""


class LibCalClient:
    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        tz: ZoneInfo,
        rules_for: Callable[[int], CategoryRules] = lambda cid: CategoryRules(),
        timeout_s: float = 10.0,
        retries: int = 2,
        backoff_s: float = 0.5,
        page_limit: int = 500,
        ids_per_request: int = 50,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._credentials = {"client_id": client_id, "client_secret": client_secret}
        self.tz = tz
        self.rules_for = rules_for
        self.timeout_s, self.retries, self.backoff_s = timeout_s, retries, backoff_s
        self.page_limit, self.ids_per_request = page_limit, ids_per_request
        self._sleep, self._monotonic = sleep, monotonic
        self._http = session or requests.Session()
        self._token: str | None = None
        self._token_until = 0.0
        self._token_lock = threading.Lock()
        self.requests_made = 0

    def close(self) -> None:
        self._http.close()

    # ---- the BookingSystem port ---------------------------------------------------------
    def locations(self) -> tuple[Location, ...]:
        return wire.decode_locations(self._get("space/locations"))

    def categories(self, lids: Iterable[int]) -> tuple[Category, ...]:
        lids = _ids(lids)
        if not lids:
            return ()
        return wire.decode_categories(self._get(f"space/categories/{lids}"), self.rules_for)

    def spaces(self, cids: Iterable[int]) -> tuple[Space, ...]:
        """Spaces of the categories, with their details (two kinds of request)."""
        cids = _ids(cids)
        if not cids:
            return ()
        members = wire.decode_category_items(self._get(f"space/category/{cids}"))
        space_ids = [i for ids in members.values() for i in ids]
        return tuple(s for s, _ in self._items(space_ids, None))

    def availability(self, space_ids: Iterable[int], day: date) -> dict[int, tuple[Slot, ...]]:
        return {s.id: slots for s, slots in self._items(list(space_ids), day)}

    def spaces_with_availability(
        self, space_ids: Iterable[int], day: date
    ) -> tuple[tuple[Space, tuple[Slot, ...]], ...]:
        return self._items(list(space_ids), day)

    def hours(self, lids: Iterable[int], day: date) -> tuple[OpeningHours, ...]:
        lids = _ids(lids)
        if not lids:
            return ()
        params = {"from": day.isoformat(), "to": day.isoformat()}
        return wire.decode_hours(self._get(f"hours/{lids}", params), day, self.tz)

    def bookings(self, lids: Iterable[int], day: date) -> tuple[Booking, ...]:
        found: list[Booking] = []
        for lid in sorted(set(lids)):
            found.extend(self._booking_pages({"lid": lid, "date": day.isoformat()}))
        return tuple(found)

    def reserve(self, patron: Patron, space_id: int, start: datetime, end: datetime) -> Booking:
        body = wire.encode_reserve(patron, space_id, start, end)
        for attempt in range(self.retries + 1):
            try:
                booking_id = wire.decode_reserve(self._write("space/reserve", body))
            except (_Ambiguous, RemoteProtocolError) as exc:
                log.warning("reserve: fate unknown (%s); looking for the booking", exc)
                found = self._find(patron.email, space_id, start, end)
                if found is not None:
                    return found
                self._sleep(self.backoff_s * 2**attempt)
                continue
            return Booking(
                booking_id,
                space_id,
                start.astimezone(self.tz),
                end.astimezone(self.tz),
                first_name=patron.first_name,
                last_name=patron.last_name,
                email=patron.email,
            )
        raise BookingSystemUnavailable("the booking system did not take the booking; not booked")

    def cancel(self, booking_id: str) -> None:
        try:
            reason = wire.decode_cancel(self._write(f"space/cancel/{booking_id}", {}), booking_id)
        except _Ambiguous as exc:
            raise BookingSystemUnavailable(f"cancel not confirmed: {exc}") from None
        if reason is not None:
            raise BookingRefused((Refusal("refused_by_system", {"message": reason}),), reason)

    def check_in(self, booking_id: str) -> None:
        try:
            wire.decode_check_in(self._write(f"space/checkin/{booking_id}", {}), booking_id)
        except _Ambiguous as exc:
            raise BookingSystemUnavailable(f"check-in not confirmed: {exc}") from None

    # ---- requests ------------------------------------------------------------------------
    def _items(
        self, space_ids: list[int], day: date | None
    ) -> tuple[tuple[Space, tuple[Slot, ...]], ...]:
        found: list[tuple[Space, tuple[Slot, ...]]] = []
        step = self.ids_per_request
        for i in range(0, len(space_ids), step):
            chunk = _ids(space_ids[i : i + step])
            params = {"availability": day.isoformat()} if day else {}
            spaces, free = wire.decode_items(
                self._get(f"space/item/{chunk}", params), day or date.min, self.tz
            )
            found.extend((s, free[s.id]) for s in spaces)
        return tuple(found)

    def _booking_pages(self, params: dict[str, Any]) -> list[Booking]:
        found: list[Booking] = []
        page = 1
        while True:
            query = {
                **params,
                "limit": self.page_limit,
                "page": page,
                "include_cancel": 1,
                "checkInStatus": 1,
            }
            rows = wire.decode_bookings(self._get("space/bookings", query), self.tz)
            found.extend(rows)
            if len(rows) < self.page_limit:
                return found
            page += 1

    def _find(self, email: str, space_id: int, start: datetime, end: datetime) -> Booking | None:
        try:
            rows = self._booking_pages(
                {"email": email, "eid": space_id, "date": start.date().isoformat()}
            )
        except BookingSystemUnavailable as exc:
            raise BookingSystemUnavailable(
                f"booking state unknown ({exc}); check the staff view before booking again"
            ) from None
        return next(
            (
                b
                for b in rows
                if b.active and b.space_id == space_id and b.start == start and b.end == end
            ),
            None,
        )

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """A read: retried with backoff on failures that may pass."""
        for attempt in range(self.retries + 1):
            try:
                response = self._send("GET", path, params=params)
                if response.status_code >= 500:
                    raise BookingSystemUnavailable(f"GET {path}: HTTP {response.status_code}")
                if response.status_code >= 400:
                    text = wire.error_text(_json_or_text(response))
                    raise LibCalRequestError(f"GET {path}: HTTP {response.status_code}: {text}")
                return _json(response)
            except LibCalRequestError:
                raise
            except BookingSystemUnavailable as exc:
                if attempt == self.retries:
                    raise
                log.info("GET %s failed (%s); retrying", path, exc)
                self._sleep(self.backoff_s * 2**attempt)
        raise AssertionError("unreachable")

    def _write(self, path: str, body: dict[str, Any]) -> Any:
        """A write, sent once. Raises _Ambiguous when it may or may not have been applied."""
        try:
            response = self._send("POST", path, json=body)
        except (LibCalRequestError, _NotSent):
            raise
        except BookingSystemUnavailable as exc:
            raise _Ambiguous(str(exc)) from None
        if response.status_code >= 500:
            raise _Ambiguous(f"POST {path}: HTTP {response.status_code}")
        if response.status_code >= 400:
            text = wire.error_text(_json_or_text(response)) or f"HTTP {response.status_code}"
            raise BookingRefused((Refusal("refused_by_system", {"message": text}),), text)
        try:
            return _json(response)
        except RemoteProtocolError as exc:
            raise _Ambiguous(str(exc)) from None

    def _send(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One request with a valid token; a 401 renews the token once (nothing was done)."""
        for fresh in (False, True):
            headers = {"Authorization": f"Bearer {self._bearer(renew=fresh)}"}
            response = self._request(
                method, f"{self.base_url}/1.1/{path}", headers=headers, **kwargs
            )
            if response.status_code != 401:
                return response
            log.info("%s %s: token refused; renewing it", method, path)
        raise BookingSystemUnavailable(f"{method} {path}: a fresh token was refused too")

    def _bearer(self, renew: bool) -> str:
        with self._token_lock:
            if renew or self._token is None or self._monotonic() >= self._token_until:
                self._token = self._fetch_token()
            return self._token

    def _fetch_token(self) -> str:
        try:
            response = self._request(
                "POST",
                f"{self.base_url}/1.1/oauth/token",
                data={**self._credentials, "grant_type": "client_credentials"},
            )
            if response.status_code >= 500:
                raise _NotSent(f"token: HTTP {response.status_code}")
            if response.status_code >= 400:
                raise LibCalRequestError(
                    f"token: HTTP {response.status_code}: the client id/secret were refused"
                )
            token, lifetime = wire.decode_token(_json(response))
        except (LibCalRequestError, _NotSent):
            raise
        except BookingSystemUnavailable as exc:  # no token: nothing else was sent
            raise _NotSent(str(exc)) from None
        self._token_until = self._monotonic() + max(0.0, lifetime - _TOKEN_MARGIN_S)
        return token

    def _request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        self.requests_made += 1
        try:
            return self._http.request(method, url, timeout=self.timeout_s, **kwargs)
        except requests.Timeout:
            raise BookingSystemUnavailable(
                f"{method} {url}: no answer in {self.timeout_s} s"
            ) from None
        except requests.ConnectionError as exc:
            reason = getattr(exc.args[0] if exc.args else None, "reason", None)
            if isinstance(reason, NewConnectionError):
                raise _NotSent(f"{method} {url}: cannot connect") from None
            raise BookingSystemUnavailable(f"{method} {url}: {type(exc).__name__}") from None
        except requests.RequestException as exc:
            raise BookingSystemUnavailable(f"{method} {url}: {type(exc).__name__}") from None


def _ids(ids: Iterable[int]) -> str:
    return ",".join(str(int(i)) for i in ids)


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise RemoteProtocolError(
            f"HTTP {response.status_code}: not JSON: {response.text[:60]!r}"
        ) from None


def _json_or_text(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text
