"""The kiosk app: the shell, the screens (built once), and the glue that renders the port's
state, forwards intents, runs the idle countdown, self-voicing and the hardware keypad.

Runs on the core's asyncio loop (``App.async_run``). Holds no circulation logic: it shows
``UiState``s and sends intents (kiosk/ui/presenters/intents.py). When a visit ends (the state
returns to the attract screen) every screen forgets its view, dialogs close, speech stops,
and language, text size, contrast and speech return to the configured defaults.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.modalview import ModalView
from kivy.uix.widget import Widget

from kiosk.i18n import Catalogs, Translator
from kiosk.settings.ui import UiSection
from kiosk.ui.boot import IDLE_FPS, MAX_FPS, set_frame_rate
from kiosk.ui.presenters.idle import IdleCountdown, Phase
from kiosk.ui.presenters.intents import (
    Intent,
    KioskPort,
    LanguageChosen,
    StillHere,
    TimedOut,
)
from kiosk.ui.presenters.text import countdown
from kiosk.ui.presenters.views import AttractView, BookCard, Screen, UiState
from kiosk.ui.scanning import ScanRouter
from kiosk.ui.screens.account import AccountScreen
from kiosk.ui.screens.attract import AttractScreen
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.screens.circulation import CirculationScreen
from kiosk.ui.screens.finish import GoodbyeScreen, ReceiptScreen
from kiosk.ui.screens.identify import IdentifyScreen
from kiosk.ui.screens.pay import PayScreen
from kiosk.ui.screens.pickup import PickupScreen
from kiosk.ui.screens.registration import RegistrationScreen
from kiosk.ui.screens.rooms import RoomBoardScreen, RoomBookScreen
from kiosk.ui.screens.rooms_desk import RoomDoneScreen, RoomMineScreen, RoomStaffScreen
from kiosk.ui.screens.staff import StaffScreen
from kiosk.ui.screens.staff_registrations import StaffRegistrationsScreen
from kiosk.ui.shell import Shell
from kiosk.ui.theme import Theme, make_theme
from kiosk.ui.voice import DEFAULT_VOLUME, Speaker, Voice
from kiosk.ui.widgets.base import refit_all, restyle
from kiosk.ui.widgets.dialogs import TimeoutDialog
from kiosk.ui.widgets.focus import FocusChain
from kiosk.ui.widgets.keypad import NumberPad


class KioskApp(App):
    title = "knygomatas"

    def __init__(
        self,
        port: KioskPort,
        catalogs: Catalogs,
        ui: UiSection,
        library_name: str,
        default_language: str = "lt",
        speaker: Speaker | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)
        self.port = port
        self.catalogs = catalogs
        self.ui = ui
        self.library_name = library_name
        self.default_language = default_language
        self.voice = Voice(speaker, is_on=lambda: self.switches["speech"])
        self.monotonic = monotonic
        self.tr: Translator = catalogs.translator(default_language)
        self.switches = {"speech": ui.speech, "large_text": ui.large_text, "contrast": False}
        self.theme = make_theme(ui.dpi, ui.large_text, ui.high_contrast)
        self.switches["contrast"] = ui.high_contrast
        self.countdown = IdleCountdown(ui.idle_timeout_s, ui.warning_s)
        self.state: UiState | None = None
        self.current: KioskScreen | None = None
        self._tick_event = None
        self.headphones = False  # plugged, as the jack last reported
        self.new_books: tuple[BookCard, ...] = ()  # from the live feed, once it answered
        self.scans = ScanRouter(self)
        self.shell_hooks: list[Callable[[], None]] = []  # run as the shell renders (help row)

    def build(self) -> Shell:
        self.shell = Shell(self.ui.languages, self.set_language, self.toggle)
        announce = self.announce_key
        self.screens: dict[Screen, KioskScreen] = {
            Screen.ATTRACT: AttractScreen(self.send, turn_s=self.ui.new_books_turn_s),
            Screen.IDENTIFY: IdentifyScreen(self.send, announce=announce),
            Screen.CIRCULATION: CirculationScreen(self.send),
            Screen.ACCOUNT: AccountScreen(self.send),
            Screen.RECEIPT: ReceiptScreen(self.send, read_aloud=self.read_aloud),
            Screen.GOODBYE: GoodbyeScreen(self.send, linger_s=self.ui.goodbye_s),
            Screen.PICKUP: PickupScreen(self.send, announce=announce),
            Screen.STAFF: StaffScreen(self.send),
            Screen.ROOMS: RoomBoardScreen(self.send),
            Screen.ROOM_BOOK: RoomBookScreen(self.send),
            Screen.ROOM_MINE: RoomMineScreen(self.send),
            Screen.ROOM_DONE: RoomDoneScreen(self.send),
            Screen.ROOM_STAFF: RoomStaffScreen(self.send),
            Screen.REGISTRATION: RegistrationScreen(self.send),
            Screen.REGISTRATION_STAFF: StaffRegistrationsScreen(self.send),
            Screen.PAY: PayScreen(self.send, read_aloud=self.read_aloud),
        }
        for screen in self.screens.values():
            self.shell.screens.add_widget(screen)
        self.timeout_dialog = TimeoutDialog(on_extend=self.extend)
        self.focus = FocusChain(self._top_layer)
        Window.bind(on_key_down=self._on_key, on_touch_down=self._on_touch, on_resize=self._resized)
        self.port.subscribe(self.show)
        self._apply_orientation(Window.width <= Window.height)
        self._restyle(self.theme)
        self.show(self.port.state())
        self._tick_event = Clock.schedule_interval(self._tick, 1.0)
        return self.shell

    def on_stop(self) -> None:
        self.close()

    def close(self) -> None:
        """Undo build(): unbind from the window, stop timers and speech."""
        Window.unbind(
            on_key_down=self._on_key, on_touch_down=self._on_touch, on_resize=self._resized
        )
        if self._tick_event is not None:
            self._tick_event.cancel()
        self.timeout_dialog.dismiss(animation=False)
        for screen in self.screens.values():
            screen.on_leave()
        self.voice.silence()

    # -- state from the core -------------------------------------------------------------

    def send(self, intent: Intent) -> None:
        self.countdown.activity(self.monotonic())
        self.port.send(intent)

    def show(self, state: UiState) -> None:
        if self.new_books and isinstance(state.view, AttractView):
            state = replace(state, view=replace(state.view, new_books=self.new_books))
        screen = self.screens[state.screen]
        changed = screen is not self.current
        if changed:
            self._leave_current()
            if state.screen is Screen.ATTRACT:
                self._end_visit()
        self.state = state
        screen.render(state.view, self.tr)
        if changed:
            self.shell.screens.current = screen.name
            self.current = screen
        self._render_shell()
        self._watch_idle(state)
        refit_all(self.shell)
        self._narrate(full=changed)

    def _leave_current(self) -> None:
        if self.current is not None:
            self.current.forget()
        self.voice.silence()
        self.timeout_dialog.dismiss(animation=False)
        self.focus.clear()

    def _end_visit(self) -> None:
        for screen in self.screens.values():
            screen.forget()
        self.tr = self.catalogs.translator(self.default_language)
        self.port.send(LanguageChosen(self.default_language))
        self.voice.set_volume(DEFAULT_VOLUME)  # speech was stopped as the screen was left
        self.switches = {
            "speech": self.ui.speech or self.headphones,
            "large_text": self.ui.large_text,
            "contrast": self.ui.high_contrast,
        }
        theme = make_theme(self.ui.dpi, self.ui.large_text, self.ui.high_contrast)
        if theme != self.theme:
            self._restyle(theme)

    def _watch_idle(self, state: UiState) -> None:
        """One idle timer at a time: the core's when it times the screen (its warning is only
        shown here), else the UI's own (screens the core does not model, the demo session)."""
        now, screen = self.monotonic(), state.screen
        set_frame_rate(IDLE_FPS if screen is Screen.ATTRACT else MAX_FPS)
        if state.core_timed:
            self.countdown.pause()
            self._core_warning(state.warning_s)
        elif screen in (Screen.ATTRACT, Screen.GOODBYE):
            self.countdown.pause()
        elif self.countdown.phase in (Phase.IDLE, Phase.EXPIRED):
            self.countdown.resume(now)
        else:
            self.countdown.activity(now)

    # -- patron switches -----------------------------------------------------------------

    def set_language(self, language: str) -> None:
        self.tr = self.catalogs.translator(language)
        self.port.send(LanguageChosen(language))
        self.countdown.activity(self.monotonic())
        self._rerender(full_narration=True)

    def toggle(self, name: str) -> None:
        self.switches[name] = not self.switches[name]
        self.countdown.activity(self.monotonic())
        if name == "large_text":
            self._restyle(self.theme.toggled_large_text())
        elif name == "contrast":
            self._restyle(self.theme.toggled_contrast())
        elif not self.switches["speech"]:
            self.voice.silence()
        self._rerender(full_narration=name == "speech")

    def new_books_arrived(self, books: tuple[BookCard, ...]) -> None:
        """The live "new books" list (backend_sync/feeds via `kiosk run`) replaces the
        configured one on the attract screen, now if it is showing."""
        self.new_books = books
        if self.state is not None and self.state.screen is Screen.ATTRACT:
            self.show(self.state)

    def headphones_changed(self, plugged: bool) -> None:
        """Plugging headphones turns speech on, unplugging off (where the hardware reports
        the jack: device_drivers/speech/jack.py); while they stay plugged, every new visit
        starts with speech on."""
        self.headphones = plugged
        if plugged == self.switches["speech"]:
            return
        if self.current is None:  # before the first screen: just the switch
            self.switches["speech"] = plugged
            return
        self.toggle("speech")

    def _rerender(self, full_narration: bool) -> None:
        if self.state is not None and self.current is not None and self.current.view is not None:
            self.current.render(self.current.view, self.tr)
        self._render_shell()
        refit_all(self.shell)
        self._narrate(full=full_narration)

    def _render_shell(self) -> None:
        self.shell.render(self.library_name, self.tr, self.switches)
        for hook in self.shell_hooks:
            hook()
        if self.timeout_dialog.parent is not None:
            core = self.state is not None and self.state.core_timed
            self._update_countdown(self.state.warning_s if core and self.state else None)

    def _restyle(self, theme: Theme) -> None:
        self.theme = theme
        from kivy.core.window import Window as window

        window.clearcolor = theme.palette.background
        restyle(self.shell, theme)
        for screen in self.screens.values():
            # Large text is a patron's switch; the staff screen keeps its dense layout.
            staff = screen in (self.screens[Screen.STAFF], self.screens[Screen.ROOM_STAFF])
            restyle(screen, replace(theme, text_scale=1.0, large_text=False) if staff else theme)
        restyle(self.timeout_dialog, theme)

    # -- speech --------------------------------------------------------------------------

    def _narrate(self, full: bool) -> None:
        if self.current is not None:
            self.voice.narrate(self.current.spoken_text(), self.tr, full)

    def read_aloud(self, text: str) -> None:
        self.voice.read_aloud(text, self.tr)

    def announce_key(self, kind: str) -> None:
        self.voice.announce_key(kind, self.tr)

    # -- idle timeout --------------------------------------------------------------------

    def _tick(self, *_: object) -> None:
        phase = self.countdown.tick(self.monotonic())
        if phase is Phase.WARNING:
            if self.timeout_dialog.parent is None:
                self.timeout_dialog.open(animation=False)
                self.voice.say(self._countdown_text(), self.tr)
            self._update_countdown()
        elif phase is Phase.EXPIRED:
            self.timeout_dialog.dismiss(animation=False)
            self._close_dialogs()
            self.port.send(TimedOut())

    def _core_warning(self, seconds_left: int | None) -> None:
        if seconds_left is None:
            self.timeout_dialog.dismiss(animation=False)
            return
        opening = self.timeout_dialog.parent is None
        if opening:
            self.timeout_dialog.open(animation=False)
        self._update_countdown(seconds_left)
        if opening:
            self.voice.say(self._countdown_text(seconds_left), self.tr)

    def _countdown_text(self, seconds_left: int | None = None) -> str:
        if seconds_left is None:
            seconds_left = self.countdown.seconds_left(self.monotonic())
        return countdown(seconds_left, self.tr)

    def _update_countdown(self, seconds_left: int | None = None) -> None:
        self.timeout_dialog.title.text = self.tr.gettext("Are you still there?")
        self.timeout_dialog.countdown.text = self._countdown_text(seconds_left)
        self.timeout_dialog.extend.text = self.tr.gettext("Extend my time")

    def extend(self) -> None:
        self._activity()
        self.timeout_dialog.dismiss(animation=False)

    def _activity(self) -> None:
        """A touch or key: restarts the idle wait of whichever timer runs this screen."""
        self.countdown.activity(self.monotonic())
        if self.state is not None and self.state.core_timed:
            self.port.send(StillHere())

    def _close_dialogs(self) -> None:
        for child in list(Window.children):
            if isinstance(child, ModalView):
                child.dismiss(animation=False)

    # -- input ---------------------------------------------------------------------------

    def _on_touch(self, *_: object) -> None:
        self._activity()

    def _top_layer(self) -> Widget:
        for child in Window.children:
            if isinstance(child, ModalView):
                return child
        return self.shell

    def listen_keys(self, listener: Callable[[str, float], str | None]) -> None:
        self.scans.listen(listener)

    def code_scanned(self, code: str) -> None:
        self.scans.scanned(code)

    def _on_key(self, _window: object, key: int, _scan: int, text: str | None, mods) -> bool:
        self._activity()
        if self.scans.key(key, text, self.monotonic()):
            return True
        if self.voice.key(key, text, self._screen_text, self.tr):
            return True
        pad = self._visible_pad()
        if pad is not None and text and text.isdigit():
            pad.press(text)
            return True
        if pad is not None and key == 8:
            pad.press("delete")
            return True
        return self.focus.on_key(key, "shift" in (mods or ()))

    def _screen_text(self) -> str:
        return self.current.spoken_text() if self.current is not None else ""

    def _visible_pad(self) -> NumberPad | None:
        layer = self._top_layer()
        for widget in layer.walk(restrict=True):
            if isinstance(widget, NumberPad) and widget.get_root_window() is not None:
                return widget
        return None

    def _resized(self, _window: object, width: int, height: int) -> None:
        self._apply_orientation(width <= height)
        self._rerender(full_narration=False)

    def _apply_orientation(self, portrait: bool) -> None:
        self.shell.set_orientation(portrait)
        for screen in self.screens.values():
            screen.set_orientation(portrait)
