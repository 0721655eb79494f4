"""The kiosk's one PIN lockout, shared by the screen and the commands: the ledger file under
[kiosk] data_dir and the rule from [circulation] pin_max_tries and lockout_minutes
(docs/security.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from backend_sync.attempts.ledger import SqliteAttemptLedger
from kiosk.core.attempts import CountedStaff, PinCountedLibrary, SharedLockout
from kiosk.core.clock import Clock, SystemClock
from kiosk.settings.model import Settings

ATTEMPTS_FILE = "attempts.sqlite"


def attempts_path(settings: Settings) -> Path:
    return Path(settings.kiosk.data_dir) / ATTEMPTS_FILE


def pin_lockout_from(settings: Settings, clock: Clock | None = None) -> SharedLockout:
    """Patron and staff PINs, wherever they are typed: one count per card for this kiosk."""
    section = settings.circulation
    return SharedLockout(
        SqliteAttemptLedger(attempts_path(settings)),
        clock or SystemClock(settings.kiosk.timezone),
        max_tries=section.pin_max_tries,
        lockout_s=section.lockout_minutes * 60.0,
    )


def pin_counted_library_from(settings: Settings, library: Any) -> PinCountedLibrary:
    """The commands' library client, its PIN checks counted in the kiosk's lockout."""
    return PinCountedLibrary(library, pin_lockout_from(settings))


def counted_staff_from(settings: Settings, staff: Any) -> CountedStaff:
    """The locker bank's staff login, its wrong PINs counted in the kiosk's lockout."""
    return CountedStaff(staff, pin_lockout_from(settings))
