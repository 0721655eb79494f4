"""The [theme] table: the library's logo and colours, so a second library runs the kiosk
without a code change.

``logo``: a PNG or JPEG file shown in the header (an absolute path, or one relative to the
kiosk's working directory); it must exist when the config is loaded.
Colours are '#rrggbb'; an unset one keeps the normal palette's. Every pair that carries text
must reach 4.5:1 (WCAG relative luminance, kiosk/ui/branding.py): a theme that fails is
refused with one line naming the pair and its ratio. The high-contrast mode is not branded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, model_validator

from kiosk.settings.base import Section
from kiosk.ui.branding import MIN_CONTRAST, weakest_pair

Colour = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")


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
