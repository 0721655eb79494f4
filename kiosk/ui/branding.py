"""The library's brand on the screen: its colours from the [theme] table laid over the normal
palette, and the contrast rule every pair of them must meet.

Pure (no Kivy): WCAG 2.x relative luminance and contrast ratio,

    L = 0.2126 R + 0.7152 G + 0.0722 B,   each channel c = s/12.92 if s <= 0.04045
                                          else ((s + 0.055)/1.055) ** 2.4   (s = sRGB 0..1)
    ratio = (L_lighter + 0.05) / (L_darker + 0.05)

and the pairs that carry text (``TEXT_PAIRS``): each must reach ``MIN_CONTRAST`` (4.5:1,
WCAG 1.4.3 / EN 301 549 9.1.4.3). kiosk/settings/theme.py refuses a theme that fails, naming
the pair and its ratio. The high-contrast palette is never branded: a patron who asks for it
gets it as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from kiosk.ui.theme import NORMAL, Palette, hex_rgba

MIN_CONTRAST = 4.5
BRAND_COLOURS = (
    "background", "surface", "header", "header_text", "text", "muted",
    "primary", "primary_text", "secondary", "secondary_text",
)  # fmt: skip
# (foreground, background): every place the palette puts text on a fill.
TEXT_PAIRS = (
    ("text", "background"),
    ("text", "surface"),
    ("muted", "background"),
    ("muted", "surface"),
    ("header_text", "header"),
    ("primary_text", "primary"),
    ("secondary_text", "secondary"),
)


def _channel(value: float) -> float:
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(code: str) -> float:
    red, green, blue, _ = hex_rgba(code)
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    one, two = relative_luminance(first), relative_luminance(second)
    lighter, darker = max(one, two), min(one, two)
    return (lighter + 0.05) / (darker + 0.05)


def _hex(rgba: tuple[float, ...]) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgba[:3])


def base_colours() -> dict[str, str]:
    """The normal palette's brand colours as '#rrggbb' (what an unset key keeps)."""
    return {name: _hex(getattr(NORMAL, name)) for name in BRAND_COLOURS}


def weakest_pair(colours: Mapping[str, str]) -> tuple[str, str, float] | None:
    """The first text pair under MIN_CONTRAST once ``colours`` are laid over the normal
    palette: (foreground, background, ratio), or None when every pair passes."""
    merged = {**base_colours(), **colours}
    for fore, back in TEXT_PAIRS:
        ratio = contrast_ratio(merged[fore], merged[back])
        if ratio < MIN_CONTRAST:
            return fore, back, ratio
    return None


def branded(colours: Mapping[str, str], base: Palette = NORMAL) -> Palette:
    """The normal palette with the library's colours (already validated) in place."""
    return replace(base, **{name: hex_rgba(code) for name, code in colours.items()})
