"""The idle screen speaks the config's texts in the screen's language (issue 18): the opening
hours and the news line follow a language switch (Lithuanian where the table has no entry),
and a kiosk with no hours configured shows no hours panel at all."""

from __future__ import annotations

from pathlib import Path

from kiosk.settings.loader import load_settings
from kiosk.ui.presenters.attract import attract_view
from kiosk.ui.presenters.views import Screen, UiState

ROOT = Path(__file__).resolve().parents[3]


def _show(h, view, language: str):
    h.app.set_language(language)
    h.app.show(UiState(Screen.ATTRACT, view))
    h.settle()
    return h.app.screens[Screen.ATTRACT]


def test_hours_and_news_follow_the_language(harness) -> None:
    view = attract_view(load_settings(ROOT / "config" / "demo.toml"))
    screen = _show(harness, view, "en")
    assert screen.hours.text.splitlines()[0] == "Mon–Fri 10:00–19:00"
    assert screen.message.text.startswith("News: the book locker")
    screen = _show(harness, view, "lt")
    assert screen.hours.text.splitlines() == list(view.opening_hours)
    assert screen.message.text.startswith("Naujiena")
    assert screen.hours_panel.opacity == 1


def test_no_hours_configured_shows_none(harness, tmp_path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[kiosk]\ndata_dir = "{tmp_path}"\n', encoding="utf-8")
    screen = _show(harness, attract_view(load_settings(path)), "en")
    assert screen.hours.text == "" and screen.hours_title.text == ""
    assert screen.hours_panel.opacity == 0
    assert screen.message.text == "Borrow, return and renew books here by yourself."
