"""A screen with a guide (title, hint, errors, buttons) beside a large keypad: the guide sits
above the keypad in portrait and takes the left 45 % in landscape. Identify and locker pickup
share it."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.screens.base import KioskScreen, flipping
from kiosk.ui.theme import Theme


class GuidedKeypadScreen(KioskScreen):
    def _lay_out(self, guide: BoxLayout) -> None:
        """Place `guide` and the keypad holder `self.pads` in the screen's panel."""
        columns = flipping(spacing=40)
        self.pads = BoxLayout(orientation="vertical")
        columns.add_widget(guide)
        columns.add_widget(self.pads)
        self.root_panel.add_widget(columns)
        self.guide = guide
        guide.bind(minimum_height=lambda *_: self._size_guide())

    def set_orientation(self, portrait: bool) -> None:
        super().set_orientation(portrait)
        self._size_guide()

    def _size_guide(self) -> None:
        if self.portrait:
            self.guide.size_hint = (1, None)
            self.guide.height = self.guide.minimum_height
        else:
            self.guide.size_hint = (0.45, 1)

    def apply_theme(self, theme: Theme) -> None:
        super().apply_theme(theme)
        self._size_guide()
