"""Fetching the new-books feed over HTTP (requests), and the loop that keeps the strip fresh.

NewBooksFeed.fetch() is blocking I/O: the app runs it in a worker thread (keep_fresh does, via
the ``run_blocking`` it is given, e.g. asyncio.to_thread), never on the event loop. It takes
plain arguments (kiosk/wiring/feeds.py: ``feed_from`` reads the [ui] table). It owns:

* a deadline for the whole fetch (``timeout_s``, connect to last byte: a server that drips its
  answer cannot hold the thread longer than that);
* conditional GET: the ETag and Last-Modified of the last good answer go back as If-None-Match
  and If-Modified-Since; a 304 returns None ("not modified"). Validators are kept only after
  the body parsed, so a garbled answer is fetched whole next time;
* a size cap (``max_bytes``, counted after decompression): a larger answer is not read on;
* errors named for who is at fault (errors.py): 4xx FeedRefused (the URL is wrong), 5xx,
  timeouts and refused connections FeedUnavailable, a body that is not a feed FeedFormatError.

keep_fresh() shows a new list only when it differs from the one on screen, keeps the last good
list while the feed fails (one warning per failure streak, not one per attempt), and retries a
failing feed sooner than the normal interval, backing off. Messages name the feed's host and
path only (never the query or userinfo, which may hold a key) and never a response body.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Protocol
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import DecodeError, HTTPError, ReadTimeoutError

from backend_sync.feeds.books import NewBook
from backend_sync.feeds.errors import (
    FeedError,
    FeedFormatError,
    FeedRefused,
    FeedTooLarge,
    FeedUnavailable,
)
from backend_sync.feeds.parse import parse_feed

log = logging.getLogger(__name__)

MAX_BYTES = 2_000_000
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/json;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"
)
_CHUNK = 64 * 1024
_CONNECTION_PREFIX = re.compile(r"^\w+\([^)]*\):\s*")  # "HTTPConnection(host=…, port=…): "
_QUERY = re.compile(r"\?[^\s'\")]*")
_BACKOFF_STEPS = 16  # 2**16 retry_s is far beyond any every_s: the exponent stops growing there

Books = tuple[NewBook, ...]


class NewBooksFeed:
    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = 10.0,
        max_bytes: int = MAX_BYTES,
        max_books: int = 12,
        session: requests.Session | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.where = _where(url)
        self.timeout_s, self.max_bytes, self.max_books = timeout_s, max_bytes, max_books
        self._http = session or requests.Session()
        self._monotonic = monotonic
        self._etag: str | None = None
        self._last_modified: str | None = None

    def close(self) -> None:
        self._http.close()

    def fetch(self) -> Books | None:
        """The feed's books, or None when it has not changed since the last good fetch."""
        deadline = self._monotonic() + self.timeout_s
        try:
            with self._http.get(
                self.url, headers=self._headers(), timeout=self.timeout_s, stream=True
            ) as response:
                if response.status_code == 304:
                    return None
                self._check_status(response)
                body = self._read(response, deadline)
                validators = response.headers.get("ETag"), response.headers.get("Last-Modified")
        except (requests.Timeout, ReadTimeoutError):
            raise FeedUnavailable(self._timed_out()) from None
        except (requests.exceptions.ContentDecodingError, DecodeError):
            raise FeedFormatError(f"not a feed: {self.where}'s body does not decompress") from None
        except (requests.RequestException, HTTPError, OSError) as exc:  # urllib3's from the body
            raise FeedUnavailable(f"cannot reach the feed {self.where}: {_reason(exc)}") from None
        books = parse_feed(body, self.max_books)
        self._etag, self._last_modified = validators
        return books

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": ACCEPT, "User-Agent": "knygomatas new-books strip"}
        if self._etag:
            headers["If-None-Match"] = self._etag
        if self._last_modified:
            headers["If-Modified-Since"] = self._last_modified
        return headers

    def _check_status(self, response: requests.Response) -> None:
        code, reason = response.status_code, response.reason or ""
        if 400 <= code < 500:
            raise FeedRefused(
                f"the feed {self.where} answered {code} {reason}: check [ui] new_books_feed_url"
            )
        if code >= 500:
            raise FeedUnavailable(f"the feed {self.where} answered {code} {reason}")

    def _read(self, response: requests.Response, deadline: float) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_large(f"declares {int(declared):,} bytes")
        # read1 returns what one receive brings, so the deadline is checked while a slow
        # server drips its answer (read(n) would wait for all n bytes); urllib3 < 2.1 lacks it
        raw = response.raw
        read = getattr(raw, "read1", raw.read)
        body = bytearray()
        while chunk := read(_CHUNK, decode_content=True):
            body += chunk
            if len(body) > self.max_bytes:
                raise self._too_large("sends more")
            if self._monotonic() > deadline:
                raise FeedUnavailable(self._timed_out())
        return bytes(body)

    def _too_large(self, what: str) -> FeedTooLarge:
        return FeedTooLarge(f"the feed {self.where} {what}: over the {self.max_bytes:,}-byte cap")

    def _timed_out(self) -> str:
        return f"the feed {self.where} did not answer in full within {self.timeout_s:g} s"


class Fetches(Protocol):
    def fetch(self) -> Books | None: ...


async def keep_fresh(
    feed: Fetches,
    on_books: Callable[[Books], None],
    every_s: float,
    run_blocking: Callable[[Callable[[], Books | None]], Awaitable[Books | None]],
    *,
    retry_s: float = 60.0,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> None:
    """Fetch every ``every_s``; call ``on_books`` with each new, non-empty list. Runs until
    cancelled. A failing feed is retried after retry_s, then twice that, … up to every_s.
    An exception from ``on_books`` ends the loop (it is the caller's bug, not the feed's)."""
    shown: Books | None = None
    streak = _Streak()
    while True:
        try:
            books = await run_blocking(feed.fetch)
        except FeedError as exc:
            streak.failed(exc)
            await sleep(min(every_s, retry_s * 2 ** min(streak.failures - 1, _BACKOFF_STEPS)))
            continue
        streak.fetched(books)
        if books and books != shown:
            on_books(books)
            shown = books
        await sleep(every_s)


class _Streak:
    """Says once that the feed fails (or is empty), and once that it is back."""

    def __init__(self) -> None:
        self.failures = 0
        self.empty = False

    def failed(self, exc: FeedError) -> None:
        self.failures += 1
        if self.failures == 1:
            log.warning("new-books feed failed, keeping the list on screen: %s", exc)

    def fetched(self, books: Books | None) -> None:
        if self.failures:
            log.info("new-books feed is back after %d failed fetch(es)", self.failures)
            self.failures = 0
        if books == () and not self.empty:
            log.warning("new-books feed has no books with a title, keeping the list on screen")
        if books is not None:
            self.empty = books == ()


def _where(url: str) -> str:
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.hostname}{port}{parts.path}"


def _reason(exc: Exception) -> str:
    """The cause in a few words, without urllib3's wrapping or the URL's query."""
    cause = exc.args[0] if exc.args else exc
    text = str(getattr(cause, "reason", cause))  # urllib3's MaxRetryError wraps the real one
    text = _QUERY.sub("", _CONNECTION_PREFIX.sub("", text))
    return text if len(text) <= 160 else text[:157] + "..."
