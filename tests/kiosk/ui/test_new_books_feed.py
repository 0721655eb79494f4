"""The attract screen's new-books strip from the OPAC's feed: `kiosk run`'s wiring
(kiosk.commands.run._keep_new_books_fresh) fetching from the feed simulator over loopback
HTTP into a real KioskApp, whose attract screen then shows the feed's titles."""

from __future__ import annotations

import asyncio
import contextlib

from kiosk.settings import Settings
from kiosk.settings.ui import UiSection
from kiosk.ui.presenters.views import BookCard, Screen
from kiosk.wiring.touch_app import keep_new_books_fresh
from simulators.feeds.model import demo_model
from simulators.feeds.server import FeedSimulator


def strip_titles(harness) -> list[str]:
    harness.settle()
    cards = harness.app.screens[Screen.ATTRACT].cards
    return [title.text for card, title, _author in cards if title.text and card.opacity]


def test_the_feeds_books_replace_the_configured_ones_on_the_attract_screen(harness) -> None:
    assert harness.screen is Screen.ATTRACT
    configured = strip_titles(harness)
    simulator = FeedSimulator(demo_model()).start()
    try:
        ui = UiSection(
            fullscreen=False, new_books_source="feed", new_books_feed_url=simulator.rss_url
        )

        async def first_fetch() -> None:
            async with contextlib.AsyncExitStack() as stack:
                keep_new_books_fresh(Settings(ui=ui), harness.app, stack)
                for _ in range(200):
                    if harness.app.new_books:
                        return
                    await asyncio.sleep(0.05)

        asyncio.run(first_fetch())
    finally:
        simulator.stop()
    shown = strip_titles(harness)
    assert harness.app.new_books and shown != configured
    assert shown[0] == harness.app.new_books[0].title
    assert set(shown) <= {book.title for book in harness.app.new_books}


def test_a_visit_does_not_lose_the_feeds_books(harness) -> None:
    books = (BookCard("Kristina Sabaliauskaitė. Silva rerum", "K. Sabaliauskaitė"),)
    harness.app.new_books_arrived(books)
    harness.tap("start")
    harness.tap("language:en")
    harness.tap("cancel")
    assert harness.screen is Screen.ATTRACT
    assert strip_titles(harness) == ["Kristina Sabaliauskaitė. Silva rerum"]
