"""The statistics port: what the domain reports for the library's activity statistics.

The domain calls it when a session ends, after each transaction (accepted or refused, with a
short reason code such as "hold_for_other", "blocked", "not_for_loan", "offline_cap") and when
the library system comes back after being unreachable. Times are the kiosk's local time; the
day they count for is the day they started. Nothing about the patron is recorded: no card, no
name, no item. The SQLite implementation is backend_sync/store/statistics.py;
`MemoryStatistics` is the in-process fake for the domain's tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class SessionRecord:
    started_at: datetime
    ended_at: datetime
    end_reason: str  # done, timeout, new_card, staff, error


@dataclass(frozen=True)
class TransactionRecord:
    at: datetime
    kind: str  # checkout, checkin, renew, fee_paid, hold, locker_pickup, ...
    ok: bool
    reason: str = ""  # why it was refused ("" when ok)
    offline: bool = False


@dataclass(frozen=True)
class OfflinePeriod:
    started_at: datetime
    ended_at: datetime


class Statistics(Protocol):
    async def session_ended(self, record: SessionRecord) -> None: ...

    async def transaction(self, record: TransactionRecord) -> None: ...

    async def offline(self, period: OfflinePeriod) -> None: ...


class MemoryStatistics:
    """Keeps what it is told, for tests of the domain."""

    def __init__(self) -> None:
        self.sessions: list[SessionRecord] = []
        self.transactions: list[TransactionRecord] = []
        self.offline_periods: list[OfflinePeriod] = []

    async def session_ended(self, record: SessionRecord) -> None:
        self.sessions.append(record)

    async def transaction(self, record: TransactionRecord) -> None:
        self.transactions.append(record)

    async def offline(self, period: OfflinePeriod) -> None:
        self.offline_periods.append(period)
