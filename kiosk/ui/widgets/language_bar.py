"""The language buttons, always visible in the header: each language named in itself.

Switching language re-renders the current screen from the same view, so a patron loses
nothing (the session is untouched). The current language is marked by a border and bold type
as well as colour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import NATIVE_NAMES
from kiosk.ui.widgets.buttons import KioskButton

SHORT = {"lt": "LT", "en": "EN", "ru": "RU", "uk": "UA", "pl": "PL"}


class LanguageBar(BoxLayout):
    def __init__(
        self, languages: Sequence[str], on_choose: Callable[[str], None], **kwargs: object
    ) -> None:
        super().__init__(orientation="horizontal", spacing=10, **kwargs)
        self.buttons: dict[str, KioskButton] = {}
        for language in languages:
            button = KioskButton(role="quiet", text=NATIVE_NAMES[language], fixed_height=False)
            button.role = "small"
            button.action_name = f"language:{language}"
            button.bind(on_release=lambda _b, lang=language: on_choose(lang))
            self.buttons[language] = button
            self.add_widget(button)

    def show_current(self, language: str) -> None:
        for code, button in self.buttons.items():
            button.set_selected(code == language)
