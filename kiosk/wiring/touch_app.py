"""The touch app as `kiosk run` starts it, over the kiosk the settings describe: the real core
(kiosk.wiring.assembly.build_kiosk), the room screens in front of the session port, espeak-ng, the
headphone jack, the new-books feed and the card scanners. The one place where these parts of
the touch app are built from the settings; `kiosk run`, `kiosk demo` and `kiosk bench
ui-memory` call ``assemble_app``.

Must never block the event loop (the scanner, the jack and the feed run on their own threads
or tasks) or start anything that ``stack`` does not stop.
"""

from __future__ import annotations

import asyncio
import contextlib
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

from kiosk.settings import Settings
from kiosk.wiring.loop_bridge import LoopBridge


class Showroom(Protocol):
    """What stands in for the library's systems in `kiosk run --demo-session` (the demo
    harness's kiosk.demo.showroom.Showroom, handed in by the command: the wiring never
    imports the demo)."""

    def settings(self, settings: Settings) -> AbstractContextManager[Settings]: ...

    def rooms(self, settings: Settings, patrons: Any) -> Any: ...


async def assemble_app(
    settings: Settings,
    stack: contextlib.AsyncExitStack,
    *,
    showroom: Showroom | None = None,
    speech: bool = True,
):
    """The touch app over the kiosk the settings describe, as `kiosk run` starts it: the
    real core (kiosk.wiring.assembly.build_kiosk, its parts stopped by ``stack``; on the
    ``showroom``'s in-process ILS simulator when the command hands one in: `kiosk run
    --demo-session` or a config without [ils]), the room screens, espeak-ng
    (unless ``speech`` is False). Returns the KioskApp (not running yet) and the Kiosk. Also what
    `kiosk bench ui-memory` measures."""
    from kiosk.i18n import Catalogs
    from kiosk.ui.app import KioskApp
    from kiosk.ui.presenters.attract import attract_view

    attract = attract_view(settings)
    if showroom is not None:
        settings = stack.enter_context(showroom.settings(settings))
    elif settings.ils is None:
        raise ValueError("no [ils] table: the touch app needs a library system (or a showroom)")
    from kiosk.wiring.assembly import build_kiosk

    kiosk = await stack.enter_async_context(build_kiosk(settings, attract=attract))
    port = kiosk.port
    port = with_rooms(settings, port, showroom, kiosk)
    from kiosk.wiring.pay_screens import with_payments

    port = await with_payments(settings, port, kiosk, stack)  # [payment_terminal]
    from kiosk.wiring.registration_desk import with_registration

    port = with_registration(settings, port, kiosk, stack)  # [registration]
    from kiosk.wiring.branding import brand_colours, brand_logo

    brand_colours(settings)  # [theme]: before the app makes its theme
    app = KioskApp(
        port,
        Catalogs(),
        settings.ui,
        settings.kiosk.library_name,
        default_language=settings.kiosk.language,
        speaker=speaker_from(settings) if speech else None,
    )
    if speech:
        listen_to_the_jack(settings, app, stack, kiosk.health)
    from kiosk.wiring.help import attach_help

    attach_help(settings, app, kiosk)  # [help]: Call a librarian; the voice's buttons
    brand_logo(settings, app)  # [theme]: the logo in the header
    keep_new_books_fresh(settings, app, stack)
    read_cards(settings, app, stack)
    return app, kiosk


def read_cards(settings: Settings, app, stack: contextlib.AsyncExitStack) -> None:
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


def keep_new_books_fresh(settings: Settings, app, stack: contextlib.AsyncExitStack) -> None:
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


def listen_to_the_jack(
    settings: Settings, app, stack: contextlib.AsyncExitStack, health=None
) -> None:
    """Headphones plugged into the kiosk's jack switch speech on ([ui] headphone_jack,
    docs/speech.md); a jack that cannot be read is logged once and retried, never fatal. Its
    health goes to ``health`` (/health and the staff screen: kiosk/wiring/jack_health.py)."""
    from device_drivers.speech.jack import HeadphoneJack
    from kiosk.wiring.jack_health import jack_health_reporter

    on_health = jack_health_reporter(health) if health is not None else None
    jack = HeadphoneJack(
        settings.ui.headphone_jack, on_change=app.headphones_changed, on_health=on_health
    )
    jack.start(asyncio.get_running_loop())
    stack.callback(jack.close)


def with_rooms(settings: Settings, port, showroom: Showroom | None = None, kiosk=None):
    """Put the room screens in front of the session port when [rooms] is configured (the
    booking system's fake of kiosk/demo/showroom.py with --demo-session and no [rooms] table).
    Confirmations print or e-mail through the running kiosk's receipt desks."""
    from zoneinfo import ZoneInfo

    from kiosk.ui.rooms_session import RoomsFlow
    from kiosk.wiring.room_desk import IlsPatrons, build_rooms

    tz = ZoneInfo(settings.kiosk.timezone)
    bridge = LoopBridge.of_running_loop()
    library = getattr(kiosk, "library", None)
    patrons = IlsPatrons(library, bridge) if library is not None else None
    desks = getattr(kiosk, "receipt_desks", None)
    if desks is not None:
        send = room_receipts(desks, bridge)
        offers = {
            "offers_print": kiosk.printer is not None,
            "offers_email": kiosk.mailer is not None,
        }
        rooms = build_rooms(settings, send, patrons=patrons, **offers)
    else:
        rooms = build_rooms(settings, patrons=patrons)
    if rooms is None and showroom is not None and patrons is not None:
        rooms = showroom.rooms(settings, patrons)
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


def speaker_from(settings: Settings):
    from device_drivers.speech.espeak import EspeakOptions, EspeakSpeaker, SpeechUnavailable

    try:
        return EspeakSpeaker(EspeakOptions(rate_wpm=settings.ui.speech_rate))
    except SpeechUnavailable:
        return None  # the app stays silent; the speech button still shows, docs/ui.md


def room_receipts(desks, bridge: LoopBridge):
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
            outcome = bridge.run(job, ROOM_RECEIPT_TIMEOUT_S)
        except (
            Exception
        ):  # a printer or mail fault is reported by the desk; the patron sees "failed"
            return False
        return outcome.state in (State.PRINTED, State.EMAIL_QUEUED)

    return send


ROOM_RECEIPT_TIMEOUT_S = 60.0
