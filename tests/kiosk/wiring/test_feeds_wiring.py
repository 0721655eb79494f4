"""kiosk/wiring/feeds.py: the [ui] table's feed keys become a NewBooksFeed, or None."""

from __future__ import annotations

from kiosk.settings.ui import UiSection
from kiosk.wiring.feeds import feed_from


def test_settings_make_the_feed_or_none() -> None:
    assert feed_from(UiSection()) is None
    url = "https://opac.example.lt/r.rss"
    ui = UiSection(new_books_source="feed", new_books_feed_url=url, new_books_max=7)
    feed = feed_from(ui, timeout_s=4.0)
    assert feed is not None
    assert (feed.url, feed.max_books, feed.timeout_s) == (ui.new_books_feed_url, 7, 4.0)
    feed.close()
