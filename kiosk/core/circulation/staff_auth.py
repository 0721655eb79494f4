"""Staff sign-in at the kiosk: a card matching ``[circulation] staff_card_pattern`` and its PIN,
always (issue 7: "staff and technician mode, staff card + PIN").

The PIN is checked, in this order:

1. at the ILS, like a patron's (SIP2 Patron Information with the PIN): staff are patrons of a
   staff category there. Signed in only for a valid patron, a valid PIN (BL=Y, CQ=Y) and a
   card not reported lost. Any other answer is "wrong PIN", counted toward the same per-card
   lockout as a patron's, so a refusal says nothing more about the card.
2. only when the ILS cannot be asked (unreachable, or an answer that cannot be read: exactly
   when a technician is needed), against the local technician credential
   ``[circulation] staff_pin_hash``. Wrong PINs there count for the card *and* for the
   credential itself (key ``TECHNICIAN``), because one PIN serves every staff-pattern card
   and the card number can be typed: without the second count, cycling card numbers would
   give unlimited guesses. No credential configured: staff mode is refused in words.

The credential is a salted scrypt hash, one line::

    scrypt $ N $ r $ p $ salt (base64) $ hash (base64)
    scrypt$16384$8$1$3q2+7w...==$Zm9v...=

N is the CPU/memory cost (a power of two, at least 2^14), r the block size, p the
parallelism; memory used is 128·r·N bytes. Made by ``kiosk staff hash-pin``. Verified with
``hmac.compare_digest``; the scrypt run happens in a worker thread (it takes tens of
milliseconds and must not stall the event loop).

Must never: keep or log the PIN or the whole card number (privacy.mask_card), tell a refused
person whether the card is a staff card, or accept a plain PIN from the configuration.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import logging
from dataclasses import dataclass, field

from kiosk.core.circulation.identify import Identified
from kiosk.core.circulation.notices import Notice
from kiosk.core.errors import LibrarySystemError
from kiosk.core.patron_checks import PinLockout
from kiosk.core.ports import LibrarySystem
from kiosk.core.privacy import mask_card

log = logging.getLogger(__name__)

SCHEME = "scrypt"
COST_N, BLOCK_R, PARALLEL_P = 2**14, 8, 1  # the interactive-login cost (RFC 7914 section 2)
MIN_N, MAX_N = 2**14, 2**20
MAX_R, MAX_P = 32, 16
MAX_MEMORY = 256 * 1024 * 1024  # bytes; scrypt needs 128·r·N
SALT_BYTES, HASH_BYTES = 16, 32
MIN_SALT, MIN_HASH, MAX_HASH = 16, 16, 64
PIN_LENGTHS = range(4, 7)  # what the staff PIN keypad takes (4 to 6 digits)
TECHNICIAN = "\x00technician"  # the lockout's key for the local credential (never a card)


class PinHashError(ValueError):
    """A staff_pin_hash that is not a well-formed scrypt line. The message names what is wrong
    and never repeats the hash."""


class PinFormatError(ValueError):
    """A technician PIN the keypad could not type (not 4 to 6 digits)."""


def check_pin_format(pin: str) -> None:
    if not (pin.isascii() and pin.isdigit() and len(pin) in PIN_LENGTHS):
        raise PinFormatError(
            f"a staff PIN is {PIN_LENGTHS.start} to {PIN_LENGTHS.stop - 1} digits "
            "(what the kiosk's keypad takes)"
        )


@dataclass(frozen=True)
class PinHash:
    """The technician credential: scrypt parameters, salt and digest."""

    n: int
    r: int
    p: int
    salt: bytes = field(repr=False)
    digest: bytes = field(repr=False)

    @classmethod
    def parse(cls, text: str) -> PinHash:
        parts = text.strip().split("$")
        if len(parts) != 6:
            raise PinHashError(
                f"expected scrypt$N$r$p$salt$hash (6 fields separated by $), got {len(parts)}"
                " field(s); make one with `kiosk staff hash-pin`"
            )
        scheme, n, r, p, salt, digest = parts
        if scheme != SCHEME:
            raise PinHashError(f"the scheme must be {SCHEME!r} (a salted scrypt hash)")
        made = cls(
            _number("N", n),
            _number("r", r),
            _number("p", p),
            _b64("salt", salt),
            _b64("hash", digest),
        )
        made.check()
        return made

    def check(self) -> None:
        if self.n & (self.n - 1) or not MIN_N <= self.n <= MAX_N:
            raise PinHashError(f"N must be a power of two from {MIN_N} to {MAX_N}")
        if not 1 <= self.r <= MAX_R or not 1 <= self.p <= MAX_P:
            raise PinHashError(f"r must be 1 to {MAX_R} and p 1 to {MAX_P}")
        if 128 * self.r * self.n > MAX_MEMORY:
            raise PinHashError(f"N and r ask for more than {MAX_MEMORY // 2**20} MiB of memory")
        if len(self.salt) < MIN_SALT:
            raise PinHashError(f"the salt must be at least {MIN_SALT} bytes")
        if not MIN_HASH <= len(self.digest) <= MAX_HASH:
            raise PinHashError(f"the hash must be {MIN_HASH} to {MAX_HASH} bytes")

    def verify(self, pin: str) -> bool:
        """Constant-time comparison of the PIN's scrypt hash with the stored one."""
        computed = _scrypt(pin, self.salt, self.n, self.r, self.p, len(self.digest))
        return hmac.compare_digest(computed, self.digest)

    def line(self) -> str:
        salt = base64.b64encode(self.salt).decode("ascii")
        digest = base64.b64encode(self.digest).decode("ascii")
        return f"{SCHEME}${self.n}${self.r}${self.p}${salt}${digest}"


