"""Titles and authors made fit for the strip: ISBD endings, markup, life dates, Koha's "by"
hints, length caps; never an exception for any text (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend_sync.feeds import cleaning


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Metai /", "Metai"),
        ("Metai : poema /", "Metai : poema"),
        ("Dėdės ir dėdienės ;", "Dėdės ir dėdienės"),
        ("Lietuvių kalbos žodynas =", "Lietuvių kalbos žodynas"),
        ("Vilniaus vardai,", "Vilniaus vardai"),
        ("\n    Balta\n   drobulė /\n  ", "Balta drobulė"),
        ("&bdquo;Metai&ldquo; &amp; kiti", "„Metai“ & kiti"),
        ("<b>Marti</b> <i>/</i>", "Marti"),
        ("1/2 : vadovėlis", "1/2 : vadovėlis"),
        (" / ", ""),
    ],
)
def test_titles(raw: str, clean: str) -> None:
    assert cleaning.title(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Donelaitis, Kristijonas, 1714-1780.", "Donelaitis, Kristijonas"),
        ("Sruoga, Balys (1896–1947)", "Sruoga, Balys"),
        ("Venclova, Tomas, 1937-", "Venclova, Tomas"),
        ("Marcinkevičius, J.", "Marcinkevičius, J."),
        ("Žemaitė.", "Žemaitė"),
        ("Lietuvių kalbos institutas", "Lietuvių kalbos institutas"),
    ],
)
def test_authors(raw: str, clean: str) -> None:
    assert cleaning.author(raw) == clean


def test_koha_description_by() -> None:
    html = '<img src="c.jpg" alt="" />\n\t<p>By Škėma, Antanas. Vilnius : Vaga 2026</p>'
    assert cleaning.author_in_description(html) == "Škėma, Antanas"
    assert cleaning.author_in_description("<p>Vilnius : Vaga. Written by somebody.</p>") == ""


def test_koha_list_title_split_needs_by_on_a_line_of_its_own() -> None:
    raw = "\n    Metai /\n    \n        by Donelaitis, Kristijonas\n    \n  "
    assert cleaning.split_list_title(raw) == ("\n    Metai /\n    ", "Donelaitis, Kristijonas")
    assert cleaning.split_list_title("Stand by me") == ("Stand by me", "")


def test_rss_author_is_the_name_in_brackets_never_the_address() -> None:
    assert cleaning.rss_author("k@example.lt (Vydūnas)") == "Vydūnas"
    assert cleaning.rss_author("k@example.lt") == ""
    assert cleaning.rss_author("Vydūnas") == "Vydūnas"


def test_long_texts_are_cut_at_a_word_with_an_ellipsis() -> None:
    phrase = "Dainavos šalies senų žmonių padavimai"
    cut = cleaning.title(f"{phrase} " * 10)
    assert cut == " ".join([phrase] * 3) + "…"  # 114 characters: the next word would pass 120
    assert len(cleaning.author("Ą" * 500)) == cleaning.AUTHOR_MAX


@given(st.text())
def test_any_text_cleans_without_error_and_within_the_caps(text: str) -> None:
    assert len(cleaning.title(text)) <= cleaning.TITLE_MAX
    assert len(cleaning.author(text)) <= cleaning.AUTHOR_MAX
    cleaning.rss_author(text)
    cleaning.author_in_description(text)
    cleaning.split_list_title(text)
