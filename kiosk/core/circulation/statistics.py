"""What a patron session tells the statistics port (kiosk/core/stats.py): each finished
transaction with its outcome and a short reason code, the session with why it ended, and how
long the library system was unreachable. Nothing of the patron: no card, no name, no item.
A statistics failure is logged and never keeps a session open.
"""

from __future__ import annotations

import logging
from datetime import datetime

from kiosk.core.circulation.session import Activity, ItemLine, LineStatus
from kiosk.core.circulation.visit import Visit
from kiosk.core.clock import Clock
from kiosk.core.stats import OfflinePeriod, SessionRecord, Statistics, TransactionRecord

log = logging.getLogger(__name__)

KINDS = {Activity.BORROW: "checkout", Activity.RETURN: "checkin", Activity.ACCOUNT: "renew"}
NOT_DONE = frozenset({LineStatus.REFUSED, LineStatus.NOT_ON_LOAN, LineStatus.UNKNOWN_OUTCOME})


def transaction_record(line: ItemLine, now: datetime) -> TransactionRecord:
    """A finished line for the statistics: kind, outcome and a short reason code (the
    notice key without its group, e.g. "on_hold_for_other", "checkout_cap")."""
    ok = line.status not in NOT_DONE
    reason = "" if ok or line.notice is None else line.notice.key.partition(".")[2]
    if not ok and not reason:
        reason = line.status.value
    return TransactionRecord(line.at or now, KINDS[line.activity], ok, reason, line.offline)


class SessionStats:
    def __init__(self, stats: Statistics | None, clock: Clock) -> None:
        self.stats = stats
        self.clock = clock
        self.offline_since: datetime | None = None

    async def visit_ended(self, visit: Visit, reason: str) -> None:
        if visit.offline_at is not None and self.offline_since is None:
            self.offline_since = visit.offline_at
        if self.stats is None:
            return
        now = self.clock.now()
        try:
            for line in visit.lines.values():
                if line.status is not LineStatus.WORKING:
                    await self.stats.transaction(transaction_record(line, now))
            await self.stats.session_ended(SessionRecord(visit.started_at or now, now, reason))
        except Exception:
            log.exception("statistics could not be recorded")

    async def ils_answered(self) -> None:
        """The ILS answered again: the offline period since it was first missed is over."""
        since, self.offline_since = self.offline_since, None
        if since is None or self.stats is None:
            return
        try:
            await self.stats.offline(OfflinePeriod(since, self.clock.now()))
        except Exception:
            log.exception("statistics could not be recorded")
