"""The new acquisitions an OPAC publishes, and the faults its feed can suffer.

One model for both faces of the feed: the wire simulator (server.py, over loopback HTTP) and
the in-process fake (fake.py, for unit tests), so they cannot drift. The list is newest first;
every change moves ``version`` on (the ETag) and ``changed_at`` (Last-Modified). The demo list
is the ILS simulator's books (simulators/ils/data/demo_library.json), titles written the way
Koha's MARC 245$a shows them ("Metai /"), after a few new titles that quote other works
(„…“). Thread-safe: the HTTP server answers from several threads. Never used by a kiosk.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

DEMO_LIBRARY = Path(__file__).parents[1] / "ils" / "data" / "demo_library.json"
GARBAGE_KINDS = ("bytes", "html", "truncated", "gzip")
DEFAULT_COUNT = 20  # books per answer, as Koha's OPAC pages its results

# new titles about the classics on the ILS simulator's shelves (invented, for the demo)
_QUOTING = (
    ("Kelionė į „Dievų mišką“: Balio Sruogos kūryba", "Rūta Žemaitienė", "9786090200015"),
    ("Ką pasakoja „Baltaragio malūnas“", "Jūratė Čiūrlytė", "9786090200022"),
    (
        "„Anykščių šilelis“ šiandien: skaitymai ir komentarai",
        "Ąžuolas Kęstutaitis",
        "9786090200039",
    ),
)


@dataclass(frozen=True)
class Acquisition:
    biblionumber: int
    title: str  # as shown in Koha: ISBD punctuation and all ("Metai /")
    author: str
    isbn: str
    year: int = 2026


@dataclass
class Faults:
    fail_left: int = 0  # answers still to fail; -1: every answer until reset_faults
    fail_status: int = 500
    garbage_left: int = 0
    garbage_kind: str = "bytes"  # bytes | html | truncated | gzip (says gzip, is not)
    oversize_left: int = 0
    oversize_bytes: int = 3_000_000
    oversize_declared: bool = True  # send Content-Length (False: the body just runs on)
    delay_s: float = 0.0  # before every answer (drip: between the pieces of its body)
    drip: bool = False


@dataclass
class NewBooksModel:
    books: list[Acquisition]
    clock: Callable[[], float] = time.time
    faults: Faults = field(default_factory=Faults)
    version: int = 1
    changed_at: float = 0.0
    served: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.changed_at = self.changed_at or self.clock()

    # ---- the list -------------------------------------------------------------------
    def snapshot(self) -> tuple[tuple[Acquisition, ...], int, float]:
        with self._lock:
            return tuple(self.books), self.version, self.changed_at

    def add(self, title: str, author: str = "") -> Acquisition:
        """A new acquisition, at the front of the list."""
        if not title.strip():
            raise ValueError("title must not be empty")
        with self._lock:
            number = max((b.biblionumber for b in self.books), default=1000) + 1
            book = Acquisition(number, title, author, f"97860903{number:05d}")
            self.books.insert(0, book)
            self._changed()
        return book

    def remove(self, biblionumber: int) -> None:
        with self._lock:
            kept = [b for b in self.books if b.biblionumber != biblionumber]
            if len(kept) == len(self.books):
                raise ValueError(f"no book with biblionumber {biblionumber}")
            self.books = kept
            self._changed()

    def _changed(self) -> None:
        self.version += 1
        self.changed_at = max(self.clock(), self.changed_at + 1)  # Last-Modified has seconds

    # ---- faults ---------------------------------------------------------------------
    def set_faults(self, **changes: Any) -> Faults:
        with self._lock:
            self.faults = replace(self.faults, **changes)
            return self.faults

    def take_fault(self) -> str | None:
        """The fault the next answer suffers ("fail", "garbage", "oversize") or None."""
        with self._lock:
            f = self.faults
            if f.fail_left:
                if f.fail_left > 0:  # -1 stays: a lasting outage
                    f.fail_left -= 1
                return "fail"
            if f.garbage_left > 0:
                f.garbage_left -= 1
                return "garbage"
            if f.oversize_left > 0:
                f.oversize_left -= 1
                return "oversize"
            return None

    def count(self, what: str) -> None:
        with self._lock:
            self.served[what] = self.served.get(what, 0) + 1

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {
                "books": len(self.books),
                "newest": [asdict(b) for b in self.books[:3]],
                "version": self.version,
                "faults": asdict(self.faults),
                "served": dict(self.served),
            }


def demo_books(source: Path = DEMO_LIBRARY) -> list[Acquisition]:
    """The quoting titles, then every distinct book of the ILS simulator's demo library."""
    items = json.loads(source.read_text(encoding="utf-8"))["items"]
    books = [Acquisition(1001 + n, f"{t} /", a, isbn) for n, (t, a, isbn) in enumerate(_QUOTING)]
    seen = set()
    for item in items:
        if item.get("type") != "book" or item["title"] in seen:
            continue
        seen.add(item["title"])
        title = f"{item['title']} /" if item.get("author") else item["title"]
        books.append(Acquisition(1001 + len(books), title, item.get("author", ""), item["barcode"]))
    return books


def demo_model(clock: Callable[[], float] = time.time) -> NewBooksModel:
    return NewBooksModel(demo_books(), clock)
