"""The composition root's hold-pickup lockers: ``build_lockers`` turns [lockers] (with [ils],
[smtp], [sms] and [store]) into a LockerRunner: the lock boards, the locker logic
(kiosk/core/lockers/), its SQLite state, the ILS port (offline loans go to the main store's
outbox) and the pickup notifier.

Must never load pymodbus or the locker adapters on a kiosk without lockers (they are imported
inside the builder), or start anything itself: the caller starts the runner.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from backend_sync.lockers.runner import LockerRunner, utc_now
from backend_sync.store.database import open_store
from backend_sync.store.outbox import OutboxStore, SqliteOutbox
from kiosk.core.health import ActivityRecorder, HealthReporter
from kiosk.core.lockers.ports import RandomSource
from kiosk.core.ports import LibrarySystem
from kiosk.settings.lockers import LockersSection
from kiosk.settings.model import Settings
from kiosk.wiring.attempts import counted_staff_from, pin_lockout_from
from kiosk.wiring.core_parts import store_path
from kiosk.wiring.library import library_from
from kiosk.wiring.loop_bridge import LoopBridge


def build_lockers(
    settings: Settings,
    *,
    library: LibrarySystem | None = None,
    bridge: LoopBridge | None = None,
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
    from backend_sync.lockers.ils_port import LockerLibrary, StaffByIls
    from backend_sync.lockers.store import SqliteLockerStore
    from kiosk.core.lockers.service import LockerService
    from kiosk.wiring.locks import compartment_specs_from, lock_bank_from, locker_policy_from
    from kiosk.wiring.notify import locker_notifier_from

    section: LockersSection | None = settings.lockers
    if section is None or (library is None and settings.ils is None):
        raise ValueError("lockers need a [lockers] and an [ils] table")
    state_file = Path(settings.kiosk.data_dir) / section.state_file  # (absolute stays so)
    store = SqliteLockerStore(state_file)  # the files first: they are what may refuse
    outbox = SqliteOutbox(OutboxStore(open_store(store_path(settings))))
    if bridge is not None and library is None:
        raise ValueError("a kiosk's own loop brings its library client: pass library too")
    own_library = library is None
    library = library or library_from(settings)
    timeout_s = max(30.0, (settings.ils.timeout_s if settings.ils else 10) * 4)
    loop = bridge or LoopBridge.own_loop("lockers", timeout_s=timeout_s)
    location = section.pickup_location or (settings.ils.location if settings.ils else "")
    ils = LockerLibrary(library, loop.run, location, outbox=outbox, kiosk_id=settings.kiosk.id)
    staff_cards = section.staff_card_pattern or settings.circulation.staff_card_pattern
    notifier = locker_notifier_from(settings)
    bank = lock_bank_from(section)
    service = LockerService(
        compartment_specs_from(section),
        locker_policy_from(section),
        bank,
        ils,
        notifier,
        random or secrets.SystemRandom(),
        staff=counted_staff_from(settings, StaffByIls(ils, staff_cards)),
        health=health,
        activity=activity,
    )
    service.card_tries = pin_lockout_from(settings)  # the patron PIN lockout of the screen
    closers = [bank.close]
    if own_library:  # on a loop of its own (commands): closed there, then the loop stops
        closers.append(lambda: loop.run(library.close()))
    closers += [loop.close, store.close]
    return LockerRunner(
        service, store, bank.reset_coils, section.poll_interval_s, clock or utc_now, closers
    )
