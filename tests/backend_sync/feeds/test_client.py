"""NewBooksFeed against the feed simulator over real loopback HTTP: every shape the OPACs
publish, conditional GET by ETag and by Last-Modified, and every fault the issue names (5xx,
4xx, garbage, a timeout, a dripped answer, an oversize body, nobody listening), each a typed
error whose message names the feed without its query."""

from __future__ import annotations

import socket
import time

import pytest
import requests

from backend_sync.feeds.client import NewBooksFeed
from backend_sync.feeds.errors import (
    FeedFormatError,
    FeedRefused,
    FeedTooLarge,
    FeedUnavailable,
)
from simulators.feeds.server import FeedSimulator
from tests.backend_sync.feeds.conftest import Actions

pytestmark = pytest.mark.timeout(30)
FIRST = ("Kelionė į „Dievų mišką“: Balio Sruogos kūryba", "Rūta Žemaitienė")


@pytest.mark.parametrize("shape", ["rss", "list_rss", "atom", "json"])
def test_every_shape_gives_the_same_books(sim: FeedSimulator, shape: str) -> None:
    books = NewBooksFeed(sim.urls()[shape], max_books=5).fetch()
    assert books is not None
    assert [(b.title, b.author) for b in books][:1] == [FIRST]
    assert [b.title for b in books][3:] == ["Metai", "Marti"]  # "Metai /" lost its ISBD slash


def test_unchanged_feed_is_not_modified_by_etag(sim: FeedSimulator) -> None:
    feed = NewBooksFeed(sim.rss_url)
    assert feed.fetch()
    assert feed.fetch() is None
    assert sim.model.status()["served"] == {"ok": 1, "not_modified": 1}


def test_unchanged_feed_is_not_modified_by_last_modified(sim: FeedSimulator) -> None:
    def drop_etag(response: requests.Response, *args: object, **kwargs: object) -> None:
        response.headers.pop("ETag", None)

    session = requests.Session()  # as from a server without ETags: Last-Modified goes back
    session.hooks["response"].append(drop_etag)
    feed = NewBooksFeed(sim.rss_url, session=session)
    assert feed.fetch()
    assert feed.fetch() is None
    assert sim.model.status()["served"]["not_modified"] == 1


def test_a_new_acquisition_is_a_new_list(sim: FeedSimulator, control: Actions) -> None:
    feed = NewBooksFeed(sim.rss_url)
    before = feed.fetch()
    control.call("add_book", title="Šiąnakt aš miegosiu prie sienos /", author="Radvilavičiūtė, G.")
    after = feed.fetch()
    assert before and after
    assert (after[0].title, after[0].author) == (
        "Šiąnakt aš miegosiu prie sienos",
        "Radvilavičiūtė, G.",
    )
    assert after[1:] == before[:-1]


def test_server_error_is_unavailable_and_the_next_fetch_works(
    sim: FeedSimulator, control: Actions
) -> None:
    feed = NewBooksFeed(sim.rss_url)
    control.call("fail", count=1, status=503)
    with pytest.raises(FeedUnavailable, match="answered 503"):
        feed.fetch()
    assert feed.fetch()


def test_client_error_blames_the_configured_url(sim: FeedSimulator) -> None:
    with pytest.raises(FeedRefused, match=r"answered 404 .*new_books_feed_url"):
        NewBooksFeed(f"{sim.url}/cgi-bin/koha/opac-nosuch.pl?key=SECRET").fetch()


@pytest.mark.parametrize("kind", ["bytes", "html", "truncated", "gzip"])
def test_garbage_is_a_format_error_and_keeps_the_last_validators(
    sim: FeedSimulator, control: Actions, kind: str
) -> None:
    feed = NewBooksFeed(sim.rss_url)
    assert feed.fetch()
    control.call("add_book", title="Naujiena")
    control.call("garbage", count=1, kind=kind)
    with pytest.raises(FeedFormatError):
        feed.fetch()
    books = feed.fetch()  # the garbage's ETag was not kept: the whole new list comes
    assert books and books[0].title == "Naujiena"


def test_the_opacs_web_page_is_not_a_feed(sim: FeedSimulator) -> None:
    with pytest.raises(FeedFormatError, match="web page"):
        NewBooksFeed(f"{sim.url}/cgi-bin/koha/opac-search.pl?q=acqdate").fetch()


def test_a_slow_answer_times_out(sim: FeedSimulator, control: Actions) -> None:
    control.call("slow", delay_s=3.0)
    with pytest.raises(FeedUnavailable, match=r"within 0\.3 s"):
        NewBooksFeed(sim.rss_url, timeout_s=0.3).fetch()


def test_a_dripped_answer_meets_the_deadline(sim: FeedSimulator, control: Actions) -> None:
    control.call("slow", delay_s=0.1, drip=True)  # every piece far within the 5 s read timeout

    def fast() -> float:  # the whole fetch's clock runs 20 times faster: 5 s pass in 0.25 s
        return time.monotonic() * 20

    with pytest.raises(FeedUnavailable, match=r"within 5 s"):
        NewBooksFeed(sim.rss_url, timeout_s=5.0, monotonic=fast).fetch()


@pytest.mark.parametrize("undeclared", [False, True])
def test_an_oversize_body_is_refused(
    sim: FeedSimulator, control: Actions, undeclared: bool
) -> None:
    control.call("oversize", count=1, bytes=300_000, undeclared=undeclared)
    with pytest.raises(FeedTooLarge, match="100,000-byte cap"):
        NewBooksFeed(sim.rss_url, max_bytes=100_000).fetch()


def test_nobody_listening_is_unavailable_and_the_query_stays_out() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    feed = NewBooksFeed(f"http://user:pw@127.0.0.1:{port}/feed.rss?key=SECRET", timeout_s=2)
    with pytest.raises(FeedUnavailable) as caught:
        feed.fetch()
    message = str(caught.value)
    assert f"127.0.0.1:{port}/feed.rss" in message
    assert "SECRET" not in message and "pw" not in message
