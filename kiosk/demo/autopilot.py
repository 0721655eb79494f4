"""``kiosk demo --autopilot DIR``: a scripted visit by simulated touches, one screenshot a step.

The visit: attract, card and PIN, a stack of books read by the pad (one refused, one set
waiting for its parts), a language switch, my account with Renew all, the e-mail receipt on
the Lithuanian keyboard, goodbye; a return without login; a locker pickup by door code; the
idle-timeout warning; high contrast and large text; the staff screen's tabs. It runs once per
language (Lithuanian and English by default) and writes ``<lang>-NN-<step>.png`` into DIR.
Each step names the screen it must reach; the exit code is 1 if any step did not.

The app is driven through its own window and input dispatch: against the real kiosk
(kiosk.assembly.build_kiosk over the simulator fleet, kiosk/ui/autopilot_core.py) when `kiosk demo`
passes the simulators' control APIs, else against the scripted demo session
(kiosk/ui/demo_session.py), which needs no simulators (UI tests).
Kivy is imported only inside ``run_autopilot`` (after kiosk/ui/boot.py configured it).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.demo.virtual_display import VirtualDisplay
from kiosk.settings import Settings
from kiosk.ui.boot import configure_kivy
from kiosk.ui.presenters.attract import attract_view
from kiosk.ui.presenters.views import Screen

SETTLE_S = 0.0


@dataclass(frozen=True)
class Step:
    """Touches done one per frame (so each lands on the laid-out screen), then a screenshot."""

    name: str
    actions: tuple[Callable[[], None], ...]
    expect: Screen


@dataclass(frozen=True)
class StepResult:
    language: str
    name: str
    expected: Screen
    reached: Screen | None
    screenshot: Path

    @property
    def ok(self) -> bool:
        return self.expected is self.reached


def _drive(
    settings: Settings,
    out_dir: Path,
    languages: tuple[str, ...],
    today: date | None,
    controls: dict[str, Any] | None,
    build_kiosk: Callable[..., Any] | None,
) -> list[StepResult]:
    if controls is not None and build_kiosk is not None and settings.ils is not None:
        from kiosk.demo.core_visit import drive

        return asyncio.run(drive(settings, out_dir, languages, controls, today, build_kiosk))
    from kiosk.demo.step_runner import AutopilotRun

    return AutopilotRun(settings, attract_view(settings), out_dir, languages, today).run()


def run_autopilot(
    settings: Settings,
    out_dir: Path,
    languages: tuple[str, ...] = ("lt", "en"),
    today: date | None = None,
    controls: dict[str, Any] | None = None,
    build_kiosk: Callable[..., Any] | None = None,
) -> int:
    """Drive the visit once per language; 0 if every step reached its screen. With
    ``controls`` (the simulators' control clients by name), ``build_kiosk``
    (kiosk.assembly's: `kiosk demo` passes both) and an [ils] table, against the real kiosk
    (kiosk/ui/autopilot_core.py); else the scripted demo session."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    display = None if os.environ.get("DISPLAY") else VirtualDisplay()
    if display is not None:
        display.start()
    try:
        with tempfile.TemporaryDirectory(prefix="kiosk-kivy-") as home:
            configure_kivy(settings.ui, Path(home), headless=True)
            try:
                results = _drive(settings, out_dir, languages, today, controls, build_kiosk)
            except Exception:
                # Kivy takes over stderr when its console log is off: report on the real one.
                traceback.print_exc(file=sys.__stderr__)
                return 1
    finally:
        if display is not None:
            display.stop()
    for result in results:
        mark = "ok " if result.ok else "FAIL"
        print(f"{mark} {result.screenshot.name}: expected {result.expected}, got {result.reached}")
    return 0 if results and all(result.ok for result in results) else 1
