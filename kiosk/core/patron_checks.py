"""Patron checks: what the ILS said about a card and PIN, turned into one specific answer.

Order of the checks (the first that applies wins, so a patron sees the reason that matters):

    unknown card  > wrong PIN (counted) > card lost > expired > blocked > excessive fines
    > too many overdue > too many items

The PIN lockout counts wrong PINs per card at this kiosk: ``max_tries`` wrong answers lock the
card for ``lockout_s``; a right PIN clears the count. Cards are kept only as salted hashes so
that nothing of a patron survives their session in clear. Pure: the time is passed in.

SIP2 has no "expired" flag: the ILS's screen message is matched against configured markers,
and an otherwise unexplained charge-denied patron is "blocked".
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from kiosk.core.model import Patron

ACCOUNT_FLAGS: tuple[tuple[str, str], ...] = (
    ("card_lost", "patron.card_lost"),
    ("excessive_fines", "patron.excessive_fines"),
    ("excessive_fees", "patron.excessive_fines"),
    ("too_many_overdue", "patron.too_many_overdue"),
    ("too_many_charged", "patron.too_many_items"),
    ("too_many_items_charged", "patron.too_many_items"),
)


@dataclass(frozen=True)
class Verdict:
    """``ok``: the patron may use the kiosk. ``may_borrow`` is False when only borrowing is
    barred (they can still return, renew where allowed and see their account). ``reason`` is a
    message key (kiosk/core/circulation/notices.py) for the first problem found."""

    ok: bool
    may_borrow: bool = False
    reason: str = ""
    detail: str = ""


def check_patron(patron: Patron, expired_markers: tuple[str, ...] = ()) -> Verdict:
    detail = " ".join(patron.screen_messages)
    if not patron.valid:
        return Verdict(False, reason="patron.unknown_card")
    if patron.pin_valid is False:
        return Verdict(False, reason="patron.wrong_pin")
    if "card_lost" in patron.flags:
        return Verdict(False, reason="patron.card_lost", detail=detail)
    lowered = detail.lower()
    if any(marker.lower() in lowered for marker in expired_markers if marker):
        return Verdict(True, may_borrow=False, reason="patron.expired", detail=detail)
    for flag, key in ACCOUNT_FLAGS:
        if flag in patron.flags:
            return Verdict(True, may_borrow=False, reason=key, detail=detail)
    if (
        patron.fee_amount is not None
        and patron.fee_limit is not None
        and patron.fee_amount > patron.fee_limit
    ):
        return Verdict(True, may_borrow=False, reason="patron.excessive_fines", detail=detail)
    if "charge_denied" in patron.flags:
        return Verdict(True, may_borrow=False, reason="patron.blocked", detail=detail)
    return Verdict(True, may_borrow=True)


@dataclass
class _Tries:
    wrong: int = 0
    locked_until: float = 0.0


@dataclass
class PinLockout:
    max_tries: int = 3
    lockout_s: float = 900.0
    _salt: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    _cards: dict[str, _Tries] = field(default_factory=dict)

    def _key(self, card: str) -> str:
        return hashlib.sha256(self._salt + card.encode()).hexdigest()

    def locked(self, card: str, now: float) -> bool:
        tries = self._cards.get(self._key(card))
        return tries is not None and tries.locked_until > now

    def wrong(self, card: str, now: float) -> bool:
        """Count a wrong PIN; True when this one locked the card."""
        tries = self._cards.setdefault(self._key(card), _Tries())
        if tries.locked_until and tries.locked_until <= now:
            tries.wrong, tries.locked_until = 0, 0.0
        tries.wrong += 1
        if tries.wrong >= self.max_tries:
            tries.locked_until = now + self.lockout_s
            return True
        return False

    def right(self, card: str) -> None:
        self._cards.pop(self._key(card), None)

    def tries_left(self, card: str) -> int:
        tries = self._cards.get(self._key(card))
        return self.max_tries - (tries.wrong if tries else 0)
