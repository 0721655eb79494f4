"""``kiosk demo --autopilot DIR``: a scripted visit by simulated touches, one screenshot a step.

The visit (kiosk/demo/core_visit.py), once per language (Lithuanian and English by default):
attract, card and PIN, a stack of books laid on the pad, a language switch, my account with
Renew all, the idle-timeout warning, the receipt, goodbye; a return without login with the
receipt e-mailed; a locker pickup by door code; the staff screen's tabs. Files are
``<lang>-NN-<step>.png`` in DIR. Each step names the screen it must reach; the exit code is 1
if any step did not.

Always against the REAL kiosk: kiosk.wiring.assembly.build_kiosk over the simulator fleet
(simulators/fleet.py). `kiosk demo` passes its fleet's control clients and build_kiosk; called
without them, ``run_autopilot`` starts a fleet of its own on free ports for the configured
tables and stops it afterwards. There is no scripted stand-in for the core.
Kivy is imported only inside ``run_autopilot`` (after kiosk/ui/boot.py configured it).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.demo.virtual_display import VirtualDisplay
from kiosk.settings import Settings
from kiosk.ui.boot import configure_kivy
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
    controls: dict[str, Any],
    build_kiosk: Callable[..., Any],
) -> list[StepResult]:
    from kiosk.demo.core_visit import drive

    return asyncio.run(drive(settings, out_dir, languages, controls, build_kiosk))


@contextlib.contextmanager
def _own_fleet(settings: Settings, out_dir: Path) -> Iterator[tuple[Settings, dict[str, Any]]]:
    """The configured simulators on free ports, for a caller that brought none: the kiosk's
    settings pointed at them and their control clients."""
    from simulators.control import ControlClient
    from simulators.fleet import Fleet, FleetOptions

    fleet = Fleet(settings, FleetOptions(any_ports=True, out_dir=out_dir / "sim-printer"))
    fleet.start()
    try:
        controls = {name: ControlClient(url) for name, url in fleet.controls().items()}
        yield fleet.kiosk_settings(), controls
    finally:
        fleet.stop()


def _drive_somewhere(
    settings: Settings,
    out_dir: Path,
    languages: tuple[str, ...],
    controls: dict[str, Any] | None,
    build_kiosk: Callable[..., Any] | None,
) -> list[StepResult]:
    if build_kiosk is None:
        from kiosk.wiring.assembly import build_kiosk
    if controls is not None:
        return _drive(settings, out_dir, languages, controls, build_kiosk)
    with _own_fleet(settings, out_dir) as (simulated, own):
        return _drive(simulated, out_dir, languages, own, build_kiosk)


def run_autopilot(
    settings: Settings,
    out_dir: Path,
    languages: tuple[str, ...] = ("lt", "en"),
    controls: dict[str, Any] | None = None,
    build_kiosk: Callable[..., Any] | None = None,
) -> int:
    """Drive the visit once per language on the real kiosk; 0 if every step reached its
    screen. ``controls`` (the simulators' control clients by name) and ``build_kiosk``
    (kiosk.wiring.assembly's) come from `kiosk demo`; without them a fleet of simulators is started
    here for the configured tables (an [ils] table is needed either way)."""
    if settings.ils is None:
        print("the autopilot drives the real kiosk: the configuration needs an [ils] table")
        return 1
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    display = None if os.environ.get("DISPLAY") else VirtualDisplay()
    if display is not None:
        display.start()
    try:
        with tempfile.TemporaryDirectory(prefix="kiosk-kivy-") as home:
            configure_kivy(settings.ui, Path(home), headless=True)
            try:
                results = _drive_somewhere(settings, out_dir, languages, controls, build_kiosk)
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
