"""The Prometheus exposition of the health registry, through prometheus-client.

A custom collector reads one Snapshot per scrape into its own CollectorRegistry (never the
library's global one: two kiosks in one test process must not share metrics). Names follow
the Prometheus conventions: ``kiosk_`` prefix, base units (seconds), ``_total`` counters,
one-hot ``state`` labels for enums. Labels hold device names and closed vocabularies only;
no patron data, no card or item numbers. The metrics reference is docs/operations.md.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, ProcessCollector
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, InfoMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.registry import Collector

from kiosk.core.health import DeviceState, PaperState
from kiosk.telemetry.registry import Snapshot, Telemetry

__all__ = ["CONTENT_TYPE_LATEST", "TelemetryCollector", "build_registry", "render"]
_STATES = tuple(DeviceState)
_PAPER = tuple(PaperState)


class TelemetryCollector(Collector):
    def __init__(self, telemetry: Telemetry, version: str = "") -> None:
        self.telemetry = telemetry
        self.version = version

    def collect(self) -> Iterator:
        snap = self.telemetry.snapshot()
        yield from self._process(snap)
        yield from self._devices(snap)
        yield from self._activity(snap)
        yield from self._queues(snap)
        yield from self._registrations(snap)

    def _process(self, snap: Snapshot) -> Iterator:
        info = InfoMetricFamily("kiosk", "The kiosk's identity", labels=["kiosk_id", "version"])
        info.add_metric([self.telemetry.kiosk_id, self.version], {})
        yield info
        yield GaugeMetricFamily(
            "kiosk_start_time_seconds", "When the app started (Unix time)", snap.started_at
        )
        yield GaugeMetricFamily("kiosk_uptime_seconds", "Seconds since the app started",
                                snap.uptime_s)  # fmt: skip
        yield CounterMetricFamily(
            "kiosk_restarts", "App starts after the first on this data directory", snap.restarts
        )
        status = GaugeMetricFamily(
            "kiosk_health_status", "The /health status (1 for the current one)", labels=["status"]
        )
        for state in _STATES:
            status.add_metric([state.value], float(snap.summary.status is state))
        yield status

    def _devices(self, snap: Snapshot) -> Iterator:
        up = GaugeMetricFamily(
            "kiosk_device_up", "1 unless the device is down", labels=["device", "kind"]
        )
        state = GaugeMetricFamily(
            "kiosk_device_state",
            "The device's state (1 for the current one)",
            labels=["device", "kind", "state"],
        )
        for health in snap.devices:
            up.add_metric([health.device, health.kind.value], float(health.state != "down"))
            for value in _STATES:
                state.add_metric(
                    [health.device, health.kind.value, value.value], float(health.state is value)
                )
        yield up
        yield state
        if snap.paper is not None:
            paper = GaugeMetricFamily(
                "kiosk_printer_paper", "Receipt paper (1 for the current state)", labels=["state"]
            )
            for value in _PAPER:
                paper.add_metric([value.value], float(snap.paper is value))
            yield paper

    def _activity(self, snap: Snapshot) -> Iterator:
        sessions = CounterMetricFamily(
            "kiosk_sessions", "Patron sessions ended, by reason", labels=["reason"]
        )
        for reason, n in sorted(snap.sessions.items()):
            sessions.add_metric([reason], n)
        yield sessions
        transactions = CounterMetricFamily(
            "kiosk_transactions", "Transactions by kind and result", labels=["kind", "result"]
        )
        for (kind, result), n in sorted(snap.transactions.items()):
            transactions.add_metric([kind, result], n)
        yield transactions
        refusals = CounterMetricFamily(
            "kiosk_refusals", "Requests the kiosk refused, by reason", labels=["reason"]
        )
        for reason, n in sorted(snap.refusals.items()):
            refusals.add_metric([reason], n)
        yield refusals
        yield CounterMetricFamily(
            "kiosk_door_code_lockouts", "Keypad lockouts after wrong codes", snap.door_code_lockouts
        )

    def _queues(self, snap: Snapshot) -> Iterator:
        if snap.outbox_depth is not None:
            yield GaugeMetricFamily(
                "kiosk_outbox_depth", "Transactions waiting to reach the ILS", snap.outbox_depth
            )
            yield GaugeMetricFamily(
                "kiosk_outbox_oldest_age_seconds",
                "Age of the oldest waiting transaction (0 when empty)",
                snap.outbox_oldest_age_s or 0.0,
            )
        if snap.lockers_total is not None:
            yield GaugeMetricFamily(
                "kiosk_locker_compartments", "Compartments in the bank", snap.lockers_total
            )
            yield GaugeMetricFamily(
                "kiosk_locker_compartments_occupied", "Compartments holding items",
                snap.lockers_occupied or 0,
            )  # fmt: skip
        active = GaugeMetricFamily(
            "kiosk_locker_alarms_active", "Locker alarms active now, by kind", labels=["kind"]
        )
        raised = CounterMetricFamily(
            "kiosk_locker_alarms", "Locker alarms raised since start, by kind", labels=["kind"]
        )
        for kind, (now_active, total) in sorted(snap.locker_alarms.items()):
            active.add_metric([kind], now_active)
            raised.add_metric([kind], total)
        yield active
        yield raised

    def _registrations(self, snap: Snapshot) -> Iterator:
        counted = CounterMetricFamily(
            "kiosk_registrations", "Reader pre-registrations by outcome", labels=["outcome"]
        )
        for outcome, n in sorted(snap.registrations.items()):
            counted.add_metric([outcome], n)
        yield counted
        if snap.registrations_pending is not None:
            yield GaugeMetricFamily(
                "kiosk_registrations_pending",
                "Applications held until the library system takes them",
                snap.registrations_pending,
            )
            yield GaugeMetricFamily(
                "kiosk_registrations_pending_oldest_age_seconds",
                "Age of the oldest held application (0 when none)",
                snap.registrations_oldest_age_s or 0.0,
            )


def build_registry(
    telemetry: Telemetry, version: str = "", *, process: bool = True
) -> CollectorRegistry:
    """The kiosk's metrics, and (``process``) the standard ``process_*`` metrics of this
    process read from /proc at each scrape: resident and virtual memory, CPU seconds, open and
    maximum file descriptors, start time (what the memory-growth and crash-loop alerts use)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(TelemetryCollector(telemetry, version))
    if process:
        ProcessCollector(registry=registry)
    return registry


def render(registry: CollectorRegistry) -> bytes:
    return generate_latest(registry)
