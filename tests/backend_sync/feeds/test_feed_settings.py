"""The [ui] keys of the new-books feed (kiosk/settings/ui.py), loaded from a file as a kiosk
would: the feed needs its URL, the URL must be http(s), the old "ils" source is refused with
what replaced it, the bounds hold, and the defaults keep the configured list."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.settings import ConfigError, load_settings
from kiosk.settings.ui import UiSection


def load(tmp_path: Path, ui: str) -> UiSection:
    path = tmp_path / "kiosk.toml"
    path.write_text(f"[ui]\n{ui}\n", encoding="utf-8")
    return load_settings(path).ui


def test_defaults_show_the_configured_list(tmp_path: Path) -> None:
    ui = load(tmp_path, "")
    assert (ui.new_books_source, ui.new_books_feed_url) == ("config", "")
    assert (ui.new_books_refresh_s, ui.new_books_max) == (3600.0, 12)


def test_a_feed_with_its_url(tmp_path: Path) -> None:
    url = "https://opac.example.lt/cgi-bin/koha/opac-shelves.pl?rss=1&viewshelf=12"
    ui = load(tmp_path, f'new_books_source = "feed"\nnew_books_feed_url = "{url}"')
    assert ui.new_books_feed_url == url


def test_a_feed_without_a_url_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r': ui: .*new_books_source = "feed" needs new_books_'):
        load(tmp_path, 'new_books_source = "feed"')


def test_the_old_ils_source_says_what_replaced_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r'ui\.new_books_source: .*"ils" is gone .*use "feed"'):
        load(tmp_path, 'new_books_source = "ils"')


@pytest.mark.parametrize("url", ["ftp://opac.example.lt/x.rss", "opac.example.lt/x.rss", "http://"])
def test_a_feed_url_must_be_http(tmp_path: Path, url: str) -> None:
    with pytest.raises(ConfigError, match=r"ui\.new_books_feed_url: .*http:// or https://"):
        load(tmp_path, f'new_books_feed_url = "{url}"')


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("new_books_refresh_s = 5", "new_books_refresh_s"),
        ("new_books_refresh_s = 100000", "new_books_refresh_s"),
        ("new_books_max = 0", "new_books_max"),
        ("new_books_max = 500", "new_books_max"),
    ],
)
def test_bounds(tmp_path: Path, line: str, key: str) -> None:
    with pytest.raises(ConfigError, match=rf"ui\.{key}: "):
        load(tmp_path, line)
