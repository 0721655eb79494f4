"""The running kiosk's /metrics carries the payment desk's counters when it takes card payments
([payment_terminal] and [metrics]): with_payments makes PaymentMetrics the desk's recorder."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from prometheus_client import generate_latest

from kiosk.demo.showroom import showroom_settings
from kiosk.settings.loader import load_settings
from kiosk.settings.metrics import MetricsSection
from kiosk.settings.payment import PaymentTerminalSection
from kiosk.wiring.assembly import build_kiosk
from kiosk.wiring.pay_screens import with_payments

ROOT = Path(__file__).resolve().parents[3]


def test_payment_counters_are_on_the_kiosks_metrics() -> None:
    configured = load_settings(ROOT / "config" / "demo.toml")
    with showroom_settings(configured) as shown:
        settings = shown.model_copy(
            update={
                "payment_terminal": PaymentTerminalSection(url="fake:"),
                "metrics": MetricsSection(listen="127.0.0.1:0"),
            }
        )

        async def run() -> bytes:
            async with build_kiosk(settings) as kiosk, contextlib.AsyncExitStack() as stack:
                assert kiosk.monitoring is not None
                flow = await with_payments(settings, kiosk.port, kiosk, stack)
                assert flow is not kiosk.port  # the pay flow stands in front of the port
                return generate_latest(kiosk.monitoring.registry)

        exposition = asyncio.run(run()).decode()
    assert 'kiosk_payments_total{outcome="paid"} 0.0' in exposition
    assert 'kiosk_payment_reversals_total{result="reversed"} 0.0' in exposition
