"""Card payments on /metrics: `PaymentMetrics` is the payment desk's recorder
(kiosk.core.payments.metrics.PaymentRecorder) and a prometheus-client collector.

    kiosk_payments_total{outcome}          how `pay` ended: paid, to_staff, declined, …
    kiosk_payment_reversals_total{result}  give-backs: reversed, failed, unknown
    kiosk_payments_unsettled               on the reconciliation list, staff not done yet
    kiosk_payment_terminal_up              1 when the terminal's last word was ready

Closed vocabularies only: no card number, no amount. The alert KioskPaymentUnsettled
(deploy/prometheus/alerts.yml) fires on kiosk_payments_unsettled > 0.
Register it with `PaymentMetrics.add_to(registry)` where the kiosk's registry is built.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from kiosk.core.payments.metrics import OUTCOMES, REVERSALS


class PaymentMetrics(Collector):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._outcomes: Counter[str] = Counter()
        self._reversals: Counter[str] = Counter()
        self._unsettled: int | None = None
        self._terminal: bool | None = None

    # -- PaymentRecorder ------------------------------------------------------------------
    def payment(self, outcome: str) -> None:
        if outcome not in OUTCOMES:
            raise ValueError(f"not a payment outcome: {outcome!r}")
        with self._lock:
            self._outcomes[outcome] += 1

    def reversal(self, result: str) -> None:
        if result not in REVERSALS:
            raise ValueError(f"not a reversal result: {result!r}")
        with self._lock:
            self._reversals[result] += 1

    def unsettled(self, count: int) -> None:
        with self._lock:
            self._unsettled = count

    def terminal(self, ready: bool, reason: str = "") -> None:
        with self._lock:
            self._terminal = ready

    # -- Collector ------------------------------------------------------------------------
    def add_to(self, registry: CollectorRegistry) -> PaymentMetrics:
        registry.register(self)
        return self

    def collect(self) -> Iterator:
        with self._lock:
            outcomes, reversals = dict(self._outcomes), dict(self._reversals)
            unsettled, terminal = self._unsettled, self._terminal
        total = CounterMetricFamily("kiosk_payments", "Card payments by how they ended",
                                    labels=["outcome"])  # fmt: skip
        for outcome in OUTCOMES:
            total.add_metric([outcome], outcomes.get(outcome, 0))
        yield total
        back = CounterMetricFamily("kiosk_payment_reversals",
                                   "Card payments given back (reversed, released)",
                                   labels=["result"])  # fmt: skip
        for result in REVERSALS:
            back.add_metric([result], reversals.get(result, 0))
        yield back
        if unsettled is not None:
            yield GaugeMetricFamily("kiosk_payments_unsettled",
                                    "Payments on the reconciliation list, staff not done",
                                    unsettled)  # fmt: skip
        if terminal is not None:
            yield GaugeMetricFamily("kiosk_payment_terminal_up",
                                    "1 when the payment terminal last said it was ready",
                                    float(terminal))  # fmt: skip
