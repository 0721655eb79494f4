"""Calls for a librarian on /metrics: `HelpMetrics` is the help desk's recorder
(kiosk.core.help.HelpRecorder) and a prometheus-client collector.

    kiosk_help_requests_total{result}   taps on "Call a librarian": called, already_called,
                                        rate_limited, failed (no channel took it)

Every result is exported from the start (at 0), so increase() sees the first call. The alerts
KioskHelpRequested and KioskHelpNotDelivered (deploy/prometheus/help_alerts.yml) use it.
Register it with `HelpMetrics.add_to(registry)` where the kiosk's registry is built.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

from kiosk.core.help import CallResult

RESULTS = tuple(result.value for result in CallResult)


class HelpMetrics(Collector):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._results: Counter[str] = Counter()

    def help_request(self, result: str) -> None:
        if result not in RESULTS:
            raise ValueError(f"not a help call result: {result!r}")
        with self._lock:
            self._results[result] += 1

    def add_to(self, registry: CollectorRegistry) -> HelpMetrics:
        registry.register(self)
        return self

    def collect(self) -> Iterator:
        with self._lock:
            results = dict(self._results)
        total = CounterMetricFamily(
            "kiosk_help_requests", "Taps on Call a librarian, by result", labels=["result"]
        )
        for result in RESULTS:
            total.add_metric([result], results.get(result, 0))
        yield total
