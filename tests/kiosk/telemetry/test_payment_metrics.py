"""kiosk_payments_total{outcome}, kiosk_payment_reversals_total{result},
kiosk_payments_unsettled and kiosk_payment_terminal_up, fed by the real payment desk (ILS
simulator over SIP2, FakeTerminal, SQLite journal); closed vocabularies, nothing personal."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from backend_sync.store.payments_journal import SqlitePaymentJournal
from kiosk.core.clock import ManualClock
from kiosk.core.payments.desk import PaymentDesk
from kiosk.core.payments.fees import FeeRules, PayChosen
from kiosk.core.payments.saga import PaymentHold
from kiosk.core.payments.terminal import EUR
from kiosk.demo.in_process import sip2_client
from kiosk.telemetry.payments import PaymentMetrics
from simulators.ils.simulator import IlsSimulator
from simulators.models.payment_terminal import PaymentTerminalModel
from simulators.payment.fake import FakeTerminal

FINED, PIN = "2100000005", "5678"


def samples(registry: CollectorRegistry) -> tuple[str, dict]:
    text = generate_latest(registry).decode()
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return text, out


def test_outcomes_reversals_unsettled_and_terminal(tmp_path) -> None:
    clock = ManualClock(datetime(2026, 11, 25, 12))
    metrics = PaymentMetrics()
    registry = CollectorRegistry(auto_describe=False)
    metrics.add_to(registry)
    model = PaymentTerminalModel(clock=clock.now)
    journal = SqlitePaymentJournal.open(tmp_path / "payments.sqlite")

    async def scenario() -> None:
        desk = PaymentDesk(library=sip2_client(sim, clock), terminal=FakeTerminal(model),
                           journal=journal, rules=FeeRules(), hold_mode=PaymentHold.REVERSAL,
                           currency=EUR, kiosk_id="k1", clock=clock, recorder=metrics)  # fmt: skip
        model.arm("decline")
        await desk.pay(FINED, PIN, PayChosen(("F0001",)))
        model.arm("drop_after_authorisation")
        await desk.pay(FINED, PIN, PayChosen(("F0001",)))
        sim.library.pay(FINED, sim.library.balance(FINED), clock.now(), fine_id=None)
        await desk.pay(FINED, PIN, PayChosen(("F0002",)))  # refused now: nothing owed
        await desk.terminal_status()
        await desk.library.close()

    with IlsSimulator(encoding="utf-8", clock=clock.now, dialect="koha") as sim:
        asyncio.run(scenario())
    text, got = samples(registry)
    journal.close()
    assert got[("kiosk_payments_total", (("outcome", "declined"),))] == 1
    assert got[("kiosk_payments_total", (("outcome", "to_staff"),))] == 1
    assert got[("kiosk_payments_total", (("outcome", "choice_refused"),))] == 1
    assert got[("kiosk_payments_total", (("outcome", "paid"),))] == 0
    assert got[("kiosk_payments_unsettled", ())] == 1
    assert got[("kiosk_payment_terminal_up", ())] == 1
    assert FINED not in text and "4111" not in text


def test_reversals_are_counted(tmp_path) -> None:
    metrics = PaymentMetrics()
    metrics.reversal("reversed")
    metrics.reversal("failed")
    registry = CollectorRegistry(auto_describe=False)
    _, got = samples(metrics.add_to(registry) and registry)
    assert got[("kiosk_payment_reversals_total", (("result", "reversed"),))] == 1
    assert got[("kiosk_payment_reversals_total", (("result", "failed"),))] == 1
    assert got[("kiosk_payment_reversals_total", (("result", "unknown"),))] == 0


def test_closed_vocabulary() -> None:
    metrics = PaymentMetrics()
    with pytest.raises(ValueError):
        metrics.payment("2100000005")
    with pytest.raises(ValueError):
        metrics.reversal("maybe")
