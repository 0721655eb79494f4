"""The [theme] table on the touch app: the library's colours become the normal palette before
the app is built (``brand_colours``), its logo goes into the header once the app has started
(``brand_logo``). Only plain values cross into the UI (kiosk/ui/branding.py)."""

from __future__ import annotations

from typing import Any

from kiosk.settings.model import Settings


def brand_colours(settings: Settings) -> None:
    """Before KioskApp is made: the themes it makes use the library's colours."""
    from kiosk.ui.branding import use_library_brand

    use_library_brand(settings.theme.colours())


def brand_logo(settings: Settings, app: Any) -> None:
    """The logo in the header when the app starts (nothing without [theme] logo)."""
    from kiosk.ui.branding import show_logo

    logo = settings.theme.logo
    if logo:
        app.bind(on_start=lambda *_: show_logo(app, logo))
