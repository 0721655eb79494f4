"""Titles and authors from a feed made fit for the new-books strip: plain, short, tidy.

Pure string work, no I/O. What arrives from OPAC feeds and what is done with it:

* HTML inside the text (escaped markup, entities like ``&quot;``): unescaped, tags removed,
  every run of whitespace (Koha's templates indent with newlines) made one space.
* ISBD punctuation at the end of a title: a MARC 245$a ends in " /" before the statement of
  responsibility, or " :" before a subtitle, so Koha's feeds say "Metai /". Trailing " /", " :",
  " ;", " =" and "," are removed; the same marks inside a title stay.
* Authors as catalogues write them, "Donelaitis, Kristijonas, 1714-1780.": the life dates and the
  closing full stop are removed (an initial's stop, "J.", stays); the name is not inverted,
  because "Surname, Forename" cannot be told from a corporate name reliably.
* Koha's author hints when a feed has no author element: the search RSS writes "By NAME." at
  the start of the description; the public-list RSS puts "by NAME" on the title's last line.
* Length: titles over TITLE_MAX and authors over AUTHOR_MAX characters are cut at a word and
  end in "…", so one long record cannot push the rest of the strip off the screen.

Never raises on any str input.
"""

from __future__ import annotations

import html
import re

TITLE_MAX = 120
AUTHOR_MAX = 80

_TAG = re.compile(r"<[^<>]*>")
_SPACE = re.compile(r"\s+")
_ISBD_TAIL = re.compile(r"(?:\s*[/:;=,])+\s*$")
_LIFE_DATES = re.compile(r",?\s*\(?\d{3,4}\s*[-–]\s*(?:\d{3,4})?\s*\)?\.?\s*$")
_FULL_STOP = re.compile(r"(?<=\w\w)\.\s*$")
_TRAILING = re.compile(r"[\s,;:/]+$")
_KOHA_DESCRIPTION_BY = re.compile(r"^By\s+(.+?)\.(?:\s|$)", re.DOTALL)
_KOHA_LIST_BY = re.compile(r"^(.*)\n[ \t]*by[ \t]+(\S[^\n]*?)\s*$", re.DOTALL)


def plain(raw: str) -> str:
    """Text with entities resolved, markup removed and whitespace collapsed."""
    text = _TAG.sub(" ", html.unescape(raw))
    return _SPACE.sub(" ", text).strip()


def title(raw: str) -> str:
    """A title for the strip, or "" when nothing is left of it."""
    return _cap(_ISBD_TAIL.sub("", plain(raw)), TITLE_MAX)


def author(raw: str) -> str:
    text = _LIFE_DATES.sub("", plain(raw))
    text = _TRAILING.sub("", _FULL_STOP.sub("", text))
    return _cap(text, AUTHOR_MAX)


def rss_author(raw: str) -> str:
    """RSS 2.0 <author> is "mail@example.org (Name)": the name, and never a bare e-mail address."""
    text = plain(raw)
    if "(" in text and text.endswith(")"):
        return author(text[text.index("(") + 1 : -1])
    return "" if "@" in text else author(text)


def author_in_description(raw: str) -> str:
    """Koha's search RSS: the description starts "By NAME." (after any cover image)."""
    found = _KOHA_DESCRIPTION_BY.match(plain(raw))
    return author(found.group(1)) if found else ""


def split_list_title(raw: str) -> tuple[str, str]:
    """Koha's list RSS: "TITLE\\n by NAME" -> (TITLE, NAME); otherwise (raw, "")."""
    found = _KOHA_LIST_BY.match(raw)
    if found is None:
        return raw, ""
    return found.group(1), found.group(2)


def _cap(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return _TRAILING.sub("", cut) + "…"
