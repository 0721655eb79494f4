"""An in-process new-books feed for unit tests: NewBooksFeed's fetch() without HTTP.

Shares the model with the wire simulator (model.py) and goes through the same renderer and the
real parser, so the fake and the simulator cannot drift: a change in the model is a new list,
no change is None (as a 304), and the model's faults become the errors the real client raises
for them (fail -> FeedUnavailable or FeedRefused, garbage -> FeedFormatError from the parser,
oversize -> FeedTooLarge, a delay longer than the timeout -> FeedUnavailable). Never sleeps.
"""

from __future__ import annotations

from backend_sync.feeds.books import NewBook
from backend_sync.feeds.errors import FeedFormatError, FeedRefused, FeedTooLarge, FeedUnavailable
from backend_sync.feeds.parse import parse_feed
from simulators.feeds import render
from simulators.feeds.model import DEFAULT_COUNT, NewBooksModel

BASE = "http://opac.invalid"


class FakeNewBooksFeed:
    def __init__(self, model: NewBooksModel, max_books: int = 12, timeout_s: float = 10.0) -> None:
        self.model = model
        self.max_books, self.timeout_s = max_books, timeout_s
        self.fetches = 0
        self._seen: int | None = None

    def fetch(self) -> tuple[NewBook, ...] | None:
        self.fetches += 1
        fault = self.model.take_fault()
        faults = self.model.faults
        if faults.delay_s > self.timeout_s:
            raise FeedUnavailable(f"the feed did not answer in full within {self.timeout_s:g} s")
        books, version, _ = self.model.snapshot()
        body = render.koha_search_rss(books[:DEFAULT_COUNT], BASE, "q=acqdate&format=rss")
        match fault:
            case "fail" if faults.fail_status < 500:
                raise FeedRefused(f"the feed answered {faults.fail_status}")
            case "fail":
                raise FeedUnavailable(f"the feed answered {faults.fail_status}")
            case "garbage" if faults.garbage_kind == "gzip":
                raise FeedFormatError("not a feed: a body that does not decompress")
            case "garbage":
                return parse_feed(render.garbage(faults.garbage_kind, body), self.max_books)
            case "oversize":
                raise FeedTooLarge(f"the feed sends over {faults.oversize_bytes:,} bytes")
        if version == self._seen:
            return None
        parsed = parse_feed(body, self.max_books)
        self._seen = version
        return parsed
