"""NewBook: one book of the attract screen's strip as a feed gives it (title, author).

A plain frozen value owned by the feed package, so parse and client never read kiosk.settings
(the [ui] table's configured list is its own settings type; kiosk/wiring/feeds.py builds the
feed from that table).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NewBook:
    title: str
    author: str = ""
