"""A new-books feed's bytes -> the books for the attract screen's strip (pure).

Bytes in, a tuple of NewBook out, or FeedFormatError; no sockets, no clock, no logging. The
format is sniffed from the body, not from Content-Type (OPACs often send RSS as text/html):

    RSS 2.0   <rss><channel><item><title/><dc:creator/>|<author/><description/></item>…
    RSS 1.0   <rdf:RDF><item xmlns="http://purl.org/rss/1.0/"><title/><dc:creator/></item>…
    Atom 1.0  <feed xmlns="http://www.w3.org/2005/Atom"><entry><title/><author><name/>…
    JSON      [{"title": "…", "author": "…"}, …]   or   {"items": [ … ]}

The author of an entry, first found: dc:creator; Atom <author><name>; RSS <author>
"mail (Name)"; JSON "author" (a string or {"name": …}) or "authors" (JSON Feed); then Koha's
hints (cleaning.py): "By NAME." opening the description, "by NAME" on a title's last line.
JSON "cover" and other keys are ignored: the strip shows no covers.

XML goes through defusedxml: entity declarations and external references are refused, so a
hostile feed cannot expand a billion laughs or read a local file. Entries without a title are
skipped, repeats (two copies of one book) shown once, and reading stops at ``max_books``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from backend_sync.feeds import cleaning
from backend_sync.feeds.books import NewBook
from backend_sync.feeds.errors import FeedFormatError

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
RSS1 = "{http://purl.org/rss/1.0/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
_BOM = b"\xef\xbb\xbf"

Raw = tuple[str, str]  # (title, author) as found, before cleaning


def parse_feed(body: bytes, max_books: int = 12) -> tuple[NewBook, ...]:
    """The first ``max_books`` distinct books of an RSS, Atom or JSON feed."""
    start = body.removeprefix(_BOM).lstrip()[:64].lower()
    if start.startswith((b"{", b"[")):
        raws = _json_entries(body)
    elif start.startswith((b"<!doctype html", b"<html")):
        raise FeedFormatError("not a feed: a web page (use the OPAC's RSS or Atom link)")
    elif start.startswith(b"<"):
        raws = _xml_entries(_xml_root(body))
    elif not start:
        raise FeedFormatError("not a feed: the answer is empty")
    else:
        raise FeedFormatError("not a feed: neither XML (RSS, Atom) nor JSON")
    return _books(raws, max_books)


def _books(raws: Iterable[Raw], max_books: int) -> tuple[NewBook, ...]:
    books: dict[tuple[str, str], NewBook] = {}
    for raw_title, raw_author in raws:
        if len(books) >= max_books:
            break
        title = cleaning.title(raw_title)
        if title:
            author = cleaning.author(raw_author)
            books.setdefault(
                (title.casefold(), author.casefold()), NewBook(title=title, author=author)
            )
    return tuple(books.values())


# ---- XML: RSS 2.0, RSS 1.0, Atom 1.0 ------------------------------------------------------
def _xml_root(body: bytes) -> Element:
    try:
        return fromstring(body)
    except ParseError as exc:
        raise FeedFormatError(f"not a feed: the XML does not parse ({exc})") from None
    except DefusedXmlException as exc:
        raise FeedFormatError(f"not a feed: unsafe XML refused ({type(exc).__name__})") from None
    except (ValueError, LookupError) as exc:  # an encoding the XML declares but Python lacks
        raise FeedFormatError(f"not a feed: the XML cannot be read ({exc})") from None


def _xml_entries(root: Element) -> Iterator[Raw]:
    match root.tag:
        case "rss":
            return (_rss_item(item) for item in root.iter("item"))
        case tag if tag == f"{ATOM}feed":
            return (_atom_entry(entry) for entry in root.iter(f"{ATOM}entry"))
        case tag if tag == f"{RDF}RDF":
            return (_rss_item(item) for item in root.iter(f"{RSS1}item"))
    name = root.tag.rpartition("}")[2]
    raise FeedFormatError(f"not a feed: the XML is <{name}>, not <rss> or Atom <feed>")


def _text(parent: Element, path: str) -> str:
    found = parent.find(path)
    return "" if found is None else "".join(found.itertext())


def _rss_item(item: Element) -> Raw:
    ns = RSS1 if item.tag.startswith(RSS1) else ""
    title = _text(item, f"{ns}title")
    author = _text(item, f"{DC}creator")
    if not author.strip():
        author = cleaning.rss_author(_text(item, "author"))
    if not author:
        author = cleaning.author_in_description(_text(item, f"{ns}description"))
    if not author:
        title, author = cleaning.split_list_title(title)
    return title, author


def _atom_entry(entry: Element) -> Raw:
    author = _text(entry, f"{ATOM}author/{ATOM}name") or _text(entry, f"{DC}creator")
    return _text(entry, f"{ATOM}title"), author


# ---- JSON ---------------------------------------------------------------------------------
def _json_entries(body: bytes) -> Iterator[Raw]:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        raise FeedFormatError(f"not a feed: the JSON does not parse ({exc})") from None
    items = data.get("items") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise FeedFormatError('not a feed: JSON must be a list of books or {"items": [...]}')
    return (_json_entry(item) for item in items if isinstance(item, dict))


def _json_entry(item: dict[str, Any]) -> Raw:
    title = item.get("title")
    author = _json_name(item.get("author")) or _json_name(item.get("authors"))
    return (title if isinstance(title, str) else ""), author


def _json_name(value: object) -> str:
    match value:
        case str():
            return value
        case {"name": str(name)}:
            return name
        case [str() | dict() as first, *_]:  # not a list: nesting stays one level deep
            return _json_name(first)
    return ""
