"""What the kiosk may do while the library system cannot be reached: pure decisions.

Follows the peers' practice (PV-Supa's three modes, 3M's store-and-forward caps):

    mode                    identify   return   borrow
    none                    no         no       no
    returns                 yes*       yes      no
    returns_and_checkouts   yes*       yes      up to `max_checkouts` per session,
                                                due `loan_days` after the transaction

    * a card can only be checked against the card pattern: nobody can validate a patron
      offline, which is why borrowing offline is capped and said on screen and receipt.

Never talks to the ILS, never reads the clock: ``now`` is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class OfflineMode(StrEnum):
    NONE = "none"
    RETURNS = "returns"
    RETURNS_AND_CHECKOUTS = "returns_and_checkouts"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""  # a message key (kiosk.core.circulation.notices) when not allowed


@dataclass(frozen=True)
class OfflinePolicy:
    mode: OfflineMode = OfflineMode.RETURNS
    max_checkouts: int = 5
    loan_days: int = 14

    def identify(self) -> Decision:
        if self.mode is OfflineMode.NONE:
            return Decision(False, "offline.out_of_service")
        return Decision(True)

    def checkin(self) -> Decision:
        if self.mode is OfflineMode.NONE:
            return Decision(False, "offline.out_of_service")
        return Decision(True)

    def checkout(self, borrowed_offline: int) -> Decision:
        """``borrowed_offline``: items this session already borrowed offline."""
        if self.mode is not OfflineMode.RETURNS_AND_CHECKOUTS:
            return Decision(False, "offline.no_checkouts")
        if borrowed_offline >= self.max_checkouts:
            return Decision(False, "offline.checkout_cap")
        return Decision(True)

    def renew(self) -> Decision:
        # The kiosk cannot know a patron's loans offline, so nothing can be renewed.
        return Decision(False, "offline.no_renewals")

    def due(self, now: datetime) -> datetime:
        """End of the day `loan_days` after `now` (libraries lend to closing time)."""
        day = (now + timedelta(days=self.loan_days)).date()
        return datetime(day.year, day.month, day.day, 23, 59, 59)
