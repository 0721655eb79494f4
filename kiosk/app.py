"""The composition root: the only module that knows the concrete adapters.

It turns validated settings into adapters and core services; everything else receives what it
needs from here (no singletons, no import-time side effects).
"""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from backend_sync.lockers.runner import LockerRunner, utc_now
from backend_sync.sip2.client import Sip2Client, Sip2Config
from backend_sync.sip2.connection import Endpoint, Wire
from backend_sync.sip2.mapping import Terminal
from backend_sync.store.database import open_store
from backend_sync.store.outbox import OutboxStore, SqliteOutbox
from backend_sync.store.replayer import Replayer, ReplayPolicy
from backend_sync.store.statistics import SqliteStatistics, StoreStatistics
from backend_sync.store.sync_worker import Backoff, SyncWorker
from device_drivers.rfid.interface import ReaderUnavailable, RfidError, TagReader
from device_drivers.rfid.library_tags import LibraryTags, SecurityPair
from device_drivers.rfid.pad import PadEvent as RfidPadEvent
from device_drivers.rfid.pad import PadTracker, ReaderLost, TagsArrived, TagsLeft
from device_drivers.rfid.pad_monitor import PadMonitor
from kiosk.core.circulation import CirculationRules, CirculationService, Ports
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.health import ActivityRecorder, HealthReporter
from kiosk.core.library_pool import LibraryPool
from kiosk.core.lockers.ports import RandomSource
from kiosk.core.offline_policy import OfflineMode, OfflinePolicy
from kiosk.core.outbox import Outbox
from kiosk.core.pad import (
    ItemsArrived,
    ItemsLeft,
    Pad,
    PadEvent,
    PadItem,
    PadLost,
    PadProblem,
    PadRestored,
    PadUnavailable,
    SecurityWriteFailed,
)
from kiosk.core.ports import LibrarySystem
from kiosk.core.session import IdleTimer
from kiosk.settings.circulation import CirculationSection
from kiosk.settings.ils import IlsSection
from kiosk.settings.lockers import LockersSection
from kiosk.settings.model import Settings
from kiosk.settings.rfid import RfidSection


def sip2_config(ils: IlsSection) -> Sip2Config:
    return Sip2Config(
        endpoint=Endpoint(
            host=ils.host,
            port=ils.port,
            tls=ils.tls,
            tls_verify=ils.tls_verify,
            ca_file=ils.tls_ca_file,
            cert_file=ils.tls_cert_file,
            key_file=ils.tls_key_file,
            connect_timeout_s=ils.timeout_s,
        ),
        wire=Wire(
            encoding=ils.encoding,
            terminator=b"\r\n" if ils.terminator == "CRLF" else b"\r",
            error_detection=ils.error_detection,
            timeout_s=ils.timeout_s,
            retries=ils.retries,
        ),
        terminal=Terminal(
            institution=ils.institution,
            location=ils.location,
            terminal_password=ils.terminal_password.get_secret_value(),
            nb_due_date=ils.nb_due_date,
        ),
        username=ils.username,
        password=ils.password.get_secret_value(),
        keepalive_s=ils.keepalive_s,
    )


def build_library_system(ils: IlsSection) -> Sip2Client:
    return Sip2Client(sip2_config(ils))


# -- circulation (issue 6): the RFID pad adapted to the core's Pad port, and the service ----


