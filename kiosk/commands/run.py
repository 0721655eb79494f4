"""`kiosk run`: start the touch app full screen on the configured display.

With an [ils] table the app drives the real kiosk that kiosk.assembly.build_kiosk assembles (the
session core over SIP2, the RFID pad, the receipt desk, the outbox replay worker, the lockers
and /metrics, each when its table is present; docs/ui.md "What `kiosk run` wires");
``--demo-session`` (or no [ils]) runs the same real kiosk on an in-process ILS simulator with
no devices (kiosk/demo/showroom.py: a showroom, a layout check; no server needed).
The app, the core and the devices share one asyncio loop
(App.async_run). ``--virtual-display`` starts an Xvfb for machines with no screen;
``--exit-after`` stops after N seconds (smoke tests, benchmarks).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
from datetime import datetime
from pathlib import Path

from kiosk.commands.common import EXIT_UNREACHABLE, CommandError, settings_from
from kiosk.settings import Settings


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
    finally:
        if display is not None:
            display.stop()
    return 0


async def _serve(settings: Settings, demo_session: bool, exit_after: float | None) -> None:
    async with contextlib.AsyncExitStack() as stack:
        app, _ = await assemble_app(settings, stack, demo_session=demo_session)
        if exit_after:
            asyncio.get_running_loop().call_later(exit_after, app.stop)
        await app.async_run(async_lib="asyncio")


async def assemble_app(
    settings: Settings,
    stack: contextlib.AsyncExitStack,
    *,
    demo_session: bool = False,
    speech: bool = True,
):
    """The touch app over the kiosk the settings describe, as `kiosk run` starts it: the
    real core (kiosk.assembly.build_kiosk, its parts stopped by ``stack``; on the showroom's
    in-process ILS simulator with ``demo_session`` or no [ils]), the room screens, espeak-ng
    (unless ``speech`` is False). Returns the KioskApp (not running yet) and the Kiosk. Also what
    `kiosk bench ui-memory` measures."""
    from kiosk.i18n import Catalogs
    from kiosk.ui.app import KioskApp
    from kiosk.ui.presenters.attract import attract_view

    attract = attract_view(settings)
    if demo_session or settings.ils is None:
        from kiosk.demo.showroom import showroom_settings

        settings = stack.enter_context(showroom_settings(settings))
    from kiosk.assembly import build_kiosk

    kiosk = await stack.enter_async_context(build_kiosk(settings, attract=attract))
    port = kiosk.port
    port = _with_rooms(settings, port, demo_session, kiosk)
    app = KioskApp(
        port,
        Catalogs(),
        settings.ui,
        settings.kiosk.library_name,
        default_language=settings.kiosk.language,
        speaker=_speaker(settings) if speech else None,
    )
    if speech:
        _listen_to_the_jack(settings, app, stack)
    _keep_new_books_fresh(settings, app, stack)
    _read_cards(settings, app, stack)
    return app, kiosk


def _read_cards(settings: Settings, app, stack: contextlib.AsyncExitStack) -> None:
    """The [scanner] table: a keyboard-wedge scanner is read from the app's key events, a
    serial one on its own thread; a whole code scanned that is a card number ([scanner]
    card_pattern) or an item barcode ([circulation] item_pattern) goes to the app at once.
    Anything else is logged, masked; a person typing on the keypad never makes a scan (keys
    further apart than max_key_gap_s are not one)."""
    import logging

    from device_drivers.scanners.card_scan import CardRule, CardScanned, ScanAssembler
    from device_drivers.scanners.keyboard_wedge import KeyboardWedge
    from device_drivers.scanners.serial_scanner import SerialScanner

    section = settings.scanner
    if section is None:
        return
    log = logging.getLogger("knygomatas.scanner")
    codes = CardRule(f"(?:{section.card_pattern})|(?:{settings.circulation.item_pattern})")
    assembler = ScanAssembler(codes, section.terminator, section.max_key_gap_s, section.timeout_s)

    def card_of(results, typed: bool) -> str | None:
        for result in results:
            if isinstance(result, CardScanned):
                return result.card
            if not typed:  # from the keypad, a "rejected scan" is only a person typing
                log.warning("card scan rejected: %s (%s)", result.reason, result.shown)
        return None

    if section.kind == "keyboard":
        wedge = KeyboardWedge(assembler)
        app.listen_keys(lambda key, now: card_of(wedge.key(key, now), typed=True))
        return
    loop = asyncio.get_running_loop()

    def on_result(result) -> None:  # on the scanner's thread
        card = card_of([result], typed=False)
        if card:
            loop.call_soon_threadsafe(app.code_scanned, card)

    scanner = SerialScanner(section.url, assembler, on_result, baudrate=section.baudrate)
    scanner.start()
    stack.callback(scanner.stop)


def _keep_new_books_fresh(settings: Settings, app, stack: contextlib.AsyncExitStack) -> None:
    """[ui] new_books_source = "feed": the OPAC's feed, fetched on a worker thread now and
    every new_books_refresh_s; the configured list stays up until it answers (docs/new-books.md)."""
    from backend_sync.feeds.client import keep_fresh
    from kiosk.ui.presenters.views import BookCard
    from kiosk.wiring.feeds import feed_from

    feed = feed_from(settings.ui)
    if feed is None:
        return

    def show(books) -> None:
        app.new_books_arrived(tuple(BookCard(book.title, book.author) for book in books))

    every_s = settings.ui.new_books_refresh_s
    task = asyncio.create_task(keep_fresh(feed, show, every_s, asyncio.to_thread), name="feed")
    stack.callback(task.cancel)


def _listen_to_the_jack(settings: Settings, app, stack: contextlib.AsyncExitStack) -> None:
    """Headphones plugged into the kiosk's jack switch speech on ([ui] headphone_jack,
    docs/speech.md); a jack that cannot be read is logged once and retried, never fatal."""
    from device_drivers.speech.jack import HeadphoneJack

    jack = HeadphoneJack(settings.ui.headphone_jack, on_change=app.headphones_changed)
    jack.start(asyncio.get_running_loop())
    stack.callback(jack.close)


def _with_rooms(settings: Settings, port, demo_session: bool, kiosk=None):
    """Put the room screens in front of the session port when [rooms] is configured (the
    booking system's fake of kiosk/demo/showroom.py with --demo-session and no [rooms] table).
    Confirmations print or e-mail through the running kiosk's receipt desks."""
    from zoneinfo import ZoneInfo

    from kiosk.app_rooms import build_rooms
    from kiosk.ui.rooms_session import RoomsFlow

    tz = ZoneInfo(settings.kiosk.timezone)
    desks = getattr(kiosk, "receipt_desks", None)
    if desks is not None:
        send = _room_receipts(desks, asyncio.get_running_loop())
        offers = {
            "offers_print": kiosk.printer is not None,
            "offers_email": kiosk.mailer is not None,
        }
        rooms = build_rooms(settings, send, **offers)
    else:
        rooms = build_rooms(settings)
    if rooms is None and demo_session:
        from kiosk.demo.showroom import showroom_rooms

        rooms = showroom_rooms(settings)
    if rooms is None:
        return port
    from concurrent.futures import ThreadPoolExecutor

    # Room-desk calls block on HTTP: one worker runs them in order, the screens come back
    # to the UI's loop.
    worker = ThreadPoolExecutor(1, thread_name_prefix="rooms")
    loop = asyncio.get_running_loop()
    return RoomsFlow(
        port,
        rooms,
        now=lambda: datetime.now(tz),
        run_blocking=worker.submit,
        on_main=loop.call_soon_threadsafe,
    )


def _speaker(settings: Settings):
    from device_drivers.speech.espeak import EspeakOptions, EspeakSpeaker, SpeechUnavailable

    try:
        return EspeakSpeaker(EspeakOptions(rate_wpm=settings.ui.speech_rate))
    except SpeechUnavailable:
        return None  # the app stays silent; the speech button still shows, docs/ui.md


def _room_receipts(desks, loop: asyncio.AbstractEventLoop):
    """A room confirmation printed or e-mailed through a receipt desk of its own. Called on
    the room worker thread (never the UI loop), so it waits for the desk on the loop."""
    from uuid import uuid4

    from kiosk.core.receipt_delivery import State

    def send(kind: str, receipt, patron, language: str) -> bool:
        desk = desks(f"room-{uuid4().hex[:8]}", receipt)
        if kind == "print":
            job = desk.print()
        elif patron.email:
            job = desk.email(patron.email)
        else:
            return False
        try:
            outcome = asyncio.run_coroutine_threadsafe(job, loop).result(ROOM_RECEIPT_TIMEOUT_S)
        except (
            Exception
        ):  # a printer or mail fault is reported by the desk; the patron sees "failed"
            return False
        return outcome.state in (State.PRINTED, State.EMAIL_QUEUED)

    return send


ROOM_RECEIPT_TIMEOUT_S = 60.0
