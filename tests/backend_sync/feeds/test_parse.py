"""parse_feed against feed vectors (tests/fixtures/feeds): Koha's search and list RSS, RSS 1.0
in a Baltic single-byte encoding, Atom with HTML and XHTML titles, RSS 2.0 <author>, JSON;
unsafe XML refused; anything that is not a feed a FeedFormatError, and nothing else, for any
bytes at all (hypothesis)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend_sync.feeds.books import NewBook
from backend_sync.feeds.errors import FeedFormatError
from backend_sync.feeds.parse import parse_feed

VECTORS = Path(__file__).resolve().parents[2] / "fixtures" / "feeds"


def vector(name: str) -> bytes:
    return (VECTORS / name).read_bytes()


def pairs(books: tuple[NewBook, ...]) -> list[tuple[str, str]]:
    return [(b.title, b.author) for b in books]


def test_koha_search_rss_takes_the_author_from_the_description() -> None:
    assert pairs(parse_feed(vector("koha_search.rss"))) == [
        ("Balta drobulė", "Škėma, Antanas"),
        ("Dievų miškas : atsiminimai", "Sruoga, Balys"),
        ("Lietuviškoji enciklopedija, t. 1", ""),
        ("Ką pasakoja „Baltaragio malūnas“", "Čiūrlytė, J."),
    ]


def test_koha_list_rss_takes_the_author_from_the_titles_last_line() -> None:
    assert pairs(parse_feed(vector("koha_list.rss"))) == [
        ("Altorių šešėly", "Mykolaitis-Putinas, Vincas"),
        ("Metai : poema", ""),
        ("Stand by me", ""),  # "by" inside a one-line title is part of the title
    ]


def test_rss1_in_the_encoding_it_declares() -> None:
    books = parse_feed(vector("rss1.rdf"))
    assert pairs(books) == [("Sename dvare: apysakos ir apsakymai", "Šatrijos Ragana")]


def test_atom_titles_lose_their_markup_and_entries_without_a_title_are_skipped() -> None:
    assert pairs(parse_feed(vector("atom.xml"))) == [
        ("Vincas Krėvė: Skirgaila & kiti", "Vincas Krėvė"),
        ("Pavasario balsai", "Maironis"),
    ]


def test_rss2_author_shows_the_name_never_the_mail_address_and_repeats_once() -> None:
    assert pairs(parse_feed(vector("rss2_authors.rss"))) == [
        ("Mindaugas", "Justinas Marcinkevičius"),
        ("Herkus Mantas", ""),
        ("Kuprelis", "Ignas Šeinius"),
        ("Metai", "Kristijonas Donelaitis"),
    ]


def test_json_items_with_author_forms_and_junk_entries_skipped() -> None:
    assert pairs(parse_feed(vector("items.json"))) == [
        ("Žuvys ir drakonai", "Undinė Radzevičiūtė"),
        ("Vilniaus vardai", "Tomas Venclova"),
        ("Petro imperatorė", "Kristina Sabaliauskaitė"),
    ]


def test_json_plain_list_and_byte_order_mark() -> None:
    body = "\ufeff" + json.dumps([{"title": "Marti", "author": "Žemaitė"}], ensure_ascii=False)
    assert pairs(parse_feed(body.encode("utf-8"))) == [("Marti", "Žemaitė")]


def test_max_books_counts_distinct_books() -> None:
    items = [{"title": f"Knyga {n // 2}", "author": "A"} for n in range(40)]  # each twice
    books = parse_feed(json.dumps(items).encode(), max_books=5)
    assert [b.title for b in books] == [f"Knyga {n}" for n in range(5)]


def test_a_feed_without_entries_is_an_empty_list() -> None:
    assert parse_feed(b'<rss version="2.0"><channel><title>t</title></channel></rss>') == ()
    assert parse_feed(b'{"items": []}') == ()


@pytest.mark.parametrize("name", ["billion_laughs.xml", "external_entity.xml"])
def test_entity_declarations_are_refused(name: str) -> None:
    with pytest.raises(FeedFormatError, match="unsafe XML refused"):
        parse_feed(vector(name))


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"<!DOCTYPE html><html><body>Prisijunkite</body></html>", "a web page"),
        (b"  <html><p>login</p></html>", "a web page"),
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"Internal Server Error", "neither XML"),
        (b"<rss><channel><item><title>Metai</title></channel>", "does not parse"),
        (b'<?xml version="1.0"?><opml version="2.0"><body/></opml>', "<opml>"),
        (b'{"title": "one book, not a list"}', "must be a list"),
        (b'{"items": "nope"}', "must be a list"),
        (b"[1, 2,", "does not parse"),
        (b"[" * 50_000 + b"]" * 50_000, "does not parse"),
        (b'<?xml version="1.0" encoding="x-no-such"?><rss/>', "XML"),
    ],
)
def test_what_is_not_a_feed_is_named(body: bytes, says: str) -> None:
    with pytest.raises(FeedFormatError, match=says):
        parse_feed(body)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_raise_only_feed_format_error(body: bytes) -> None:
    _only_typed_errors(body)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([b"<", b"<rss>", b"{", b"[", b"<?xml version='1.0'?>"]), st.binary())
def test_bytes_that_look_like_a_feed_raise_only_feed_format_error(head: bytes, tail: bytes) -> None:
    _only_typed_errors(head + tail)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["title", "author", "authors"]), _JSON)))
def test_any_json_entries_give_books_with_a_title_or_a_typed_error(items: list) -> None:
    for book in _only_typed_errors(json.dumps({"items": items}).encode()):
        assert book.title.strip()
        assert len(book.title) <= 120


def _only_typed_errors(body: bytes) -> tuple[NewBook, ...]:
    try:
        return parse_feed(body)
    except FeedFormatError:
        return ()
