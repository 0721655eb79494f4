"""keep_fresh: on_books once per change, the last good list kept while the feed fails, one
warning per failure streak, a backoff that grows to the normal interval; against the
in-process fake (the simulator's model) and once against the simulator over HTTP.

The loop's sleep is a script: at each pause it records the delay and changes the world (a new
book, a fault), and ends the loop when the script runs out. No real waiting."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest

from backend_sync.feeds.books import NewBook
from backend_sync.feeds.client import Fetches, NewBooksFeed, keep_fresh
from simulators.feeds.fake import FakeNewBooksFeed
from simulators.feeds.model import NewBooksModel, demo_model
from simulators.feeds.server import FeedSimulator

pytestmark = pytest.mark.timeout(30)
EVERY, RETRY = 100.0, 10.0
LOGGER = "backend_sync.feeds.client"


class Script:
    def __init__(self, *steps: Callable[[], object]) -> None:
        self.steps = list(steps)
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        if not self.steps:
            raise asyncio.CancelledError  # the app cancels the task when it shuts down
        self.steps.pop(0)()


def run(feed: Fetches, script: Script) -> list[tuple[NewBook, ...]]:
    shown: list[tuple[NewBook, ...]] = []
    loop = keep_fresh(feed, shown.append, EVERY, asyncio.to_thread, retry_s=RETRY, sleep=script)
    with pytest.raises(asyncio.CancelledError):
        asyncio.run(loop)
    return shown


def nothing() -> None:
    return None


def test_on_books_once_per_change() -> None:
    model = demo_model()
    script = Script(nothing, lambda: model.add("Naujiena /", "Autorė"), nothing)
    shown = run(FakeNewBooksFeed(model), script)
    assert len(shown) == 2
    assert shown[1][0] == NewBook(title="Naujiena", author="Autorė")
    assert shown[1][1:] == shown[0][:-1]
    assert script.delays == [EVERY] * 4


def test_a_failing_feed_keeps_the_list_warns_once_and_backs_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    model = demo_model()

    def recover() -> None:
        model.set_faults(fail_left=0)
        model.add("Po pertraukos")

    script = Script(lambda: model.set_faults(fail_left=-1), *[nothing] * 4, recover)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        shown = run(FakeNewBooksFeed(model), script)
    first = "Kelionė į „Dievų mišką“: Balio Sruogos kūryba"
    assert [books[0].title for books in shown] == [first, "Po pertraukos"]
    assert script.delays == [EVERY, RETRY, 2 * RETRY, 4 * RETRY, 8 * RETRY, EVERY, EVERY]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "answered 500" in warnings[0].getMessage()
    assert any("back after 5 failed" in r.getMessage() for r in caplog.records)


def test_one_streak_spans_different_failures_and_a_feed_down_from_the_start(
    caplog: pytest.LogCaptureFixture,
) -> None:
    model = demo_model()
    model.set_faults(fail_left=2, garbage_left=2, oversize_left=1, oversize_bytes=10)
    script = Script(*[nothing] * 4)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        shown = run(FakeNewBooksFeed(model), script)
    assert shown == []  # on_books is never called: the configured list stays
    assert len(caplog.records) == 1
    assert script.delays == [RETRY, 2 * RETRY, 4 * RETRY, 8 * RETRY, EVERY]


def test_an_empty_feed_keeps_the_list_and_says_so_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        shown = run(FakeNewBooksFeed(NewBooksModel([])), Script(nothing, nothing))
    assert shown == []
    assert [r.getMessage() for r in caplog.records] == [
        "new-books feed has no books with a title, keeping the list on screen"
    ]


def test_over_http_a_server_error_keeps_the_list_until_the_feed_changes() -> None:
    sim = FeedSimulator(demo_model()).start()
    try:
        script = Script(
            lambda: sim.model.set_faults(fail_left=1),
            lambda: sim.model.add("Vilko valanda /", "Tapinas, Andrius"),
        )
        shown = run(NewBooksFeed(sim.rss_url, max_books=4), script)
    finally:
        sim.stop()
    assert [len(books) for books in shown] == [4, 4]
    assert shown[1][0] == NewBook(title="Vilko valanda", author="Tapinas, Andrius")
    assert script.delays == [EVERY, RETRY, EVERY]
    assert sim.model.served == {"ok": 2, "failed": 1}
