"""The fixed settings `kiosk bench load` builds its adapters from (through the wiring, like
the kiosk), and its percentile."""

from __future__ import annotations

from typing import Any

from kiosk.settings.lockers import LockersSection
from kiosk.settings.model import Settings


def sip2_settings(port: int) -> Settings:
    return Settings.model_validate(
        {
            "ils": {
                "host": "127.0.0.1", "port": port, "username": "kiosk1", "password": "demo",
                "institution": "AVB", "location": "ABONEMENTAS", "encoding": "utf-8",
                "timeout_s": 5.0, "retries": 1, "keepalive_s": 0,
            }
        }
    )  # fmt: skip


def lockers_settings(sim: Any) -> LockersSection:
    """Modbus TCP to the simulator, no coil pulse wait (the simulator opens at once)."""
    return sim.lockers_section("tcp", pulse_s=0.0)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 3)
