"""The statistics port (kiosk/core/stats.py) counted into the metrics as well: a tee the
composition root puts in front of the library's statistics store, so every session end and
transaction the domain reports also reaches kiosk_sessions_total, kiosk_transactions_total
and kiosk_refusals_total.

Metrics never hold a patron's anything: only the record's kind, outcome and reason code
(closed vocabularies of the domain) are counted. A failure to count is logged and never
keeps the store from being written, nor a session open.
"""

from __future__ import annotations

import logging

from kiosk.core.health import SessionEnd
from kiosk.core.stats import OfflinePeriod, SessionRecord, Statistics, TransactionRecord
from kiosk.telemetry.registry import Telemetry

log = logging.getLogger(__name__)
# session end reasons of kiosk/core/circulation/session.py that the metrics name differently
END_ALIASES = {"staff_override": SessionEnd.STAFF}


def session_end(reason: str) -> SessionEnd:
    try:
        return END_ALIASES.get(reason) or SessionEnd(reason)
    except ValueError:
        return SessionEnd.OTHER


def transaction_result(record: TransactionRecord) -> str:
    """ok / offline (accepted and queued for the ILS) / refused."""
    if not record.ok:
        return "refused"
    return "offline" if record.offline else "ok"


class MetricsStatistics:
    """Implements the Statistics port: counts into ``telemetry``, then passes to ``inner``."""

    def __init__(self, telemetry: Telemetry, inner: Statistics | None = None) -> None:
        self.telemetry = telemetry
        self.inner = inner

    def _count(self, what: str, record: object) -> None:
        try:
            match record:
                case SessionRecord(end_reason=reason):
                    self.telemetry.session_ended(session_end(reason))
                case TransactionRecord(kind=kind, ok=ok, reason=reason):
                    self.telemetry.transaction(kind, transaction_result(record))
                    if not ok:
                        self.telemetry.refused(reason or "unspecified")
        except Exception:  # a metrics bug must not cost the statistics or the session
            log.exception("could not count %s in the metrics", what)

    async def session_ended(self, record: SessionRecord) -> None:
        self._count("a session", record)
        if self.inner is not None:
            await self.inner.session_ended(record)

    async def transaction(self, record: TransactionRecord) -> None:
        self._count("a transaction", record)
        if self.inner is not None:
            await self.inner.transaction(record)

    async def offline(self, period: OfflinePeriod) -> None:
        if self.inner is not None:
            await self.inner.offline(period)
