"""The health and activity port: what adapters and the domain report for fleet monitoring.

Owns the vocabulary (device states ok/degraded/down, a device's health record, the summary
rules) and the Protocol the composition root wires to kiosk/telemetry. Must never import an
exporter, a web server or a driver: the core only states facts; the telemetry package turns
them into Prometheus metrics and the JSON /health answer.

Summary rules (the /health ``status``):
    down      an essential device is down (the kiosk cannot serve anyone)
    degraded  any device is not ok (the kiosk serves, with something missing)
    ok        every device is ok
The store is always essential: a kiosk that cannot record a transaction must not make one.
No patron data ever goes into a device name, a reason or a label.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class DeviceState(StrEnum):
    OK = "ok"
    DEGRADED = "degraded"
    DOWN = "down"


class DeviceKind(StrEnum):
    READER = "reader"
    LOCK_BOARD = "lock_board"
    PRINTER = "printer"
    ILS = "ils"
    BOOKING = "booking"
    SMTP = "smtp"
    SCANNER = "scanner"
    STORE = "store"  # the local store (outbox): down = no transaction can be recorded
    AUDIO = "audio"  # the headphone jack that switches speech on (EN 301 549 5.1.3.2)


class PaperState(StrEnum):
    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"
    UNKNOWN = "unknown"


class SessionEnd(StrEnum):
    """Why a patron session ended (every session logs and counts one); the reasons of
    kiosk/core/circulation/session.py, staff_override counted as staff."""

    DONE = "done"
    TIMEOUT = "timeout"
    STAFF = "staff"
    ERROR = "error"
    NEW_CARD = "new_card"
    CANCELLED = "cancelled"
    REFUSED = "refused"
    OTHER = "other"


ALWAYS_ESSENTIAL = frozenset({"store"})


@dataclass(frozen=True)
class DeviceHealth:
    device: str  # "reader", "printer", "ils", "board-b1" …: never a patron's anything
    kind: DeviceKind
    state: DeviceState
    reason: str = ""  # short and technical: "paper out", "not answering: timeout"


@dataclass(frozen=True)
class HealthSummary:
    status: DeviceState
    reasons: tuple[str, ...]


def summarise(devices: Iterable[DeviceHealth], essential: Collection[str] = ()) -> HealthSummary:
    """The kiosk's status from its devices' states (rules in the module docstring)."""
    status = DeviceState.OK
    reasons: list[str] = []
    for health in sorted(devices, key=lambda h: h.device):
        if health.state is DeviceState.OK:
            continue
        reasons.append(f"{health.device}: {health.state.value}" + _detail(health.reason))
        if health.state is DeviceState.DOWN and (
            health.device in essential or health.device in ALWAYS_ESSENTIAL
        ):
            status = DeviceState.DOWN
        elif status is DeviceState.OK:
            status = DeviceState.DEGRADED
    return HealthSummary(status, tuple(reasons))


def _detail(reason: str) -> str:
    return f" ({reason})" if reason else ""


class HealthReporter(Protocol):
    """Where adapters report device health. Reporting the same state again is cheap."""

    def report(self, health: DeviceHealth) -> None: ...

    def printer_paper(self, state: PaperState) -> None: ...


class ActivityRecorder(Protocol):
    """Where the domain counts what happens. Labels are closed vocabularies, never ids."""

    def session_ended(self, reason: SessionEnd) -> None: ...

    def transaction(self, kind: str, result: str) -> None: ...

    def refused(self, reason: str) -> None: ...

    def door_code_lockout(self) -> None: ...

    def outbox(self, depth: int, oldest_age_s: float | None) -> None: ...

    def lockers(self, occupied: int, total: int, alarms: Mapping[str, tuple[int, int]]) -> None:
        """Occupancy, and per alarm kind (active now, raised since start)."""
