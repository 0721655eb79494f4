"""What the feed simulator answers: the new-books list as an OPAC publishes it, and garbage.

Shapes (written for this project after the layouts the OPACs publish, not copied from them):

* Koha search RSS 2.0 (opac-search.pl?...&format=rss): <item><title>Metai /</title>, the
  author only inside the HTML description, "By AUTHOR. Place : Publisher YEAR", after a cover
  <img>; guid and link to opac-detail.pl.
* Koha public-list RSS (opac-shelves.pl?rss=1&viewshelf=N): no description; the title element
  holds the title, then "by AUTHOR" on a line of its own.
* Atom 1.0 (as VuFind and Evergreen publish it): <entry><title/><author><name/></author>.
  Koha's own Atom carries no author; the simulator's does, to exercise that path.
* JSON: {"items": [{"title", "author", "cover"}]}, the form many library web sites publish.

Pure functions of the list; the garbage bodies are fixed (seeded) so tests repeat.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from simulators.feeds.model import Acquisition

LIBRARY = "Apskrities viešoji biblioteka"
PUBLISHERS = ("Vilnius : Vaga", "Vilnius : Lietuvos rašytojų sąjungos leidykla", "Kaunas : Šviesa")


def koha_search_rss(books: Sequence[Acquisition], base: str, query: str) -> bytes:
    items = "".join(_search_item(n, book, base) for n, book in enumerate(books))
    link = escape(f"{base}/cgi-bin/koha/opac-search.pl?{query}")
    return _utf8(
        "<?xml version='1.0' encoding='utf-8' ?>\n"
        '<rss version="2.0" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"\n'
        '     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n'
        f"  <channel>\n    <title><![CDATA[{LIBRARY} Search for 'acqdate']]></title>\n"
        f"    <link>{link}</link>\n"
        f"    <description><![CDATA[ Search results at {LIBRARY}]]></description>\n"
        f"    <opensearch:totalResults>{len(books)}</opensearch:totalResults>\n"
        f"{items}  </channel>\n</rss>\n"
    )


def _search_item(n: int, book: Acquisition, base: str) -> str:
    detail = f"{base}/cgi-bin/koha/opac-detail.pl?biblionumber={book.biblionumber}"
    by = f"By {escape(book.author)}. " if book.author else ""
    publisher = PUBLISHERS[n % len(PUBLISHERS)]
    return (
        f"    <item>\n      <title>{escape(book.title)}</title>\n"
        f"      <dc:identifier>ISBN:{book.isbn}</dc:identifier>\n"
        f"      <link>{detail}</link>\n"
        "      <description><![CDATA[\n"
        f'<img src="{base}/cgi-bin/koha/opac-image.pl?biblionumber={book.biblionumber}" alt="" />\n'
        f"\t   <p>{by}\n\t   {publisher} {book.year}\n"
        f"                        . 320 p.\n                         {book.isbn}\n       </p>\n"
        "\t\t\t\t\t\t]]></description>\n"
        f"      <guid>{detail}</guid>\n    </item>\n"
    )


def koha_list_rss(books: Sequence[Acquisition], base: str, shelf: int) -> bytes:
    items = "".join(
        f" <item>\n  <title>\n    {escape(b.title)}\n"
        + (f"    \n        by {escape(b.author)}\n    \n" if b.author else "")
        + f"  </title>\n  <link>{base}/cgi-bin/koha/opac-detail.pl?biblionumber="
        f"{b.biblionumber}</link>\n </item>\n"
        for b in books
    )
    return _utf8(
        '<?xml version="1.0" encoding="UTF-8"?>\n\n<rss version="2.0">\n\n<channel>\n'
        " <title>Naujos knygos</title>\n"
        f" <link>{base}/cgi-bin/koha/opac-shelves.pl?rss=1&amp;viewshelf={shelf}</link>\n"
        " <description>RSS feed for public list Naujos knygos</description>\n\n"
        f"{items}\n</channel>\n</rss>\n"
    )


def atom(books: Sequence[Acquisition], base: str, changed_at: float) -> bytes:
    entries = "".join(
        "  <entry>\n"
        f"    <title>{escape(b.title.removesuffix(' /'))}</title>\n"
        f"    <id>{base}/Record/{b.biblionumber}</id>\n"
        f'    <link href="{base}/Record/{b.biblionumber}"/>\n'
        f"    <updated>{_iso(changed_at)}</updated>\n"
        + (f"    <author><name>{escape(b.author)}</name></author>\n" if b.author else "")
        + "  </entry>\n"
        for b in books
    )
    return _utf8(
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <title>{LIBRARY}: naujos knygos</title>\n  <id>{base}/new-books.atom</id>\n"
        f"  <updated>{_iso(changed_at)}</updated>\n{entries}</feed>\n"
    )


def json_list(books: Sequence[Acquisition], base: str) -> bytes:
    items = [
        {
            "title": b.title.removesuffix(" /"),
            "author": b.author,
            "cover": f"{base}/covers/{b.isbn}.jpg",
        }
        for b in books
    ]
    return json.dumps({"items": items}, ensure_ascii=False, indent=1).encode("utf-8")


def web_page(title: str) -> bytes:
    """What an OPAC shows a browser: a technician pasting the page's URL instead of the feed's."""
    return _utf8(
        '<!DOCTYPE html>\n<html lang="lt">\n<head><meta charset="utf-8">'
        f"<title>{escape(title)} › {LIBRARY}</title></head>\n"
        f"<body><h1>{escape(title)}</h1><p>Prisijunkite, kad matytumėte katalogą.</p></body>\n"
        "</html>\n"
    )


def garbage(kind: str, feed: bytes) -> bytes:
    match kind:
        case "bytes":
            return random.Random(7).randbytes(4096)
        case "html":
            return web_page("Prisijungimas")
        case "truncated":
            return feed[: len(feed) // 2]
    raise ValueError(f"garbage kind must be one of bytes, html, truncated (got {kind!r})")


def oversize(size: int) -> bytes:
    """A well-formed start of an RSS document that runs on past any sane size."""
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><!-- '
    return head + b"x" * max(0, size - len(head))


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")
