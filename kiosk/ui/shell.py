"""The frame around every screen: a header (library name, language buttons, always visible),
the screen area, and a footer with the accessibility switches (speech, large text, contrast).

Portrait stacks the header in two rows; landscape puts the languages beside the name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk.ui.presenters.text import Texts
from kiosk.ui.theme import Theme
from kiosk.ui.widgets.base import FitLabel, Panel
from kiosk.ui.widgets.buttons import KioskButton
from kiosk.ui.widgets.language_bar import LanguageBar


class Shell(BoxLayout):
    def __init__(
        self,
        languages: Sequence[str],
        on_language: Callable[[str], None],
        on_toggle: Callable[[str], None],
        **kwargs: object,
    ) -> None:
        super().__init__(orientation="vertical", **kwargs)
        self.header = Panel(fill="header", orientation="vertical", padding=(36, 18), spacing=14)
        self.header.size_hint_y = None
        self.library = FitLabel(role="heading", colour="header_text", bold=True)
        self.languages = LanguageBar(languages, on_language)
        self.header.add_widget(self.library)
        self.header.add_widget(self.languages)
        self.screens = ScreenManager(transition=NoTransition())
        self.footer = Panel(fill="header", orientation="horizontal", padding=(36, 14), spacing=14)
        self.footer.size_hint_y = None
        self.toggles: dict[str, KioskButton] = {}
        for name in ("speech", "large_text", "contrast"):
            button = KioskButton(role="quiet", fixed_height=False)
            button.role = "small"
            button.action_name = f"toggle:{name}"
            button.bind(on_release=lambda _b, n=name: on_toggle(n))
            self.toggles[name] = button
            self.footer.add_widget(button)
        self.add_widget(self.header)
        self.add_widget(self.screens)
        self.add_widget(self.footer)
        self.portrait = True
        self._theme = Theme()

    def apply_theme(self, theme: Theme) -> None:
        self._theme = theme
        self._size_bars()

    def set_orientation(self, portrait: bool) -> None:
        self.portrait = portrait
        self.header.orientation = "vertical" if portrait else "horizontal"
        self.languages.size_hint_x = 1 if portrait else 1.5
        self._size_bars()

    def _size_bars(self) -> None:
        row = max(self._theme.min_target, 84 * self._theme.text_scale)
        self.header.height = (row * 2 + 14 + 36) if self.portrait else (row + 36)
        self.footer.height = row + 28

    def render(self, library_name: str, tr: Texts, switches: dict[str, bool]) -> None:
        self.library.text = library_name
        self.languages.show_current(tr.language)
        names = {
            "speech": tr.gettext("Read aloud"),
            "large_text": tr.gettext("Larger text"),
            "contrast": tr.gettext("High contrast"),
        }
        for name, button in self.toggles.items():
            on = switches.get(name, False)
            state = tr.gettext("on") if on else tr.gettext("off")
            button.text = f"{names[name]}: {state}"
            button.set_selected(on)
