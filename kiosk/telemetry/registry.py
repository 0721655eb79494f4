"""The health registry: the one place adapters and the domain report into (implements the
kiosk.core.health ports), read by the Prometheus collector and the /health endpoint.

Thread-safe (drivers report from worker threads, the HTTP server reads from its own). Holds
only current values and counters, never history; the clock is injected. Never stores a
label value that is not a closed vocabulary or a configured device name.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from kiosk.core.health import (
    DeviceHealth,
    HealthSummary,
    PaperState,
    SessionEnd,
    summarise,
)
from kiosk.core.registration.sending import Counted

REGISTRATION_OUTCOMES = frozenset(c.value for c in Counted)


@dataclass(frozen=True)
class Snapshot:
    """Everything the exporter and /health show, copied under the lock."""

    devices: tuple[DeviceHealth, ...]
    paper: PaperState | None
    sessions: Mapping[str, int]
    transactions: Mapping[tuple[str, str], int]
    refusals: Mapping[str, int]
    door_code_lockouts: int
    outbox_depth: int | None
    outbox_oldest_age_s: float | None
    lockers_occupied: int | None
    lockers_total: int | None
    locker_alarms: Mapping[str, tuple[int, int]]
    started_at: float
    now: float
    restarts: int
    summary: HealthSummary = field(compare=False)
    registrations: Mapping[str, int] = field(default_factory=dict)
    registrations_pending: int | None = None
    registrations_oldest_age_s: float | None = None

    @property
    def uptime_s(self) -> float:
        return max(0.0, self.now - self.started_at)


class Telemetry:
    def __init__(
        self,
        kiosk_id: str,
        *,
        essential: Collection[str] = (),
        restarts: int = 0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.kiosk_id = kiosk_id
        self.essential = frozenset(essential)
        self.restarts = restarts
        self._clock = clock
        self._lock = threading.Lock()
        self._started_at = clock()
        self._devices: dict[str, DeviceHealth] = {}
        self._paper: PaperState | None = None
        self._sessions: Counter[str] = Counter()
        self._transactions: Counter[tuple[str, str]] = Counter()
        self._refusals: Counter[str] = Counter()
        self._lockouts = 0
        self._outbox: tuple[int, float | None] | None = None
        self._lockers: tuple[int, int] | None = None
        self._alarms: dict[str, tuple[int, int]] = {}
        self._registrations: Counter[str] = Counter()
        self._registrations_pending: tuple[int, float | None] | None = None

    # -- HealthReporter ----------------------------------------------------------------
    def report(self, health: DeviceHealth) -> None:
        with self._lock:
            self._devices[health.device] = health

    def forget(self, device: str) -> None:
        with self._lock:
            self._devices.pop(device, None)

    def printer_paper(self, state: PaperState) -> None:
        with self._lock:
            self._paper = state

    # -- ActivityRecorder --------------------------------------------------------------
    def session_ended(self, reason: SessionEnd) -> None:
        with self._lock:
            self._sessions[SessionEnd(reason).value] += 1

    def transaction(self, kind: str, result: str) -> None:
        with self._lock:
            self._transactions[(kind, result)] += 1

    def refused(self, reason: str) -> None:
        with self._lock:
            self._refusals[reason] += 1

    def door_code_lockout(self) -> None:
        with self._lock:
            self._lockouts += 1

    def outbox(self, depth: int, oldest_age_s: float | None) -> None:
        if depth < 0:
            raise ValueError("outbox depth cannot be negative")
        with self._lock:
            self._outbox = (depth, oldest_age_s if depth else None)

    def lockers(self, occupied: int, total: int, alarms: Mapping[str, tuple[int, int]]) -> None:
        with self._lock:
            self._lockers = (occupied, total)
            self._alarms = dict(alarms)

    # -- RegistrationRecorder (kiosk.core.registration.sending) ------------------------
    def registration(self, outcome: str) -> None:
        if outcome not in REGISTRATION_OUTCOMES:
            raise ValueError(f"not a registration outcome: {outcome!r}")
        with self._lock:
            self._registrations[outcome] += 1

    def registrations_pending(self, depth: int, oldest_age_s: float | None) -> None:
        if depth < 0:
            raise ValueError("pending registrations cannot be negative")
        with self._lock:
            self._registrations_pending = (depth, oldest_age_s if depth else None)

    # -- readers -----------------------------------------------------------------------
    def device(self, name: str) -> DeviceHealth | None:
        with self._lock:
            return self._devices.get(name)

    def snapshot(self) -> Snapshot:
        with self._lock:
            devices = tuple(sorted(self._devices.values(), key=lambda h: h.device))
            outbox = self._outbox or (None, None)
            lockers = self._lockers or (None, None)
            registrations = self._registrations_pending or (None, None)
            return Snapshot(
                devices=devices,
                paper=self._paper,
                sessions=dict(self._sessions),
                transactions=dict(self._transactions),
                refusals=dict(self._refusals),
                door_code_lockouts=self._lockouts,
                outbox_depth=outbox[0],
                outbox_oldest_age_s=outbox[1],
                lockers_occupied=lockers[0],
                lockers_total=lockers[1],
                locker_alarms=dict(self._alarms),
                started_at=self._started_at,
                now=self._clock(),
                restarts=self.restarts,
                summary=summarise(devices, self.essential),
                registrations=dict(self._registrations),
                registrations_pending=registrations[0],
                registrations_oldest_age_s=registrations[1],
            )

    def health_document(self) -> dict[str, object]:
        """The JSON /health answer: status, reasons, and each device's state."""
        snap = self.snapshot()
        return {
            "status": snap.summary.status.value,
            "reasons": list(snap.summary.reasons),
            "kiosk": self.kiosk_id,
            "uptime_s": round(snap.uptime_s, 1),
            "devices": {
                h.device: {"kind": h.kind.value, "state": h.state.value, "reason": h.reason}
                for h in snap.devices
            },
            "printer_paper": snap.paper.value if snap.paper else None,
            "outbox": {"depth": snap.outbox_depth, "oldest_age_s": snap.outbox_oldest_age_s},
            "locker_alarms_active": {k: v[0] for k, v in snap.locker_alarms.items() if v[0]},
        }
