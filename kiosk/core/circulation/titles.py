"""Titles the kiosk has seen, so a line can show a title instead of a bare barcode when the
library system cannot be reached (issue 18: "offline is silent").

Fed by every answer of the library system that names an item (a loan, a return, a renewal,
the account); read when a transaction is kept offline. Bounded (oldest forgotten first) and
in memory only: a title is no patron data, but the cache must not grow without end on a
kiosk that runs for months. Must never hold who borrowed what.
"""

from __future__ import annotations

from collections import OrderedDict


class TitleCache:
    def __init__(self, limit: int = 20_000) -> None:
        if limit < 1:
            raise ValueError("a title cache holds at least one title")
        self._limit = limit
        self._titles: OrderedDict[str, str] = OrderedDict()

    def learn(self, item_id: str, title: str) -> None:
        title = title.strip()
        if not item_id or not title or title == item_id:
            return
        self._titles[item_id] = title
        self._titles.move_to_end(item_id)
        while len(self._titles) > self._limit:
            self._titles.popitem(last=False)

    def title(self, item_id: str) -> str:
        """The title last seen for the item, or "" (the screen then shows the barcode)."""
        return self._titles.get(item_id, "")

    def __len__(self) -> int:
        return len(self._titles)
