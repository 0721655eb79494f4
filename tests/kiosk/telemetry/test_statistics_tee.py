"""The statistics port teed into the metrics: counts by kind, outcome and reason; the store
still gets every record; unknown end reasons count as "other"; a counting failure costs
nothing else."""

from __future__ import annotations

import asyncio
from datetime import datetime

from kiosk.core.health import SessionEnd
from kiosk.core.stats import MemoryStatistics, OfflinePeriod, SessionRecord, TransactionRecord
from kiosk.telemetry.registry import Telemetry
from kiosk.telemetry.statistics import MetricsStatistics, session_end

AT = datetime(2026, 11, 25, 10, 0)


def test_counts_and_forwards() -> None:
    telemetry, inner = Telemetry("k1"), MemoryStatistics()
    tee = MetricsStatistics(telemetry, inner)

    async def visit() -> None:
        await tee.transaction(TransactionRecord(AT, "checkout", True))
        await tee.transaction(TransactionRecord(AT, "checkout", True, offline=True))
        await tee.transaction(TransactionRecord(AT, "checkout", False, "hold_for_other"))
        await tee.session_ended(SessionRecord(AT, AT, "timeout"))
        await tee.offline(OfflinePeriod(AT, AT))

    asyncio.run(visit())
    snap = telemetry.snapshot()
    assert snap.transactions == {
        ("checkout", "ok"): 1,
        ("checkout", "offline"): 1,
        ("checkout", "refused"): 1,
    }
    assert snap.refusals == {"hold_for_other": 1}
    assert snap.sessions == {"timeout": 1}
    assert len(inner.transactions) == 3 and len(inner.sessions) == 1
    assert len(inner.offline_periods) == 1


def test_end_reasons() -> None:
    assert session_end("done") is SessionEnd.DONE
    assert session_end("staff_override") is SessionEnd.STAFF
    assert session_end("new_card") is SessionEnd.NEW_CARD
    assert session_end("something new") is SessionEnd.OTHER


def test_a_counting_failure_still_reaches_the_store() -> None:
    class Broken(Telemetry):
        def transaction(self, kind: str, result: str) -> None:
            raise RuntimeError("bug")

    inner = MemoryStatistics()
    tee = MetricsStatistics(Broken("k1"), inner)
    asyncio.run(tee.transaction(TransactionRecord(AT, "checkin", True)))
    assert len(inner.transactions) == 1


def test_without_a_store() -> None:
    telemetry = Telemetry("k1")
    asyncio.run(MetricsStatistics(telemetry).session_ended(SessionRecord(AT, AT, "done")))
    assert telemetry.snapshot().sessions == {"done": 1}
