"""The new-books feed simulator: an OPAC's feeds over HTTP on loopback, with faults.

Serves the model (model.py) in the shapes render.py draws:

    /cgi-bin/koha/opac-search.pl?…&format=rss     Koha search RSS (format=atom: Atom;
                                                   no format: the OPAC's web page)
    /cgi-bin/koha/opac-shelves.pl?rss=1&viewshelf=N  Koha public-list RSS
    /new-books.atom, /new-books.json                 Atom 1.0, a JSON list
    ?count=N                                         at most N books (default 20, as Koha)

Every answer carries an ETag and Last-Modified; If-None-Match / If-Modified-Since that still
match get 304. Faults (control API, `kiosk sim feed …`): `fail` (HTTP 500 or another status),
`slow` (a delay before each answer, or between the pieces of a dripped body), `garbage`
(random bytes, an HTML login page, the feed cut in half, or the feed marked gzip but not
compressed; all with 200), `oversize` (a body of N bytes, with or without Content-Length).
Loopback only; never used by a deployed kiosk.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from simulators.control import LoopbackHttpServer
from simulators.feeds import render
from simulators.feeds.model import DEFAULT_COUNT, GARBAGE_KINDS, Acquisition, NewBooksModel

DRIP_PIECES = 10
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"
NO_FAULTS = {"fail_left": 0, "garbage_left": 0, "oversize_left": 0, "delay_s": 0.0, "drip": False}


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    declared: bool = True  # send Content-Length (False: the body ends when the connection does)


class FeedSimulator(LoopbackHttpServer):
    def __init__(self, model: NewBooksModel, port: int = 0) -> None:
        self.model = model
        self._stopping = threading.Event()  # wakes slow answers when the simulator stops
        super().__init__(_handler_for(self), port, name="sim-feed", poll_interval=0.05)

    @property
    def rss_url(self) -> str:
        return f"{self.url}/cgi-bin/koha/opac-search.pl?q=acqdate&sort_by=acqdate_dsc&format=rss"

    def stop(self) -> None:
        self._stopping.set()
        super().stop()

    def wait(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)

    def urls(self) -> dict[str, str]:
        return {
            "rss": self.rss_url,
            "list_rss": f"{self.url}/cgi-bin/koha/opac-shelves.pl?rss=1&viewshelf=1",
            "atom": f"{self.url}/new-books.atom",
            "json": f"{self.url}/new-books.json",
        }

    # ---- the control API's actions ----------------------------------------------------
    def actions(self) -> dict[str, Callable[[dict[str, Any]], Any]]:
        m = self.model
        return {
            "status": lambda p: {**m.status(), "urls": self.urls()},
            "add_book": lambda p: asdict(m.add(str(p["title"]), str(p.get("author", "")))),
            "remove_book": lambda p: m.remove(int(p["biblionumber"])),
            "fail": self._fail,
            "garbage": self._garbage,
            "oversize": self._oversize,
            "slow": self._slow,
            "reset_faults": lambda p: asdict(m.set_faults(**NO_FAULTS)),
            "stats": lambda p: m.status()["served"],
        }

    def _fail(self, p: dict[str, Any]) -> dict[str, Any]:
        status = int(p.get("status", 500))
        if not 400 <= status <= 599:
            raise ValueError(f"status must be an HTTP error, 400-599 (got {status})")
        return asdict(self.model.set_faults(fail_left=int(p.get("count", 1)), fail_status=status))

    def _garbage(self, p: dict[str, Any]) -> dict[str, Any]:
        kind = p.get("kind", "bytes")
        if kind not in GARBAGE_KINDS:
            raise ValueError(f"kind must be one of {', '.join(GARBAGE_KINDS)} (got {kind!r})")
        return asdict(self.model.set_faults(garbage_left=int(p.get("count", 1)), garbage_kind=kind))

    def _oversize(self, p: dict[str, Any]) -> dict[str, Any]:
        faults = self.model.set_faults(
            oversize_left=int(p.get("count", 1)),
            oversize_bytes=int(p.get("bytes", 3_000_000)),
            oversize_declared=not p.get("undeclared", False),
        )
        return asdict(faults)

    def _slow(self, p: dict[str, Any]) -> dict[str, Any]:
        delay = float(p.get("delay_s", 2.0))
        if delay < 0:
            raise ValueError("delay_s must not be negative")
        return asdict(self.model.set_faults(delay_s=delay, drip=bool(p.get("drip", False))))

    # ---- answering ----------------------------------------------------------------------
    def answer(self, path: str, headers: dict[str, str]) -> Answer:
        """The answer to GET path: a fault first, then 304 or the feed."""
        fault = self.model.take_fault()
        if fault == "fail":
            self.model.count("failed")
            status = self.model.faults.fail_status
            return Answer(status, HTML, render.web_page(f"Klaida {status}"))
        books, version, changed_at = self.model.snapshot()
        found = self._represent(path, books, changed_at)
        if fault == "garbage":
            self.model.count("garbage")
            kind = self.model.faults.garbage_kind
            if kind == "gzip":  # a proxy that claims to have compressed what it did not
                return Answer(200, found.content_type, found.body, {"Content-Encoding": "gzip"})
            return Answer(200, found.content_type, render.garbage(kind, found.body))
        if fault == "oversize":
            self.model.count("oversize")
            size, declared = self.model.faults.oversize_bytes, self.model.faults.oversize_declared
            return Answer(200, RSS, render.oversize(size), declared=declared)
        if found.status != 200:
            self.model.count(str(found.status))
            return found
        etag = f'"v{version}-{urlsplit(path).path.rsplit("/", 1)[-1]}"'
        validators = {"ETag": etag, "Last-Modified": formatdate(changed_at, usegmt=True)}
        if _not_modified(headers, etag, changed_at):
            self.model.count("not_modified")
            return Answer(304, "", b"", validators)
        self.model.count("ok")
        return replace(found, headers=validators)

    def _represent(self, path: str, books: tuple[Acquisition, ...], changed_at: float) -> Answer:
        parts = urlsplit(path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        shown = books[: _number(query.get("count"), DEFAULT_COUNT)]
        match parts.path, query.get("format"), query.get("rss"):
            case "/cgi-bin/koha/opac-search.pl", "rss" | "rss2", _:
                return Answer(200, RSS, render.koha_search_rss(shown, self.url, parts.query))
            case ("/cgi-bin/koha/opac-search.pl", "atom", _) | ("/new-books.atom", _, _):
                return Answer(200, ATOM, render.atom(shown, self.url, changed_at))
            case "/cgi-bin/koha/opac-shelves.pl", _, "1":
                shelf = _number(query.get("viewshelf"), 1)
                return Answer(200, RSS, render.koha_list_rss(shown, self.url, shelf))
            case "/new-books.json", _, _:
                return Answer(200, "application/json", render.json_list(shown, self.url))
            case "/cgi-bin/koha/opac-search.pl" | "/cgi-bin/koha/opac-shelves.pl", _, _:
                return Answer(200, HTML, render.web_page("Paieška"))
        return Answer(404, HTML, render.web_page("Puslapis nerastas"))


def _not_modified(headers: dict[str, str], etag: str, changed_at: float) -> bool:
    wanted = headers.get("if-none-match")
    if wanted is not None:  # RFC 9110 13.1.3: If-None-Match wins over If-Modified-Since
        return etag in (tag.strip() for tag in wanted.split(",")) or wanted.strip() == "*"
    since = headers.get("if-modified-since")
    if since is None:
        return False
    try:
        return int(changed_at) <= parsedate_to_datetime(since).timestamp()
    except (TypeError, ValueError, IndexError):
        return False


def _handler_for(sim: FeedSimulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "Apache"

        def log_message(self, format: str, *args: Any) -> None:  # quiet: tests and terminals
            return

        def do_GET(self) -> None:
            drip, delay = sim.model.faults.drip, sim.model.faults.delay_s
            if not drip:
                sim.wait(delay)
            answer = sim.answer(self.path, {k.lower(): v for k, v in self.headers.items()})
            try:
                self._send(answer, delay if drip else None)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout)
                return

        def _send(self, answer: Answer, drip_s: float | None) -> None:
            self.send_response(answer.status)
            if answer.content_type:
                self.send_header("Content-Type", answer.content_type)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if answer.declared and drip_s is None:
                self.send_header("Content-Length", str(len(answer.body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if answer.status == 304:
                return
            step = len(answer.body) if drip_s is None else -(-len(answer.body) // DRIP_PIECES)
            for start in range(0, len(answer.body), max(step, 1)):
                if drip_s is not None:
                    sim.wait(drip_s)
                self.wfile.write(answer.body[start : start + step])
                self.wfile.flush()

    return Handler


def _number(text: str | None, default: int) -> int:
    return int(text) if text and text.isdigit() else default
