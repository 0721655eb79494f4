"""The help row on every patron screen, joined to the app and the help desk.

``HelpButtons(app, desk, chat_url).attach()`` (after the app is built: `kiosk run` does it on
the app's on_start, kiosk/wiring/help.py) puts a HelpRow under each patron screen (never the
staff screens) and keeps it current: "Call a librarian" when there is a desk, the voice
buttons while speech is on. A tap on "Call a librarian" opens the dialog at once ("Calling a
librarian…"), runs the desk's call on the event loop (``spawn``) and shows how it ended, spoken
when speech is on. A staff card signing in at the kiosk (the staff screen appears) acknowledges
an open call and closes the dialog. Nothing here knows who the patron is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from kiosk.core.help import HelpDesk, HelpState
from kiosk.ui.presenters.views import Screen, UiState
from kiosk.ui.widgets.base import refit_all, restyle
from kiosk.ui.widgets.help_bar import HelpDialog, HelpRow

STAFF_SCREENS = frozenset({Screen.STAFF, Screen.ROOM_STAFF, Screen.REGISTRATION_STAFF})
Spawn = Callable[[Coroutine[Any, Any, None]], object]


def _on_running_loop(coroutine: Coroutine[Any, Any, None]) -> object:
    return asyncio.get_running_loop().create_task(coroutine)


class HelpButtons:
    def __init__(
        self, app: Any, desk: HelpDesk | None = None, chat_url: str = "", spawn: Spawn | None = None
    ) -> None:
        self.app = app
        self.desk = desk
        self.chat_url = chat_url
        self.spawn = spawn or _on_running_loop
        self.rows: list[HelpRow] = []
        self.footer_row = HelpRow(self.action, in_footer=True)
        self.dialog = HelpDialog(on_close=self.close_dialog)
        self._tasks: set[object] = set()
        self.outcome = ""

    def attach(self, *_: object) -> HelpButtons:
        for name, screen in self.app.screens.items():
            if name in STAFF_SCREENS:
                continue
            row = HelpRow(self.action)
            screen.add_help_row(row)
            restyle(row, screen.theme)
            self.rows.append(row)
        restyle(self.footer_row, self.app.theme)
        self.app.shell_hooks.append(self.refresh)
        self.app.port.subscribe(self.state_changed)
        self.refresh()
        return self

    def refresh(self) -> None:
        """Portrait: the row under each patron screen. Landscape: the buttons in the shell's
        footer (the screens have no height to spare), the call only on patron screens."""
        app = self.app
        speech_on = bool(app.switches.get("speech"))
        portrait = app.shell.portrait
        staff = app.state is not None and app.state.screen in STAFF_SCREENS
        for row in self.rows:
            row.show(app.tr, portrait and self.desk is not None, portrait and speech_on)
        self.footer_row.show(
            app.tr, not portrait and not staff and self.desk is not None, not portrait and speech_on
        )
        footer = app.shell.footer
        if self.footer_row.children and self.footer_row.parent is None:
            restyle(self.footer_row, app.theme)
            footer.add_widget(self.footer_row)
        elif not self.footer_row.children and self.footer_row.parent is not None:
            footer.remove_widget(self.footer_row)

    def action(self, name: str) -> None:
        voice, tr = self.app.voice, self.app.tr
        if name == "help:call":
            self.call()
        elif name == "voice:louder":
            voice.set_volume(voice.volume + 1, tr)
        elif name == "voice:quieter":
            voice.set_volume(voice.volume - 1, tr)
        elif name == "voice:repeat" and self.app.current is not None:
            voice.narrate(self.app.current.spoken_text(), tr, full=True)

    # -- calling ---------------------------------------------------------------------------
    def call(self) -> None:
        if self.desk is None:
            return
        self._show("calling")
        task = self.spawn(self._call())
        if task is not None:
            self._tasks.add(task)
            done = getattr(task, "add_done_callback", None)
            if done is not None:
                done(self._tasks.discard)

    async def _call(self) -> None:
        assert self.desk is not None
        outcome = await self.desk.call()
        self._show(outcome.result.value)

    def _show(self, outcome: str) -> None:
        self.outcome = outcome
        self.dialog.show(outcome, self.app.tr, self.chat_url)
        restyle(self.dialog, self.app.theme)
        if self.dialog.parent is None:
            self.dialog.open(animation=False)
        refit_all(self.dialog)
        if outcome != "calling":
            self.app.voice.say(self.dialog.spoken(), self.app.tr)

    def close_dialog(self) -> None:
        self.dialog.dismiss(animation=False)

    # -- staff -----------------------------------------------------------------------------
    def state_changed(self, state: UiState) -> None:
        """A staff card signed in at the kiosk: the call is answered."""
        if state.screen not in STAFF_SCREENS or self.desk is None:
            return
        if self.desk.state is HelpState.CALLED:
            self.desk.acknowledge("staff card at the kiosk")
        self.close_dialog()
