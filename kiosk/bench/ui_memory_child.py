"""The process `kiosk bench ui-memory` measures: the touch app as `kiosk run` assembles it (the
real core over SIP2, the FEIG driver, the ESC/POS printer, the lockers, the outbox worker,
/metrics), against the simulator fleet the parent started, driven through many visits.

    python -m kiosk.bench.ui_memory_child SETTINGS.pickle CONTROLS.json SESSIONS

A visit is what a patron does at the kiosk, by taps on the app's own buttons (Kivy's input
dispatch) while the app's loop draws its frames: the language chosen (the five in turn), card
and PIN on the keypad, two books laid on the RFID simulator's pad and borrowed, My account
and Renew all, Done, the receipt (printed every tenth visit, else none), goodbye; then the
same books returned without a card, the pad cleared. Resident memory is sampled (after a
full garbage collection) after the first visit (two sessions) and every 100 sessions. Prints
one JSON line.
Lives outside kiosk/ui because it builds the whole kiosk (kiosk.wiring.touch_app.assemble_app).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.core.circulation.session import Activity, LineStatus, State
from kiosk.settings import Settings
from simulators.control import ControlClient

PATRON, PIN = "2100000001", "1234"  # simulators/ils/data/demo_library.json
STACK = ("9786090100011", "9786090100042")  # on the shelf: Metai, Kurmelis
LANGUAGES = ("lt", "en", "ru", "uk", "pl")
WAIT_S = 30.0
POLL_S = 0.02


class VisitFailed(RuntimeError):
    """A visit did not reach the screen or core state it expected."""


def rss_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class Traced:
    """With $KIOSK_BENCH_TRACEMALLOC set: where Python memory grew between the 100th session
    and the last (the ten biggest allocation sites), to find what a growth is made of."""

    def __init__(self, on: bool) -> None:
        self.on = on
        self.snapshots: dict[int, Any] = {}
        if on:
            import tracemalloc

            tracemalloc.start(8)

    def take(self, session: int) -> None:
        if self.on and session >= 100:
            import tracemalloc

            self.snapshots[session] = tracemalloc.take_snapshot()

    def growth(self) -> list[str]:
        if len(self.snapshots) < 2:
            return []
        first, last = self.snapshots[min(self.snapshots)], self.snapshots[max(self.snapshots)]
        stats = last.compare_to(first, "traceback")[:10]
        return [f"{s.size_diff / 1024:+.0f} KiB {s.count_diff:+d} at {_where(s)}" for s in stats]


def _where(stat: Any) -> str:
    frames = list(stat.traceback)[-3:]
    return " < ".join(f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames))


class Visits:
    def __init__(self, app: Any, kiosk: Any, controls: dict[str, str]) -> None:
        self.app = app
        self.kiosk = kiosk
        self.rfid = ControlClient(controls["rfid"])
        self.number = 0
        self.step = ""
        self.traced = Traced(bool(os.environ.get("KIOSK_BENCH_TRACEMALLOC")))

    # -- hands and eyes ----------------------------------------------------------------
    def press(self, name: str) -> None:
        from kiosk.demo.touches import find_button, flush_layout, tap

        layer = self.app._top_layer()
        flush_layout(layer)
        tap(find_button(layer, name))

    async def until(self, what: str, ready: Callable[[], bool]) -> None:
        deadline = time.monotonic() + WAIT_S
        while not ready():
            if time.monotonic() > deadline:
                state = self.app.state
                seen = f"the {state.screen} screen" if state is not None else "no screen"
                core = self.kiosk.service.view.state
                raise VisitFailed(f"visit {self.number}, {self.step}: no {what} ({seen}, {core})")
            await asyncio.sleep(POLL_S)

    async def screen(self, screen: str) -> None:
        """Until the app shows that screen and has drawn it (taps land where it is drawn)."""
        state = lambda: self.app.state  # noqa: E731
        await self.until(f"{screen} screen", lambda: state() and state().screen == screen)
        from kivy.clock import Clock

        drawn = Clock.frames_displayed + 1  # the next frame attaches and draws a new screen
        await self.until("frames drawn", lambda: Clock.frames_displayed >= drawn)

    async def core(self, *states: State) -> None:
        await self.until(f"core in {states}", lambda: self.kiosk.service.view.state in states)

    async def lines(self, count: int, status: LineStatus) -> None:
        def done() -> bool:
            lines = self.kiosk.service.view.lines
            return len(lines) >= count and all(x.status is not LineStatus.WORKING for x in lines)

        await self.until(f"{count} items handled", done)
        got = [x.status for x in self.kiosk.service.view.lines]
        if got.count(status) < count:
            raise VisitFailed(f"visit {self.number}, {self.step}: items {got}, not {status}")

    async def keys(self, digits: str) -> None:
        for key in (*digits, "ok"):
            self.press(f"key:{key}")
            await asyncio.sleep(0)

    async def pad(self, action: str, **params: Any) -> None:
        await asyncio.to_thread(self.rfid.call, action, **params)

    # -- the visit ---------------------------------------------------------------------
    async def visit(self, number: int) -> None:
        self.number = number
        self.step = "identify"
        self.press(f"language:{LANGUAGES[number % len(LANGUAGES)]}")
        self.press("start")
        await self.screen("identify")
        await self.keys(PATRON)
        await self.core(State.AWAITING_PIN)
        await self.screen("identify")
        await self.keys(PIN)
        await self.core(State.WORKING)
        await self.screen("circulation")
        self.step = "borrow"
        for item in STACK:
            await self.pad("place", item=item)
        await self.lines(len(STACK), LineStatus.BORROWED)
        self.step = "account"
        self.press("account")
        await self.screen("account")
        self.press("renew_all")
        await self.until("renewals", self.renewed)
        await self.finish("receipt:print" if number % 10 == 0 else "receipt:none")
        await self.pad("remove", all=True)
        self.step = "return"
        self.press("return")
        await self.core(State.RETURNS)
        await self.screen("circulation")
        for item in STACK:
            await self.pad("place", item=item)
        await self.lines(len(STACK), LineStatus.RETURNED)
        await self.finish("receipt:none")
        await self.pad("remove", all=True)

    def renewed(self) -> bool:
        lines = [x for x in self.kiosk.service.view.lines if x.activity is Activity.ACCOUNT]
        return bool(lines) and all(x.status is not LineStatus.WORKING for x in lines)

    async def finish(self, choice: str) -> None:
        self.press("done")
        await self.core(State.RECEIPT)
        await self.screen("receipt")
        self.press(choice)
        await self.screen("goodbye")
        self.press("finish")
        await self.screen("attract")

    async def run(self, sessions: int) -> dict[str, Any]:
        """``sessions`` patron sessions at the core: a visit is two (borrow, then return)."""
        await self.until("first screen", lambda: self.app.state is not None)
        samples: dict[int, int] = {}
        started = time.monotonic()
        try:
            for number in range(1, (sessions + 1) // 2 + 1):
                await self.visit(number)
                done = min(2 * number, sessions)
                if number == 1 or done % 100 == 0 or done == sessions:
                    gc.collect()
                    samples[done] = rss_bytes()
                    self.traced.take(done)
        finally:
            self.app.stop()
        return {
            "sessions": sessions,
            "rss_bytes": samples,
            "python_growth_after_100": self.traced.growth(),
            "wall_s": time.monotonic() - started,
            "outbox": self.kiosk.store.summary().done,
        }


async def measure(settings: Settings, controls: dict[str, str], sessions: int) -> dict:
    from kiosk.wiring.touch_app import assemble_app

    async with contextlib.AsyncExitStack() as stack:
        app, kiosk = await assemble_app(settings, stack, speech=False)
        visits = asyncio.create_task(Visits(app, kiosk, controls).run(sessions))
        await app.async_run(async_lib="asyncio")
        return await visits


def main(settings_file: str, controls_file: str, sessions: int) -> int:
    from kiosk.demo.virtual_display import VirtualDisplay
    from kiosk.ui.boot import configure_kivy

    settings = pickle.loads(Path(settings_file).read_bytes())
    controls = json.loads(Path(controls_file).read_text(encoding="utf-8"))
    with VirtualDisplay(), tempfile.TemporaryDirectory(prefix="kiosk-kivy-") as home:
        configure_kivy(settings.ui, Path(home), headless=True)
        try:
            result = asyncio.run(measure(settings, controls, sessions))
        except VisitFailed as failed:
            print(json.dumps({"error": str(failed)}), flush=True)
            return 1
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
