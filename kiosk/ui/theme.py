"""Colours, type sizes and touch-target sizes, in a normal and a high-contrast palette.

Pure values (no Kivy import) so presenters and tests can reason about them. Sizes are in
pixels computed from the panel's real density (``[ui] dpi``): a touch target is never smaller
than 15 mm, whatever the screen. Large-text mode scales every type size by ``LARGE_TEXT``.
The normal palette is a calm library look: ink on paper, one deep teal for actions, and
status colours that always come with a word (never colour alone).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

MIN_TARGET_MM = 15.0
LARGE_TEXT = 1.3

RGBA = tuple[float, float, float, float]


def hex_rgba(code: str, alpha: float = 1.0) -> RGBA:
    code = code.lstrip("#")
    red, green, blue = (int(code[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return (red, green, blue, alpha)


@dataclass(frozen=True)
class Palette:
    background: RGBA
    surface: RGBA
    header: RGBA
    header_text: RGBA
    text: RGBA
    muted: RGBA
    primary: RGBA
    primary_text: RGBA
    secondary: RGBA
    secondary_text: RGBA
    good: RGBA
    bad: RGBA
    wait: RGBA
    focus: RGBA
    overlay: RGBA
    rule: RGBA


NORMAL = Palette(
    background=hex_rgba("f4f1ea"),
    surface=hex_rgba("ffffff"),
    header=hex_rgba("123b3f"),
    header_text=hex_rgba("ffffff"),
    text=hex_rgba("1c2326"),
    muted=hex_rgba("4c5a5e"),
    primary=hex_rgba("0f6e6a"),
    primary_text=hex_rgba("ffffff"),
    secondary=hex_rgba("e3ded2"),
    secondary_text=hex_rgba("1c2326"),
    good=hex_rgba("1f7a3a"),
    bad=hex_rgba("b3261e"),
    wait=hex_rgba("a15c00"),
    focus=hex_rgba("f2a900"),
    overlay=hex_rgba("000000", 0.72),
    rule=hex_rgba("d6d0c2"),
)

HIGH_CONTRAST = Palette(
    background=hex_rgba("000000"),
    surface=hex_rgba("000000"),
    header=hex_rgba("000000"),
    header_text=hex_rgba("ffff00"),
    text=hex_rgba("ffffff"),
    muted=hex_rgba("ffffff"),
    primary=hex_rgba("ffff00"),
    primary_text=hex_rgba("000000"),
    secondary=hex_rgba("ffffff"),
    secondary_text=hex_rgba("000000"),
    good=hex_rgba("00ff66"),
    bad=hex_rgba("ff6b6b"),
    wait=hex_rgba("ffd24d"),
    focus=hex_rgba("00e5ff"),
    overlay=hex_rgba("000000", 0.9),
    rule=hex_rgba("ffffff"),
)


@dataclass(frozen=True)
class Theme:
    palette: Palette = NORMAL
    dpi: float = 96.0
    text_scale: float = 1.0
    high_contrast: bool = False
    large_text: bool = False

    def mm(self, millimetres: float) -> float:
        return millimetres * self.dpi / 25.4

    @property
    def min_target(self) -> float:
        return self.mm(MIN_TARGET_MM)

    @property
    def button_height(self) -> float:
        return max(self.min_target, 112.0 * self.text_scale)

    @property
    def key_size(self) -> float:
        return max(self.min_target, 100.0)

    def font(self, role: str) -> float:
        return FONT_SIZES[role] * self.text_scale

    def toggled_contrast(self) -> Theme:
        on = not self.high_contrast
        return replace(self, high_contrast=on, palette=HIGH_CONTRAST if on else normal_palette())

    def toggled_large_text(self) -> Theme:
        on = not self.large_text
        return replace(self, large_text=on, text_scale=LARGE_TEXT if on else 1.0)


FONT_SIZES = {
    "display": 76.0,
    "title": 54.0,
    "heading": 40.0,
    "body": 32.0,
    "small": 26.0,
    "button": 34.0,
    "key": 44.0,
}


# The library's colours ([theme], kiosk/ui/branding.py) in place of NORMAL, set once at start.
_brand: list[Palette] = [NORMAL]


def use_brand(palette: Palette) -> None:
    """Every theme made from now on uses ``palette`` while high contrast is off."""
    _brand[0] = palette


def normal_palette() -> Palette:
    return _brand[0]


def make_theme(dpi: float, large_text: bool, high_contrast: bool) -> Theme:
    theme = Theme(dpi=dpi, palette=normal_palette())
    if large_text:
        theme = theme.toggled_large_text()
    if high_contrast:
        theme = theme.toggled_contrast()
    return theme
