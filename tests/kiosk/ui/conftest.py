"""The UI test harness: one Xvfb and one Kivy window for the whole UI test session.

Kivy opens its window when kivy.core.window is first imported, so the virtual display and
Kivy's configuration are set up in ``pytest_configure`` (before the test modules here are
imported). Each test builds a fresh KioskApp on that window and tears it down again.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kiosk.demo.virtual_display import VirtualDisplay
from kiosk.settings.ui import UiSection
from kiosk.ui.boot import configure_kivy

TODAY = date(2026, 11, 25)
_display: VirtualDisplay | None = None
_home: tempfile.TemporaryDirectory | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _display, _home
    _display = VirtualDisplay(1920, 1920)
    _display.start()
    _home = tempfile.TemporaryDirectory(prefix="kiosk-ui-tests-")
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ["KIVY_NO_CONSOLELOG"] = "1"
    configure_kivy(UiSection(fullscreen=False), Path(_home.name), headless=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _display is not None:
        _display.stop()
    if _home is not None:
        _home.cleanup()


@pytest.fixture
def window():
    from kivy.core.window import Window

    Window.size = (1080, 1920)
    yield Window
    for child in list(Window.children):
        Window.remove_widget(child)
    Window.size = (1080, 1920)


class Harness:
    """A built app on the test window, its scripted port (tests/kiosk/ui/scripted_port.py) and
    its fake speaker."""

    def __init__(self, window, ui: UiSection, language: str = "lt") -> None:
        from device_drivers.speech.fake import FakeSpeaker
        from kiosk.i18n import Catalogs
        from kiosk.ui.app import KioskApp
        from kiosk.ui.presenters.views import AttractView, BookCard
        from tests.kiosk.ui.scripted_port import ScriptedPort

        self.window = window
        self.now = 1000.0
        attract = AttractView(
            "Apskrities viešoji biblioteka",
            ("I–V 10:00–19:00", "VI 10:00–16:00"),
            "Naujiena: knygomatas prie įėjimo veikia visą parą.",
            (BookCard("Kristina Sabaliauskaitė. Petro imperatorė", "K. Sabaliauskaitė"),),
        )
        self.session = ScriptedPort(attract, TODAY)
        self.speaker = FakeSpeaker()
        self.app = KioskApp(
            self.session,
            Catalogs(),
            ui,
            "Apskrities viešoji biblioteka",
            default_language=language,
            speaker=self.speaker,
            monotonic=lambda: self.now,
        )
        self.root = self.app.build()
        window.add_widget(self.root)
        self.settle()

    def settle(self) -> None:
        from kiosk.demo.touches import flush_layout
        from kiosk.ui.widgets.base import refit_all

        for layer in [self.root, *self.window.children]:
            flush_layout(layer)
        self.app.shell.screens.current_screen  # noqa: B018 - the switch has happened
        self._finish_transition()
        for layer in [self.root, *self.window.children]:
            flush_layout(layer)
            refit_all(layer)

    def _finish_transition(self) -> None:
        manager = self.app.shell.screens
        transition = manager.transition
        if transition.is_active:
            transition.stop()

    def tap(self, name: str, index: int = 0) -> None:
        from kiosk.demo.touches import find_button, tap

        self.settle()
        tap(find_button(self.app._top_layer(), name, index))
        self.settle()

    def keys(self, digits: str, submit: bool = True) -> None:
        for digit in digits:
            self.tap(f"key:{digit}")
        if submit:
            self.tap("key:ok")

    @property
    def screen(self):
        return self.app.state.screen

    def close(self) -> None:
        self.app.close()
        self.window.remove_widget(self.root)


@pytest.fixture
def harness(window) -> Iterator[Harness]:
    made = Harness(window, UiSection(fullscreen=False))
    yield made
    made.close()


@pytest.fixture
def make_harness(window):
    made: list[Harness] = []

    def build(ui: UiSection | None = None, language: str = "lt") -> Harness:
        harness = Harness(window, ui or UiSection(fullscreen=False), language)
        made.append(harness)
        return harness

    yield build
    for harness in made:
        harness.close()