class _OneCallerReader:
    """A TagReader shared by the pad monitor's thread and the security writes: one call at a
    time, as the TagReader contract requires."""

    def __init__(self, reader: TagReader) -> None:
        self._reader = reader
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._reader, name)

        def locked(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return method(*args, **kwargs)

        return locked


def _pad_event(event: RfidPadEvent) -> PadEvent:
    match event:
        case TagsArrived(tags=reads):
            items = tuple(
                PadItem(r.uid, r.item.primary_item_id, r.item.part_number, r.item.parts_in_set)
                for r in reads
                if r.item is not None
            )
            problems = tuple(PadProblem(r.uid, r.kind) for r in reads if r.item is None)
            return ItemsArrived(items, problems)
        case TagsLeft(uids=uids):
            return ItemsLeft(uids)
        case ReaderLost(reason=reason):
            return PadLost(reason)
    return PadRestored()


class RfidPad:
    """The core's Pad port over the RFID driver: the pad monitor in its worker thread, and
    security writes (with read-back) in worker threads, never on the event loop."""

    def __init__(self, reader: TagReader, rfid: RfidSection) -> None:
        self.reader = _OneCallerReader(reader)
        security = SecurityPair(rfid.afi_checked_in, rfid.afi_checked_out, rfid.use_eas)
        self.tags = LibraryTags(
            self.reader,  # type: ignore[arg-type]
            security,
            item_blocks=rfid.item_blocks,
            data_model=rfid.data_model,
            retries=rfid.security_retries,
        )
        self.rfid = rfid
        self.monitor: PadMonitor | None = None

    async def start(self, on_event: Callable[[PadEvent], None]) -> None:
        loop = asyncio.get_running_loop()
        self.monitor = PadMonitor(
            self.reader,  # type: ignore[arg-type]
            self.tags,
            lambda event: loop.call_soon_threadsafe(on_event, _pad_event(event)),
            tracker=PadTracker(self.rfid.arrive_rounds, self.rfid.leave_rounds),
            interval_s=self.rfid.inventory_interval_s,
            reconnect_s=self.rfid.reconnect_s,
        )
        self.monitor.start()

    async def stop(self) -> None:
        if self.monitor is not None:
            monitor, self.monitor = self.monitor, None
            await asyncio.to_thread(monitor.stop)

    async def set_security(self, uid: str, secured: bool) -> None:
        write = self.tags.secure if secured else self.tags.unsecure
        try:
            await asyncio.to_thread(write, uid)
        except ReaderUnavailable as exc:
            raise PadUnavailable(str(exc)) from None
        except RfidError as exc:
            raise SecurityWriteFailed(uid, str(exc)) from None


def circulation_rules(section: CirculationSection, connections: int = 1) -> CirculationRules:
    return CirculationRules(
        pin_required=section.pin_required,
        pin_max_tries=section.pin_max_tries,
        lockout_s=section.lockout_minutes * 60.0,
        idle=IdleTimer(section.idle_warn_s, section.idle_end_s),
        return_without_login=section.return_without_login,
        returns_own_loans_only=section.returns_own_loans_only,
        barcode_items=section.barcode_items,
        card_pattern=section.card_pattern,
        item_pattern=section.item_pattern,
        staff_card_pattern=section.staff_card_pattern,
        staff_pin_hash=section.staff_pin_hash.get_secret_value(),
        expired_markers=section.expired_markers,
        ils_connections=connections,
    )


def offline_policy(section: CirculationSection) -> OfflinePolicy:
    return OfflinePolicy(
        OfflineMode(section.offline_policy),
        section.offline_max_checkouts,
        section.offline_loan_days,
    )


def build_circulation(
    settings: Settings,
    *,
    outbox: Outbox,
    library: LibrarySystem | None = None,
    pad: Pad | None = None,
    clock: Clock | None = None,
    **hooks: Any,
) -> CirculationService:
    """The circulation service from the settings. ``library`` defaults to the SIP2 client of
    [ils]; ``hooks`` go to Ports (receipts, on_view, on_alert, translate)."""
    if library is None:
        if settings.ils is None:
            raise ValueError("circulation needs an [ils] table")
        ils = settings.ils
        library = (
            LibraryPool([build_library_system(ils) for _ in range(ils.connections)])
            if ils.connections > 1
            else build_library_system(ils)
        )
    ports = Ports(library=library, outbox=outbox, clock=clock or SystemClock(), pad=pad, **hooks)
    return CirculationService(
        ports,
        circulation_rules(
            settings.circulation, library.size if isinstance(library, LibraryPool) else 1
        ),
        offline_policy(settings.circulation),
        kiosk_id=settings.kiosk.id,
        library_name=settings.kiosk.library_name,
    )


# -- hold-pickup lockers (issue 4) ----------------------------------------------------------


def build_lockers(
    settings: Settings,
    *,
    library: LibrarySystem | None = None,
    random: RandomSource | None = None,
    clock: Callable[[], datetime] | None = None,
    health: HealthReporter | None = None,
    activity: ActivityRecorder | None = None,
) -> LockerRunner:
    """The locker bank from [lockers] (+ [ils], [smtp], [sms], [store]): lock boards, the
    logic, its SQLite state, the ILS port (offline loans into the main store's outbox) and
    the notifier. ``start()`` it to reset the coils, restore, reconcile and poll. ``health``
    and ``activity`` receive the boards' health and the occupancy (telemetry, staff screen)."""
    # Imported here, not at the top: pymodbus and the locker adapters load only on a
    # kiosk that has lockers.
    from backend_sync.lockers.ils_port import LockerLibrary, LoopThread, StaffByIls
    from backend_sync.lockers.store import SqliteLockerStore
    from backend_sync.notify.locker_notifier import build_locker_notifier
    from device_drivers.locks.bank import LockBank
    from kiosk.core.lockers.policy import LockerPolicy, specs_from_settings
    from kiosk.core.lockers.service import LockerService

    section: LockersSection | None = settings.lockers
    if section is None or (library is None and settings.ils is None):
        raise ValueError("lockers need a [lockers] and an [ils] table")
    state_file = Path(settings.kiosk.data_dir) / section.state_file  # (absolute stays so)
    store = SqliteLockerStore(state_file)  # the files first: they are what may refuse
    outbox = SqliteOutbox(OutboxStore(open_store(store_path(settings))))
    library = library or build_library_system(settings.ils)  # type: ignore[arg-type]
    loop = LoopThread(timeout_s=max(30.0, (settings.ils.timeout_s if settings.ils else 10) * 4))
    location = section.pickup_location or (settings.ils.location if settings.ils else "")
    ils = LockerLibrary(library, loop, location, outbox=outbox, kiosk_id=settings.kiosk.id)
    staff_cards = section.staff_card_pattern or settings.circulation.staff_card_pattern
    notifier = build_locker_notifier(
        settings.kiosk.library_name,
        ZoneInfo(settings.kiosk.timezone),
        section,
        settings.smtp,
        settings.sms,
    )
    bank = LockBank.from_settings(section)
    service = LockerService(
        specs_from_settings(section),
        LockerPolicy.from_settings(section),
        bank,
        ils,
        notifier,
        random or secrets.SystemRandom(),
        staff=StaffByIls(ils, staff_cards),
        health=health,
        activity=activity,
    )
    closers = [bank.close, lambda: loop.run(library.close()), loop.close, store.close]
    return LockerRunner(
        service, store, bank.reset_coils, section.poll_interval_s, clock or utc_now, closers
    )


async def run_session_timer(service: CirculationService, interval_s: float = 1.0) -> None:
    """The idle warning and end need a beat: call the service's tick until cancelled."""
    while True:
        await asyncio.sleep(interval_s)
        await service.tick()


def store_path(settings: Settings) -> Path:
    """The local store's file: [store] file, under [kiosk] data_dir unless absolute."""
    path = Path(settings.store.file)
    return path if path.is_absolute() else Path(settings.kiosk.data_dir) / path


def build_local_store(settings: Settings) -> tuple[OutboxStore, SqliteOutbox, SqliteStatistics]:
    """Open (and migrate) the local store: the outbox and statistics ports on one file."""
    engine = open_store(store_path(settings))
    store = OutboxStore(engine)
    return store, SqliteOutbox(store), SqliteStatistics(StoreStatistics(engine, settings.kiosk.id))


def build_sync_worker(settings: Settings, store: OutboxStore, library: LibrarySystem) -> SyncWorker:
    """The outbox replay worker: run `worker.run()` as a task in the kiosk's loop, and set
    `outbox.on_added = worker.wake` on the SqliteOutbox so a new entry is sent at once."""
    section = settings.store
    honours = settings.ils.honours_no_block if settings.ils is not None else True
    policy = ReplayPolicy(honours, section.replay_window, section.live_grace_s)
    backoff = Backoff(section.retry_first_s, section.retry_max_s, section.idle_s)
    return SyncWorker(Replayer(store, library, policy), backoff)


class IlsPatrons:
    """The rooms' PatronDirectory over the ILS: one SIP2 patron lookup per card, on its own
    loop in a worker thread (the room desk is synchronous; the SIP2 client is async)."""

    def __init__(self, ils: IlsSection) -> None:
        self.ils = ils

    def patron_by_card(self, card: str) -> Any:
        from concurrent.futures import ThreadPoolExecutor

        from kiosk.core.errors import LibrarySystemError
        from kiosk.core.rooms.errors import BookingSystemUnavailable
        from kiosk.core.rooms.patrons import patron_from_ils

        async def lookup() -> Any:
            client = build_library_system(self.ils)
            try:
                return await client.patron(card)
            finally:
                await client.close()

        with ThreadPoolExecutor(1, thread_name_prefix="rooms-ils") as pool:
            try:
                record = pool.submit(asyncio.run, lookup()).result()
            except LibrarySystemError as exc:
                raise BookingSystemUnavailable(f"library system: {exc}") from None
        return patron_from_ils(record)


@dataclass(frozen=True)
class RoomsParts:
    """What the touch app's room screens are bound to (kiosk.ui.rooms_session.RoomsBackend)."""

    bookings: Any  # kiosk.core.rooms.ports.RoomBookings
    patrons: Any  # kiosk.core.rooms.ports.PatronDirectory
    refresh: Callable[[datetime, bool], bool]
    library_name: str = ""
    kiosk_id: str = ""
    offers_print: bool = False
    offers_email: bool = False


def build_rooms(
    settings: Settings,
    send_receipt: Callable[..., bool] | None = None,
    *,
    offers_print: bool | None = None,
    offers_email: bool | None = None,
) -> Any:
    """The touch app's room booking (kiosk/ui/rooms_session.py) when [rooms] is configured,
    else None: the LibCal client and cache (as `kiosk rooms` builds them), the ILS for
    patrons, a refresh that reports whether the booking system answered. Wrap the session
    port with it: ``RoomsFlow(port, build_rooms(settings), now=...)``."""
    if settings.rooms is None:
        return None
    from kiosk.commands.rooms import open_rooms
    from kiosk.core.rooms.patrons import KnownPatrons

    rooms = open_rooms(settings, ZoneInfo(settings.kiosk.timezone))
    patrons = IlsPatrons(settings.ils) if settings.ils is not None else KnownPatrons()
    return RoomsParts(
        rooms,
        patrons,
        refresh=lambda now, force: _refresh_rooms(rooms, now, force),
        library_name=settings.kiosk.library_name,
        kiosk_id=settings.kiosk.id,
        offers_print=send_receipt is not None if offers_print is None else offers_print,
        offers_email=send_receipt is not None if offers_email is None else offers_email,
    )


def _refresh_rooms(rooms: Any, now: datetime, force: bool) -> bool:
    """Refresh the rooms cache (when due, or now); True when the booking system answered."""
    report = rooms.refresh(now) if force else rooms.refresh_if_due(now)
    return report is None or report.ok
