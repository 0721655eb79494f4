"""The composition root's core parts: it turns validated settings into adapters and core services;
everything else receives what it needs from here (no singletons, no import-time side effects).

This module holds what every kiosk has: the ILS (the SIP2 client of [ils]), the circulation
service with its rules and offline policy, the session timer, and the local store (outbox and
statistics) with its sync worker. Its siblings in kiosk/wiring/ hold the rest: rfid_pad.py (the
RFID driver as the core's Pad port), lockers.py (the locker bank), room_desk.py (room booking);
assembly.py starts and stops the parts in order.

Must never be imported by the core, the drivers, the backends or the UI (the import-linter
contracts in pyproject.toml keep it so), nor start anything when imported.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from backend_sync.store.database import open_store
from backend_sync.store.outbox import OutboxStore, SqliteOutbox
from backend_sync.store.replayer import Replayer, ReplayPolicy
from backend_sync.store.statistics import SqliteStatistics, StoreStatistics
from backend_sync.store.sync_worker import Backoff, SyncWorker
from kiosk.core.circulation.offline_policy import OfflineMode, OfflinePolicy
from kiosk.core.circulation.pad import Pad
from kiosk.core.circulation.service import CirculationRules, CirculationService, Ports
from kiosk.core.circulation.session import IdleTimer
from kiosk.core.clock import Clock, SystemClock
from kiosk.core.library_pool import LibraryPool
from kiosk.core.outbox import Outbox
from kiosk.core.ports import LibrarySystem
from kiosk.settings.circulation import CirculationSection
from kiosk.settings.model import Settings
from kiosk.wiring.attempts import pin_lockout_from
from kiosk.wiring.library import session_library_from

# -- circulation (issue 6): the rules, the offline policy and the service ------------------


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
        library = session_library_from(settings)
    clock = clock or SystemClock(settings.kiosk.timezone)
    hooks.setdefault("pin_lockout", pin_lockout_from(settings, clock))  # shared with commands
    ports = Ports(
        library=library,
        outbox=outbox,
        clock=clock,
        pad=pad,
        **hooks,
    )
    return CirculationService(
        ports,
        circulation_rules(
            settings.circulation, library.size if isinstance(library, LibraryPool) else 1
        ),
        offline_policy(settings.circulation),
        kiosk_id=settings.kiosk.id,
        library_name=settings.kiosk.library_name,
    )


async def run_session_timer(service: CirculationService, interval_s: float = 1.0) -> None:
    """The idle warning and end need a beat: call the service's tick until cancelled."""
    while True:
        await asyncio.sleep(interval_s)
        await service.tick()


# -- the local store and its sync worker ---------------------------------------------------


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
