"""The ports the locker logic talks through: lock hardware, randomness, the library system,
the local store, the notifier and staff authentication. Time comes in as ``now`` arguments
(the composition root reads kiosk.core.clock); health and activity go out through
kiosk.core.health.

Adapters implement these structurally (``typing.Protocol``); the core never imports them.
The hardware port is what ``device_drivers.locks.bank.LockBank`` and the in-process fake
both provide. The ILS, store and notifier ports are the contract other packages
(``backend_sync.sip2``, ``backend_sync.store``, ``backend_sync.notify``) are to fulfil.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


class DeviceUnavailable(Exception):
    """A lock board did not answer usefully (silent, garbled, timed out) after its retries.

    ``board`` names the configured board, so the rest of the bank keeps working.
    """

    def __init__(self, board: str, message: str) -> None:
        super().__init__(f"board {board!r}: {message}")
        self.board = board


@dataclass(frozen=True)
class SensorReading:
    door_closed: bool
    occupied: bool | None  # None: this compartment has no occupancy sensor


@dataclass(frozen=True)
class BoardHealth:
    board: str
    ok: bool
    consecutive_failures: int = 0  # requests that failed after all their retries, in a row
    total_failures: int = 0  # such requests since start
    retried: int = 0  # attempts that failed but were saved by a retry
    last_error: str = ""


class LockHardware(Protocol):
    """A bank of compartments addressed by their configured numbers."""

    def release(self, compartment: int) -> None:
        """Pulse the compartment's lock. Raises DeviceUnavailable."""

    def read(self, compartment: int) -> SensorReading:
        """One compartment's sensors. Raises DeviceUnavailable."""

    def read_all(self) -> Mapping[int, SensorReading]:
        """Every compartment on a reachable board; those on failing boards are left out."""

    def health(self) -> Mapping[str, BoardHealth]: ...


class RandomSource(Protocol):
    """``secrets.SystemRandom()`` in production, a seeded ``random.Random`` in tests."""

    def randrange(self, stop: int) -> int: ...

    def randbytes(self, n: int) -> bytes: ...


@dataclass(frozen=True)
class HoldCheckin:
    """What the ILS said when a held item was checked in during loading."""

    item_id: str
    ok: bool
    hold_patron: str = ""
    pickup_location: str = ""
    title: str = ""
    patron_language: str = ""
    patron_email: str = ""
    patron_phone: str = ""
    screen_message: str = ""


@dataclass(frozen=True)
class Checkout:
    item_id: str
    ok: bool
    offline: bool = False  # recorded in the outbox as no-block, replayed later
    screen_message: str = ""


class LibrarySystem(Protocol):
    """What the locker logic asks of the ILS (fulfilled by the SIP2 client and its outbox)."""

    def checkin(self, item_id: str, now: datetime) -> HoldCheckin: ...

    def checkout(self, patron_id: str, item_id: str, now: datetime) -> Checkout: ...

    def authenticate_patron(self, card: str, pin: str, now: datetime) -> str | None:
        """The patron id when card and PIN are valid, else None; raises LibraryUnavailable
        when the ILS cannot be asked (that is no wrong PIN)."""


class StaffAuthenticator(Protocol):
    def authenticate(self, card: str, pin: str | None) -> str | None:
        """The staff member's id, or None."""


@dataclass(frozen=True)
class PickupNotice:
    patron_id: str
    language: str
    email: str
    phone: str
    locker: str
    compartments: tuple[int, ...]
    code: str
    deadline: datetime
    titles: tuple[str, ...]


class Notifier(Protocol):
    """Sends the pickup code; a failure is retried by the notifier's own outbox."""

    def send_pickup_code(self, notice: PickupNotice) -> None: ...


class LockerStore(Protocol):
    """Durable record of the bank (to be fulfilled by backend_sync.store).

    The composition root passes ``on_change=lambda: store.save(recovery.snapshot(service))``;
    ``save`` must write the whole snapshot in one transaction (a power cut leaves the old or
    the new state, never a mix) and return only once it is durable, because the service
    releases a lock right after saving its intent. ``load`` returns the last saved snapshot.
    """

    def save(self, snapshot: Mapping[str, Any]) -> None: ...

    def load(self) -> Mapping[str, Any] | None: ...
