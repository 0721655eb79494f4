"""Kivy start-up configuration, applied before the first Kivy import.

Kivy reads its environment (KIVY_HOME, KIVY_NO_ARGS …) and its Config when first imported and
opens the window when kivy.core.window is first imported, so this module imports nothing from
Kivy at module level: call ``configure_kivy`` first, then import kiosk.ui.app. Also here: the
kiosk settings every kiosk needs (no exit on Escape, no screensaver, one input provider per
device so touches are not doubled, a frame-rate cap for idle CPU).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from kiosk.settings.ui import UiSection

MAX_FPS = 30
IDLE_FPS = 8


def set_frame_rate(fps: float) -> None:
    """How often Kivy's main loop wakes: full rate during a visit, low on the idle screen.

    Kivy reads ``maxfps`` once at start-up into its clock; this is the one place that changes
    it afterwards (the idle CPU budget, kiosk bench ui-idle). A first touch on the idle screen
    is noticed within 1/IDLE_FPS s. The clock's resolution is set with it: Kivy derives it
    from the start-up ``maxfps`` (1/24 s at 30 fps) and wakes that much early, which made an
    8 fps idle loop wake 10.8 times a second.
    """
    from kivy.clock import Clock

    Clock._max_fps = float(fps)
    Clock.clock_resolution = 1.0 / (40.0 * fps)


def configure_kivy(ui: UiSection, kivy_home: Path, *, headless: bool = False) -> None:
    kivy_home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ["KIVY_HOME"] = str(kivy_home)
    os.environ["KIVY_METRICS_DENSITY"] = "1"
    if ui.display and "DISPLAY" not in os.environ:
        os.environ["DISPLAY"] = ui.display
    # Kivy's default log mode puts the root logger at NOTSET (everything, debug included, past
    # [log] level), adds its own handlers and replaces sys.stderr; in PYTHON mode it leaves the
    # root logger to kiosk/logs.py. Level and handlers are put back besides, in case Kivy was
    # imported earlier in another mode.
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    os.environ.setdefault("KCFG_KIVY_LOG_LEVEL", "warning")  # its own start-up lines too
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    from kivy.config import Config
    from kivy.logger import Logger

    root.setLevel(level)
    root.handlers[:] = handlers
    # Kivy's start-up chatter stays out of the kiosk's JSON log unless it is a problem.
    Logger.setLevel(logging.WARNING)

    width, height = ui.size
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "fullscreen", "auto" if ui.fullscreen and not headless else "0")
    Config.set("graphics", "borderless", "1" if ui.fullscreen and not headless else "0")
    Config.set("graphics", "show_cursor", "1" if ui.show_cursor or headless else "0")
    Config.set("graphics", "maxfps", str(MAX_FPS))
    Config.set("graphics", "allow_screensaver", "0")
    Config.set("graphics", "resizable", "0" if not headless else "1")
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "keyboard_mode", "system")
    Config.set("input", "mouse", "mouse,disable_multitouch")
    if headless:
        # Tests and the autopilot feed touches themselves; no hardware providers.
        for name, _ in list(Config.items("input")):
            Config.remove_option("input", name)
