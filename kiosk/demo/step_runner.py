"""The Kivy half of the autopilot: the clock-driven runner that plays a list of steps.

Imported only after kiosk/ui/boot.configure_kivy. Steps run one per Kivy clock callback so
the window draws between a tap and its screenshot; ``WaitFor`` markers poll for work the real
core does in the background. The steps themselves (the visit) are kiosk/demo/core_visit.py's:
the app is always bound to the real core's port.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kivy.clock import Clock
from kivy.core.window import Window

from kiosk.demo.autopilot import SETTLE_S, Step, StepResult
from kiosk.demo.touches import find_button, flush_layout, tap
from kiosk.i18n import Catalogs
from kiosk.settings import Settings
from kiosk.ui.app import KioskApp
from kiosk.ui.presenters.intents import KioskPort


def _next_frame() -> None:
    """A marker between touches: wait until the screen they lead to is drawn."""


NEXT_FRAME = _next_frame
WAIT_POLL_S = 0.05


@dataclass(frozen=True)
class WaitFor:
    """A marker between touches: wait (polling, at most ``timeout_s``) until ``ready()`` is
    true, for work the real core does in the background (ILS round trips, pad reads)."""

    what: str
    ready: Callable[[], bool]
    timeout_s: float = 20.0
    required: bool = True  # a wait that runs out fails its step

    def __call__(self) -> None:
        """Nothing to do once ready: the runner has waited before calling."""


class AutopilotRun:
    def __init__(
        self,
        settings: Settings,
        out_dir: Path,
        languages: tuple[str, ...],
        port: KioskPort,
    ) -> None:
        """``port``: the UI's port onto the real core (kiosk/ui/core_session.py)."""
        self.settings = settings
        self.out_dir = out_dir
        self.languages = languages
        self.offset = 0.0
        self._wait_since: float | None = None
        self._missed = False  # a required wait of the current step ran out
        self.app = KioskApp(
            port,
            Catalogs(),
            settings.ui,
            settings.kiosk.library_name,
            default_language=settings.kiosk.language,
            monotonic=lambda: time.monotonic() + self.offset,
        )
        self.results: list[StepResult] = []
        self._queue: list[tuple[str, Step]] = []
        self._done = 0

    async def run_async(self) -> list[StepResult]:
        """Play every language's steps on the running asyncio loop the real core shares with
        the app; the result of each step, in order."""
        self._plan()
        await self.app.async_run(async_lib="asyncio")
        return self.results

    def _plan(self) -> None:
        for language in self.languages:
            self._queue += [(language, step) for step in self.steps(language)]
        Clock.schedule_once(self._next, 0.5)

    # -- touching -------------------------------------------------------------------------

    def press(self, name: str, index: int = 0) -> None:
        layer = self.app._top_layer()
        flush_layout(layer)
        tap(find_button(layer, name, index))

    # -- the visit (kiosk/demo/core_visit.py) ----------------------------------------------

    def steps(self, language: str) -> list[Step]:
        raise NotImplementedError

    def tap(self, name: str) -> Callable[[], None]:
        return lambda: self.press(name)

    def keys(self, digits: str, *then: str) -> tuple[Callable[[], None], ...]:
        return tuple(self.tap(f"key:{key}") for key in (*digits, *then))

    # -- the runner -----------------------------------------------------------------------

    def _next(self, *_: object) -> None:
        if not self._queue:
            self.app.stop()
            return
        _, step = self._queue[0]
        while self._done < len(step.actions):
            action = step.actions[self._done]
            self._done += 1
            if action is NEXT_FRAME:
                self._after_frames(self._next)
                return
            if isinstance(action, WaitFor) and not self._waited(action, step.name):
                self._done -= 1
                Clock.schedule_once(self._next, WAIT_POLL_S)
                return
            try:
                action()
            except LookupError as error:
                print(f"step {step.name}: {error}")
        self._done = 0
        self._after_frames(self._capture)

    def _waited(self, wait: WaitFor, step: str) -> bool:
        """True when the wait is over: ready, or timed out (the step's screen check then
        tells whether it mattered)."""
        now = time.monotonic()
        if self._wait_since is None:
            self._wait_since = now
        if wait.ready():
            self._wait_since = None
            return True
        if now - self._wait_since > wait.timeout_s:
            print(f"step {step}: gave up waiting for {wait.what}")
            self._wait_since = None
            self._missed = self._missed or wait.required
            return True
        return False

    def _after_frames(self, callback: Callable[[float], None]) -> None:
        """Two frames later: the first draws (and finishes a screen switch), then ``callback``."""
        Clock.schedule_once(lambda _dt: Clock.schedule_once(callback, 0), SETTLE_S)

    def _capture(self, *_: object) -> None:
        language, step = self._queue.pop(0)
        index = sum(1 for result in self.results if result.language == language) + 1
        target = self.out_dir / f"{language}-{index:02d}-{step.name}.png"
        written = Path(Window.screenshot(name=str(target)))
        if written != target:
            written.replace(target)
        state = self.app.state
        reached = state.screen if state is not None and not self._missed else None
        self._missed = False
        self.results.append(StepResult(language, step.name, step.expect, reached, target))
        Clock.schedule_once(self._next, 0)
