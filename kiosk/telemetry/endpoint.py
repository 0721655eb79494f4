"""Building the monitoring endpoint from the settings: the Telemetry registry, its
Prometheus CollectorRegistry, the HTTP server (only when ``[metrics] listen`` is set) and the
probe Poller. The composition root calls ``MonitoringEndpoint.from_settings`` once.

Also counts app starts in ``DATA_DIR/telemetry-starts`` so ``kiosk_restarts_total`` survives
restarts (the file holds one number; a corrupt file counts from zero again).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from kiosk.settings import Settings
from kiosk.settings.metrics import MetricsSection
from kiosk.telemetry.exposition import build_registry
from kiosk.telemetry.http import MetricsServer
from kiosk.telemetry.probes import Poller, Probe
from kiosk.telemetry.registry import Telemetry

STARTS_FILE = "telemetry-starts"


def count_start(data_dir: Path, name: str = STARTS_FILE) -> int:
    """Record one more start; returns the restarts before it (0 on a fresh data directory)."""
    path = data_dir / name
    starts = 0
    with contextlib.suppress(OSError, ValueError):
        starts = int(path.read_text().strip())
    data_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{starts + 1}\n")
    return starts


def _version() -> str:
    try:
        return version("knygomatas")
    except PackageNotFoundError:
        return ""


class MonitoringEndpoint:
    def __init__(self, telemetry: Telemetry, section: MetricsSection, probes: Iterable[Probe]):
        self.telemetry = telemetry
        self.section = section
        self.registry = build_registry(telemetry, _version())
        self.poller = Poller(telemetry, probes, section.probe_interval_s)
        self.server: MetricsServer | None = None

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        probes: Iterable[Probe] = (),
        data_dir: Path | None = None,
        starts_file: str = STARTS_FILE,
    ) -> MonitoringEndpoint:
        """``starts_file``: where starts are counted (`kiosk monitor` keeps its own count)."""
        section = settings.metrics or MetricsSection()
        restarts = count_start(data_dir or Path(settings.kiosk.data_dir), starts_file)
        telemetry = Telemetry(settings.kiosk.id, essential=section.essential, restarts=restarts)
        return cls(telemetry, section, probes)

    @property
    def url(self) -> str | None:
        return self.server.url if self.server else None

    def start(self) -> MonitoringEndpoint:
        if self.section.enabled:
            host, port = self.section.address
            self.server = MetricsServer(
                self.telemetry, self.registry, host, port, self.section.token
            ).start()
        self.poller.start()
        return self

    def stop(self) -> None:
        self.poller.stop()
        if self.server is not None:
            self.server.stop()
            self.server = None
