"""Pickup codes: random digits from an injected source, kept only as salted hashes, single
use, with an expiry, one code for all of a patron's compartments; and the keypad guard that
counts wrong codes and locks the keypad for a while.

A code is never stored or logged in clear. Stored per code: a salt and
SHA-256(salt + PBKDF2-SHA256(code, bank salt)). The slow PBKDF2 uses one salt for the bank
so an attempt costs one slow hash however many codes are active (a per-code PBKDF2 would
make every keypad entry cost N slow hashes); the per-code salt keeps equal codes apart. A
short numeric code can still be brute-forced from a stolen store (10^6 tries for 6 digits),
which is why the keypad guard and the expiry matter more than the hash's cost. Pure: ``now``
and the random source come in.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from kiosk.core.lockers.ports import RandomSource


@dataclass(frozen=True)
class CodeRecord:
    patron_id: str
    compartments: frozenset[int]
    salt: bytes
    digest: bytes
    issued_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    revoked: bool = False

    def active(self, now: datetime) -> bool:
        return self.used_at is None and not self.revoked and now < self.expires_at


class CodeBook:
    def __init__(self, random: RandomSource, length: int = 6, iterations: int = 100_000) -> None:
        self.random = random
        self.length = length
        self.iterations = iterations
        self.bank_salt = random.randbytes(16)
        self.records: list[CodeRecord] = []

    def _stretch(self, code: str) -> bytes:
        return hashlib.pbkdf2_hmac("sha256", code.encode("ascii"), self.bank_salt, self.iterations)

    @staticmethod
    def _digest(stretched: bytes, salt: bytes) -> bytes:
        return hashlib.sha256(salt + stretched).digest()

    def issue(
        self, patron_id: str, compartments: frozenset[int], now: datetime, expires_at: datetime
    ) -> tuple[str, CodeRecord]:
        """A fresh code for the patron, replacing (revoking) any code they still hold."""
        self.revoke_patron(patron_id)
        for _ in range(100):
            code = "".join(str(self.random.randrange(10)) for _ in range(self.length))
            if self.match(code, now) is None:
                break
        else:
            raise RuntimeError("could not draw a code distinct from the active ones")
        salt = self.random.randbytes(16)
        record = CodeRecord(
            patron_id, compartments, salt, self._digest(self._stretch(code), salt), now, expires_at
        )
        self.records.append(record)
        return code, record

    def match(self, code: str, now: datetime) -> CodeRecord | None:
        if len(code) != self.length or not code.isdigit():
            return None
        stretched = self._stretch(code)
        for record in self.records:
            if record.active(now) and hmac.compare_digest(
                record.digest, self._digest(stretched, record.salt)
            ):
                return record
        return None

    def _swap(self, old: CodeRecord, new: CodeRecord) -> CodeRecord:
        self.records[self.records.index(old)] = new
        return new

    def consume(self, record: CodeRecord, now: datetime) -> CodeRecord:
        return self._swap(record, replace(record, used_at=now))

    def revoke_patron(self, patron_id: str) -> None:
        for record in list(self.records):
            if record.patron_id == patron_id and record.used_at is None and not record.revoked:
                self._swap(record, replace(record, revoked=True))

    def forget_before(self, cutoff: datetime) -> None:
        """Drop records that can no longer match and are older than ``cutoff``."""
        self.records = [r for r in self.records if r.expires_at >= cutoff or r.issued_at >= cutoff]


class KeypadGuard:
    """Counts consecutive wrong codes; ``max_wrong`` of them lock the keypad for ``lockout``."""

    def __init__(self, max_wrong: int, lockout: timedelta) -> None:
        self.max_wrong = max_wrong
        self.lockout = lockout
        self.wrong = 0
        self.locked_until: datetime | None = None

    def locked(self, now: datetime) -> bool:
        if self.locked_until is not None and now >= self.locked_until:
            self.locked_until = None
            self.wrong = 0
        return self.locked_until is not None

    def record_wrong(self, now: datetime) -> bool:
        """Count a wrong code; True when this one locked the keypad."""
        self.wrong += 1
        if self.wrong >= self.max_wrong:
            self.locked_until = now + self.lockout
            return True
        return False

    def record_success(self) -> None:
        self.wrong = 0
