"""Wrong secrets counted once for the whole kiosk: every way in (the touch screen, the locker
keypad's card + PIN, the `kiosk ils`, `kiosk payments` and `kiosk lockers` commands) counts
in the same lockout, kept in a ledger that outlives the process, so an attacker gains
nothing by switching paths or restarting the kiosk.

The rule (pure, here): ``max_tries`` wrong answers for one subject (a card; the technician
credential) lock it for ``lockout_s``; a right answer clears the count; a wrong answer after
a lockout ran out starts a new count. The ledger (a port; SQLite under [kiosk] data_dir in
backend_sync/attempts/) applies the rule atomically across processes and keeps subjects only
as salted hashes, never a card number or a PIN.

Time is the wall clock of the Clock port (seconds since the epoch): a monotonic clock is not
comparable between two processes. ``now`` arguments that callers pass for the in-memory
PinLockout's interface are therefore ignored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from kiosk.core.clock import Clock
from kiosk.core.errors import LibrarySystemError


@dataclass(frozen=True)
class Tries:
    wrong: int = 0
    locked_until: float = 0.0  # wall time, seconds since the epoch; 0: not locked


def after_wrong(tries: Tries, now: float, max_tries: int, lockout_s: float) -> Tries:
    """The count after one more wrong answer at ``now``."""
    if tries.locked_until and tries.locked_until <= now:
        tries = Tries()
    wrong = tries.wrong + 1
    return Tries(wrong, now + lockout_s if wrong >= max_tries else tries.locked_until)


class AttemptLedger(Protocol):
    """Where the counts live. ``update`` reads, applies ``change`` and writes in one
    transaction that other processes wait for; subjects are hashed by the ledger."""

    def read(self, scope: str, subject: str) -> Tries: ...

    def update(self, scope: str, subject: str, change: Callable[[Tries], Tries]) -> Tries: ...

    def forget(self, scope: str, subject: str) -> None: ...


class Lockout(Protocol):
    """What sign-in needs of a lockout (PinLockout in memory, SharedLockout persisted)."""

    def locked(self, card: str, now: float) -> bool: ...

    def wrong(self, card: str, now: float) -> bool: ...

    def right(self, card: str) -> None: ...

    def tries_left(self, card: str) -> int: ...


@dataclass
class SharedLockout:
    """The PinLockout interface over a persisted ledger, for one ``scope`` ("pin")."""

    ledger: AttemptLedger
    clock: Clock
    max_tries: int = 3
    lockout_s: float = 900.0
    scope: str = "pin"

    def _now(self) -> float:
        return self.clock.now().timestamp()

    def locked(self, card: str, now: float | None = None) -> bool:
        return self.ledger.read(self.scope, card).locked_until > self._now()

    def locked_until(self, card: str) -> float | None:
        until = self.ledger.read(self.scope, card).locked_until
        return until if until > self._now() else None

    def wrong(self, card: str, now: float | None = None) -> bool:
        """Count a wrong answer; True when this one locked the subject."""
        at = self._now()
        before = self.ledger.read(self.scope, card)
        after = self.ledger.update(
            self.scope, card, lambda t: after_wrong(t, at, self.max_tries, self.lockout_s)
        )
        return after.locked_until > at and not before.locked_until > at

    def right(self, card: str) -> None:
        self.ledger.forget(self.scope, card)

    def tries_left(self, card: str) -> int:
        tries = self.ledger.read(self.scope, card)
        if tries.locked_until and tries.locked_until <= self._now():
            return self.max_tries
        return max(0, self.max_tries - tries.wrong)


class PinLockedOut(LibrarySystemError):
    """The card is locked out after too many wrong PINs; the ILS was not asked."""


class PinCountedLibrary:
    """A library-system port whose PIN checks count in the kiosk's lockout: for the paths that
    reach the ILS without the screen (`kiosk ils … --pin`, `kiosk payments pay --pin`). A
    locked card is refused before the ILS is asked (PinLockedOut); a patron answer with the
    PIN judged wrong counts one wrong try, a right one clears the count. A checkout or renewal
    with a PIN checks the PIN first, as the screen does. Everything else passes through."""

    def __init__(self, library: Any, lockout: SharedLockout) -> None:
        self._library = library
        self._lockout = lockout
        self._judged: set[str] = set()  # one command asking thrice is one try (hashes only)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._library, name)

    def _refuse_if_locked(self, card: str) -> None:
        until = self._lockout.locked_until(card)
        if until is not None:  # said in the library's wall time, as the Clock port keeps it
            now = self._lockout.clock.now()
            at = now + timedelta(seconds=until - now.timestamp())
            raise PinLockedOut(
                f"card locked after {self._lockout.max_tries} wrong PINs until "
                f"{at:%Y-%m-%d %H:%M} (the same lockout as the kiosk's screen)"
            )

    async def patron(self, card: str, pin: str | None = None, *, details: str = "") -> Any:
        if pin is None:
            return await self._library.patron(card, pin, details=details)
        self._refuse_if_locked(card)
        answer = await self._library.patron(card, pin, details=details)
        tried = hashlib.sha256(f"{card}\x00{pin}".encode()).hexdigest()
        if tried in self._judged:
            return answer
        if answer.pin_valid is False:
            self._judged.add(tried)
            self._lockout.wrong(card)
        elif answer.pin_valid is True:
            self._judged.add(tried)
            self._lockout.right(card)
        return answer

    async def _pin_first(self, card: str, pin: str | None) -> None:
        if pin is not None:
            answer = await self.patron(card, pin)
            if answer.pin_valid is False:
                raise PinLockedOut("the PIN is not right; nothing was sent")

    async def checkout(self, card: str, item_id: str, pin: str | None = None, **kw: Any) -> Any:
        await self._pin_first(card, pin)
        return await self._library.checkout(card, item_id, pin, **kw)

    async def renew(self, card: str, item_id: str, pin: str | None = None, **kw: Any) -> Any:
        await self._pin_first(card, pin)
        return await self._library.renew(card, item_id, pin, **kw)

    async def renew_all(self, card: str, pin: str | None = None) -> Any:
        await self._pin_first(card, pin)
        return await self._library.renew_all(card, pin)


class CountedStaff:
    """A staff authenticator (``authenticate(card, pin) -> staff id | None``) whose wrong PINs
    count in the kiosk's lockout: the locker bank's staff login, from its screen or from
    `kiosk lockers load|expire --staff`. A locked card is refused without asking."""

    def __init__(self, staff: Any, lockout: SharedLockout) -> None:
        self._staff = staff
        self._lockout = lockout

    def __getattr__(self, name: str) -> Any:
        return getattr(self._staff, name)

    def authenticate(self, card: str, pin: str | None) -> str | None:
        if pin is not None and self._lockout.locked(card):
            return None
        staff_id = self._staff.authenticate(card, pin)
        if pin is not None:
            if staff_id:
                self._lockout.right(card)
            else:
                self._lockout.wrong(card)
        return staff_id
