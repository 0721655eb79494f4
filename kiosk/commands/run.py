"""`kiosk run`: start the touch app full screen on the configured display.

With an [ils] table the app drives the real kiosk that kiosk.wiring.assembly.build_kiosk assembles
(the
session core over SIP2, the RFID pad, the receipt desk, the outbox replay worker, the lockers
and /metrics, each when its table is present; docs/ui.md "What `kiosk run` wires");
`--demo-session` (or no [ils]) runs the same real kiosk on an in-process ILS simulator with
no devices (kiosk/demo/showroom.py: a showroom, a layout check; no server needed).
The app, the core and the devices share one asyncio loop
(App.async_run). `--virtual-display` starts an Xvfb for machines with no screen;
`--exit-after` stops after N seconds (smoke tests, benchmarks).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
from pathlib import Path

from backend_sync.store.database import StoreError
from kiosk.commands.common import EXIT_REFUSED, EXIT_UNREACHABLE, CommandError, settings_from
from kiosk.settings import Settings
from kiosk.wiring.touch_app import assemble_app


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="start the touch app (full screen on the configured display)",
        description=__doc__,
    )
    parser.add_argument(
        "--demo-session",
        action="store_true",
        help="the real core on an in-process ILS simulator (no devices)",
    )
    parser.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    parser.add_argument(
        "--orientation", choices=["portrait", "landscape"], help="override [ui] orientation"
    )
    parser.add_argument(
        "--virtual-display", action="store_true", help="start an Xvfb (no screen attached)"
    )
    parser.add_argument(
        "--exit-after", type=float, metavar="SECONDS", help="stop after this many seconds"
    )
    parser.set_defaults(func=run)


def _ui_settings(settings: Settings, args: argparse.Namespace) -> Settings:
    changes = {}
    if args.windowed:
        changes["fullscreen"] = False
    if args.orientation:
        changes["orientation"] = args.orientation
    if not changes:
        return settings
    return settings.model_copy(update={"ui": settings.ui.model_copy(update=changes)})


def run(args: argparse.Namespace) -> int:
    settings = _ui_settings(settings_from(args), args)
    return run_app(
        settings,
        demo_session=args.demo_session,
        virtual_display=args.virtual_display,
        exit_after=args.exit_after,
    )


def run_app(
    settings: Settings,
    *,
    demo_session: bool = False,
    virtual_display: bool = False,
    exit_after: float | None = None,
) -> int:
    """Start the touch app (also what `kiosk demo` calls); returns when the app stops."""
    display = None
    if virtual_display:
        from kiosk.demo.virtual_display import DisplayUnavailable, VirtualDisplay

        display = VirtualDisplay()
        try:
            display.start()
        except DisplayUnavailable as error:
            raise CommandError(str(error), EXIT_UNREACHABLE) from error
    try:
        with tempfile.TemporaryDirectory(prefix="kiosk-kivy-") as home:
            from kiosk.ui.boot import configure_kivy

            kivy_home = Path(settings.kiosk.data_dir) / "kivy" if not display else Path(home)
            configure_kivy(settings.ui, kivy_home, headless=display is not None)
            asyncio.run(_serve(settings, demo_session, exit_after))
    except StoreError as error:  # full, read-only or damaged: never a fresh store by itself
        raise CommandError(f"{error}; see `kiosk store check`", EXIT_REFUSED) from None
    finally:
        if display is not None:
            display.stop()
    return 0


async def _serve(settings: Settings, demo_session: bool, exit_after: float | None) -> None:
    async with contextlib.AsyncExitStack() as stack:
        showroom = None
        if demo_session or settings.ils is None:  # the library's systems, in this process
            from kiosk.demo.showroom import Showroom

            showroom = Showroom()
        app, _ = await assemble_app(settings, stack, showroom=showroom)
        _watchdog(stack)
        if exit_after:
            asyncio.get_running_loop().call_later(exit_after, app.stop)
        await app.async_run(async_lib="asyncio")


def _watchdog(stack: contextlib.AsyncExitStack) -> None:
    """Under the systemd unit (Type=notify, WatchdogSec=): READY, then pings from this loop."""
    from kiosk.telemetry.sd_notify import SystemdNotifier

    notifier = SystemdNotifier.from_environment()
    if notifier is not None:
        task = asyncio.create_task(notifier.keep_alive(), name="systemd-watchdog")
        stack.callback(task.cancel)
