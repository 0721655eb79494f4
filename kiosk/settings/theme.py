"""The [theme] table: the library's logo and colours, so a second library runs the kiosk
without a code change.

``logo``: a PNG or JPEG file shown in the header (an absolute path, or one relative to the
kiosk's working directory); it must exist when the config is loaded. Colours are '#rrggbb'; an
unset one keeps the standard palette's (``STANDARD``, the same values as kiosk/ui/theme.py's
NORMAL: a test keeps them equal). Every pair that carries text (``TEXT_PAIRS``) must reach
4.5:1 (WCAG 1.4.3 / EN 301 549 9.1.4.3), computed with the WCAG relative luminance

    L = 0.2126 R + 0.7152 G + 0.0722 B,   each channel c = s/12.92 if s <= 0.04045
                                          else ((s + 0.055)/1.055) ** 2.4   (s = sRGB 0..1)
    ratio = (L_lighter + 0.05) / (L_darker + 0.05)

A theme that fails is refused with one line naming the pair and its ratio. The high-contrast
mode is never branded. Here (not in kiosk/ui) because the settings must not import the UI.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Self

from pydantic import Field, model_validator

from kiosk.settings.base import Section

MIN_CONTRAST = 4.5
STANDARD = {
    "background": "#f4f1ea",
    "surface": "#ffffff",
    "header": "#123b3f",
    "header_text": "#ffffff",
    "text": "#1c2326",
    "muted": "#4c5a5e",
    "primary": "#0f6e6a",
    "primary_text": "#ffffff",
    "secondary": "#e3ded2",
    "secondary_text": "#1c2326",
}
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
Colour = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")


def _channel(value: float) -> float:
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(code: str) -> float:
    code = code.lstrip("#")
    red, green, blue = (int(code[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    one, two = relative_luminance(first), relative_luminance(second)
    lighter, darker = max(one, two), min(one, two)
    return (lighter + 0.05) / (darker + 0.05)


def weakest_pair(colours: Mapping[str, str]) -> tuple[str, str, float] | None:
    """The first text pair under MIN_CONTRAST once ``colours`` are laid over the standard
    palette: (foreground, background, ratio), or None when every pair passes."""
    merged = {**STANDARD, **colours}
    for fore, back in TEXT_PAIRS:
        ratio = contrast_ratio(merged[fore], merged[back])
        if ratio < MIN_CONTRAST:
            return fore, back, ratio
    return None


class ThemeSection(Section):
    logo: str = ""
    background: str | None = Colour
    surface: str | None = Colour
    header: str | None = Colour
    header_text: str | None = Colour
    text: str | None = Colour
    muted: str | None = Colour
    primary: str | None = Colour
    primary_text: str | None = Colour
    secondary: str | None = Colour
    secondary_text: str | None = Colour

    def colours(self) -> dict[str, str]:
        """The colours the config sets (unset ones are left out)."""
        return {k: v for k, v in self.model_dump(exclude={"logo"}).items() if v is not None}

    @model_validator(mode="after")
    def _readable(self) -> Self:
        if self.logo:
            suffix = Path(self.logo).suffix.lower()
            if suffix not in (".png", ".jpg", ".jpeg"):
                raise ValueError(f"logo: a .png or .jpg file, not {self.logo!r}")
            if not Path(self.logo).is_file():
                raise ValueError(f"logo: no such file: {self.logo}")
        weak = weakest_pair(self.colours())
        if weak is not None:
            fore, back, ratio = weak
            raise ValueError(
                f"{fore} on {back} has contrast {ratio:.2f}:1, needs at least {MIN_CONTRAST}:1"
            )
        return self
