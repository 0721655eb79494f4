"""The library's brand on the screen: its [theme] colours laid over the normal palette.

The colours are validated where the config is loaded (kiosk/settings/theme.py: every text pair
at least 4.5:1, WCAG relative luminance); this lays them over ``NORMAL``. The high-contrast
palette is never branded: a patron who asks for it gets it as it is. Pure (no Kivy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

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