def hash_pin(
    pin: str, salt: bytes, n: int = COST_N, r: int = BLOCK_R, p: int = PARALLEL_P
) -> PinHash:
    """The credential for ``pin`` with the given salt (the caller's randomness)."""
    check_pin_format(pin)
    made = PinHash(n, r, p, salt, _scrypt(pin, salt, n, r, p, HASH_BYTES))
    made.check()
    return made


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, size: int) -> bytes:
    memory = 128 * r * n * (p + 1) + 1024 * 1024
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=memory, dklen=size)


def _number(name: str, text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise PinHashError(f"{name} must be a whole number")
    return int(text)


def _b64(name: str, text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise PinHashError(f"the {name} is not base64") from None


# -- the sign-in --------------------------------------------------------------------------


async def staff_login(
    library: LibrarySystem,
    credential: PinHash | None,
    lockout: PinLockout,
    card: str,
    pin: str,
    now: float,
) -> Identified:
    """What the session table does next: "staff", "pin_needed" (wrong PIN, tries left) or
    "refused" (locked out, or the ILS unreachable with no local credential)."""
    try:
        patron = await library.patron(card, pin)
    except LibrarySystemError as exc:
        log.warning("staff sign-in %s: ILS not asked (%s)", mask_card(card), type(exc).__name__)
        return await _locally(credential, lockout, card, pin, now)
    if patron.valid and patron.pin_valid is True and "card_lost" not in patron.flags:
        lockout.right(card)
        log.info("staff signed in at the ILS: %s", mask_card(card))
        return Identified("staff")
    log.info("staff sign-in refused at the ILS: %s", mask_card(card))
    return _wrong(lockout, (card,), now, asked_ils=True)


async def _locally(
    credential: PinHash | None, lockout: PinLockout, card: str, pin: str, now: float
) -> Identified:
    if credential is None:
        return Identified("refused", Notice("staff.no_local_pin"), asked_ils=False)
    if lockout.locked(TECHNICIAN, now):
        return Identified("refused", Notice("patron.locked_out"), asked_ils=False)
    if await asyncio.to_thread(credential.verify, pin):
        lockout.right(card)
        lockout.right(TECHNICIAN)
        log.info("staff signed in with the local technician PIN: %s", mask_card(card))
        return Identified("staff", asked_ils=False)
    log.info("staff sign-in refused by the local technician PIN: %s", mask_card(card))
    return _wrong(lockout, (card, TECHNICIAN), now, asked_ils=False)


def _wrong(lockout: PinLockout, keys: tuple[str, ...], now: float, asked_ils: bool) -> Identified:
    locked = [lockout.wrong(key, now) for key in keys]
    if any(locked):
        return Identified("refused", Notice("patron.locked_out"), asked_ils)
    return Identified("pin_needed", Notice("patron.wrong_pin"), asked_ils)
