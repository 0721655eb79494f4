"""The local store's health for /health and the staff alert: device "store" (kiosk/core/
health.py: always essential), down while the store's disk is full, read-only or its file
damaged (backend_sync/store/faults.py names the fault), up again at the first commit.

Must not open the store (build_local_store in core_parts.py does) nor start a thread: the
report comes from the statements the kiosk makes anyway.
"""

from __future__ import annotations

from collections.abc import Callable

from backend_sync.store.faults import CORRUPT, StoreWatch, check_store, hold_in_use
from backend_sync.store.outbox import OutboxStore
from kiosk.core.health import DeviceHealth, DeviceKind, DeviceState, HealthReporter
from kiosk.settings.model import Settings
from kiosk.wiring.core_parts import store_path


def watch_store(
    settings: Settings, store: OutboxStore, health: HealthReporter
) -> Callable[[], None]:
    """Report the store's check at start (a file damaged inside is quarantined: every
    transaction on it refused), then each disk fault a statement meets and the
    first commit after it. Marks the file in use until the returned closer runs, so
    `kiosk store recover` refuses to set a live store aside."""
    path = store_path(settings)

    def report(fault: str | None) -> None:
        state = DeviceState.DOWN if fault else DeviceState.OK
        health.report(DeviceHealth("store", DeviceKind.STORE, state, fault or ""))

    watch = StoreWatch(store.engine, report)
    fault = check_store(path).fault
    if fault == CORRUPT:  # opened, but damaged inside: nothing more is written to it
        watch.quarantine(fault)
    else:
        report(fault)
    return hold_in_use(path).close
