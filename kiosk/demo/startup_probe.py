"""The process ``kiosk bench ui-start`` / ``ui-idle`` measure (kiosk/bench/ui.py).

Starts its own Xvfb and the app bound to the REAL core (kiosk/demo/in_process.py: the
circulation service and the UI's port over the ILS simulator, started here on loopback, and the
pad and outbox fakes), and reports on stdout one JSON line: the first frame's time since the
parent spawned it (``$KIOSK_BENCH_SPAWNED``), or the process's CPU seconds over an idle stretch
on the attract screen with the frames drawn and main-loop wakeups counted (the simulator's
thread, idle, is counted too). Part of the harness: it imports Kivy and the simulators.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from kiosk.core.clock import ManualClock

DAY = datetime(2026, 11, 25, 12, 0)  # the core's and the ILS simulator's clock


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child(mode: str, seconds: float, warmup_s: float) -> None:
    from kiosk.demo.virtual_display import VirtualDisplay
    from kiosk.settings import Settings
    from kiosk.settings.ui import NewBook, UiSection
    from kiosk.ui.boot import configure_kivy
    from simulators.ils.simulator import IlsSimulator

    books = tuple(NewBook(title=f"Naujiena {n}", author="Autorius") for n in range(6))
    settings = Settings(ui=UiSection(fullscreen=False, new_books=books))
    clock = ManualClock(DAY)
    with (
        VirtualDisplay(),
        tempfile.TemporaryDirectory() as home,
        IlsSimulator(encoding="utf-8", clock=clock.now) as sim,
    ):
        configure_kivy(settings.ui, Path(home), headless=True)
        result = _timed(settings, sim, clock, mode, seconds, warmup_s)
    print(json.dumps(result))


def _app(settings, sim, clock):
    from kiosk.demo.in_process import InProcessCore
    from kiosk.i18n import Catalogs
    from kiosk.ui.app import KioskApp
    from kiosk.ui.presenters.attract import attract_view

    core = InProcessCore(sim, attract_view(settings), clock=clock)
    return KioskApp(core.port, Catalogs(), settings.ui, "B"), core


def _timed(settings, sim, clock, mode: str, seconds: float, warmup_s: float) -> dict:
    """Run the app's own loop: until the first frame (start) or over an idle stretch."""
    from kivy.clock import Clock
    from kivy.core.window import Window
    from kivy.graphics import opengl

    app, _core = _app(settings, sim, clock)  # nobody visits: the SIP2 client never connects
    counts = {"frames": 0, "wakeups": 0, "ticks0": 0}
    marks: dict[str, float] = {}
    spawned = float(os.environ["KIOSK_BENCH_SPAWNED"])

    def flipped(*_: object) -> None:
        counts["frames"] += 1
        if "first" not in marks:
            marks["first"] = time.time() - spawned
            if mode == "start":
                Clock.schedule_once(lambda _dt: app.stop(), 0)

    def begin(*_: object) -> None:
        counts.update(frames=0, ticks0=Clock.frames)
        marks["cpu0"], marks["t0"] = _cpu(), time.monotonic()
        Clock.schedule_once(end, seconds)

    def end(*_: object) -> None:
        marks["cpu"], marks["wall"] = _cpu() - marks["cpu0"], time.monotonic() - marks["t0"]
        counts["wakeups"] = Clock.frames - counts["ticks0"]  # main-loop iterations
        app.stop()

    Window.bind(on_flip=flipped)
    if mode == "idle":
        Clock.schedule_once(begin, warmup_s)
    app.run()
    if mode == "start":
        return {"first_frame_s": marks["first"]}
    renderer = opengl.glGetString(opengl.GL_RENDERER).decode(errors="replace")
    return {
        "cpu_s": marks["cpu"],
        "wall_s": marks["wall"],
        "frames": counts["frames"],
        "wakeups": counts["wakeups"],
        "renderer": renderer,
    }


if __name__ == "__main__":
    _child(sys.argv[1], float(sys.argv[2]), float(sys.argv[3]))
