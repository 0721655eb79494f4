"""Alarms raised once: a condition that persists is one alarm, not one per poll.

An alarm stays active until its condition is cleared; raising it again meanwhile is a no-op.
Counts per kind are kept for the metrics exporter. Logs each alarm once (no patron data).
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime

from kiosk.core.lockers.model import Alarm, AlarmKind

log = logging.getLogger("kiosk.core.lockers.alarms")


class AlarmBook:
    def __init__(self) -> None:
        self._active: dict[tuple[AlarmKind, str], Alarm] = {}
        self.raised_total: Counter[AlarmKind] = Counter()

    def raise_alarm(
        self, kind: AlarmKind, subject: str, now: datetime, detail: str = ""
    ) -> Alarm | None:
        key = (kind, subject)
        if key in self._active:
            return None
        alarm = Alarm(kind, subject, now, detail)
        self._active[key] = alarm
        self.raised_total[kind] += 1
        log.warning("locker alarm %s: %s %s", kind.value, subject, detail)
        return alarm

    def clear(self, kind: AlarmKind, subject: str) -> bool:
        return self._active.pop((kind, subject), None) is not None

    def is_active(self, kind: AlarmKind, subject: str) -> bool:
        return (kind, subject) in self._active

    def active(self) -> list[Alarm]:
        return sorted(self._active.values(), key=lambda a: (a.raised_at, a.kind, a.subject))

    def counts(self) -> dict[str, tuple[int, int]]:
        """Per kind: (active now, raised since start), as the activity port takes them."""
        active = [kind for kind, _ in self._active]
        return {kind.value: (active.count(kind), self.raised_total[kind]) for kind in AlarmKind}
