"""feed_from(ui): the [ui] table's new-books feed (backend_sync/feeds), or None when the
attract screen's strip shows the configured list only (new_books_source = "config")."""

from __future__ import annotations

import requests

from backend_sync.feeds.client import NewBooksFeed
from kiosk.settings.ui import UiSection


def feed_from(
    ui: UiSection, *, timeout_s: float = 10.0, session: requests.Session | None = None
) -> NewBooksFeed | None:
    if ui.new_books_source != "feed":
        return None
    return NewBooksFeed(
        ui.new_books_feed_url, timeout_s=timeout_s, max_books=ui.new_books_max, session=session
    )
