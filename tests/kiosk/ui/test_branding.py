"""A second library's brand on the touch app (Xvfb): its [theme] colours become the normal
palette (high contrast is never branded and switching it off brings the brand back, as does the
next visit); its logo sits left of its name in the header; every screen still fits."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image as PilImage

from kiosk.settings import load_settings
from kiosk.settings.ui import UiSection
from kiosk.ui.presenters.views import Screen
from kiosk.ui.theme import HIGH_CONTRAST, NORMAL, hex_rgba, use_brand
from kiosk.wiring.branding import brand_colours

COLOURS = 'header = "#5b1a6e"\nprimary = "#8a1538"\nprimary_text = "#ffffff"\n'


@pytest.fixture
def branded_settings(tmp_path: Path):
    logo = tmp_path / "logo.png"
    PilImage.new("RGB", (200, 100), (0x5B, 0x1A, 0x6E)).save(logo)
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[theme]\nlogo = "{logo}"\n{COLOURS}', encoding="utf-8")
    settings = load_settings(config)
    brand_colours(settings)
    yield settings
    use_brand(NORMAL)  # the next test's app is the standard one again


def test_the_brand_colours_and_logo_reach_the_screen(make_harness, branded_settings) -> None:
    from kiosk.ui.branding import show_logo

    h = make_harness()
    palette = h.app.theme.palette
    assert palette.primary == hex_rgba("8a1538") and palette.header == hex_rgba("5b1a6e")
    assert palette.text == NORMAL.text  # unset colours keep the standard look
    image = show_logo(h.app, branded_settings.theme.logo)
    h.settle()
    assert image.texture is not None and image.texture.size == (200, 100)
    assert image.parent is h.app.shell.library.parent and image.width > 0
    h.tap("toggle:contrast")
    assert h.app.theme.palette is HIGH_CONTRAST
    h.tap("toggle:contrast")
    assert h.app.theme.palette.primary == hex_rgba("8a1538")
    h.tap("start")
    h.tap("toggle:contrast")
    h.tap("cancel")  # the visit ends: the next patron gets the brand again
    assert h.screen is Screen.ATTRACT
    assert h.app.theme.palette.primary == hex_rgba("8a1538")


@pytest.mark.parametrize("landscape", [False, True], ids=["portrait", "landscape"])
def test_a_branded_kiosk_fits_everywhere(make_harness, branded_settings, landscape) -> None:
    from kiosk.ui.branding import show_logo
    from tests.kiosk.ui.test_fit import show_everywhere

    h = make_harness(UiSection(fullscreen=False))
    baseline = {p[0] for p in show_everywhere(h, "lt", landscape, large=True)}
    show_logo(h.app, branded_settings.theme.logo)
    problems = show_everywhere(h, "lt", landscape, large=True)
    added = [p for p in problems if p[0] not in baseline]
    assert not added, added[:6]
