"""The library's brand on the screen: its [theme] colours laid over the normal palette.

The colours are validated where the config is loaded (kiosk/settings/theme.py: every text pair
at least 4.5:1, WCAG relative luminance); this lays them over ``NORMAL``. The high-contrast
palette is never branded: a patron who asks for it gets it as it is. Pure (no Kivy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from kiosk.settings.theme import STANDARD
from kiosk.ui.theme import NORMAL, Palette, hex_rgba


def _hex(rgba: tuple[float, ...]) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgba[:3])


def base_colours() -> dict[str, str]:
    """The normal palette's brand colours as '#rrggbb' (equal to the settings' STANDARD)."""
    return {name: _hex(getattr(NORMAL, name)) for name in STANDARD}


def branded(colours: Mapping[str, str], base: Palette = NORMAL) -> Palette:
    """The normal palette with the library's colours (already validated) in place."""
    return replace(base, **{name: hex_rgba(code) for name, code in colours.items()})


def use_library_brand(colours: Mapping[str, str]) -> Palette:
    """Make the library's palette the normal one for every theme made from now on (call it
    before the app is built: `kiosk run` does, kiosk/wiring/branding.py)."""
    from kiosk.ui.theme import use_brand

    palette = branded(colours)
    use_brand(palette)
    return palette


def show_logo(app: Any, path: str) -> Any:
    """The library's logo left of its name in the header, as tall as the name's row (after the
    app is built). Returns the Image; a file Kivy cannot read shows nothing, logged by Kivy."""
    from kivy.uix.boxlayout import BoxLayout
    from kivy.uix.image import Image

    header, name = app.shell.header, app.shell.library
    image = Image(source=path, fit_mode="contain", size_hint_x=None)
    line = BoxLayout(orientation="horizontal", spacing=18)
    index = header.children.index(name)
    header.remove_widget(name)
    line.add_widget(image)
    line.add_widget(name)
    header.add_widget(line, index=index)
    line.bind(height=lambda _w, height: setattr(image, "width", height * 2))
    image.width = max(1.0, line.height * 2)
    return image
