"""A kiosk process for the kill -9 tests: the locker logic with the real Modbus TCP driver,
its state saved to a JSON file (write, fsync, rename) as the SQLite store will, a stand-in
ILS and notifier that append to files. On start it restores and reconciles, then does one
action and, for load/pickup, waits to be killed.

    python locker_process.py PORT DIR idle|load:ITEM|pickup:CODE
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from kiosk.core.lockers.policy import LockerPolicy
from kiosk.core.lockers.ports import Checkout, HoldCheckin, PickupNotice
from kiosk.core.lockers.recovery import reconcile, restore, snapshot
from kiosk.core.lockers.service import LockerService
from kiosk.settings.lockers import LockersSection
from kiosk.wiring.locks import compartment_specs_from, lock_bank_from

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


class Ils:
    def __init__(self, log: Path) -> None:
        self.log = log

    def _append(self, line: str) -> None:
        with self.log.open("a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()
            os.fsync(f.fileno())

    def checkin(self, item_id: str, now: datetime) -> HoldCheckin:
        self._append(f"checkin {item_id}")
        return HoldCheckin(item_id, True, "P1", "KNYGOMATAS", "Metai")

    def checkout(self, patron_id: str, item_id: str, now: datetime) -> Checkout:
        self._append(f"checkout {item_id}")
        return Checkout(item_id, True)

    def authenticate_patron(self, card: str, pin: str, now: datetime) -> str | None:
        return None


class Notices:
    def __init__(self, path: Path) -> None:
        self.path = path

    def send_pickup_code(self, notice: PickupNotice) -> None:
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps({"code": notice.code, "compartments": notice.compartments}) + "\n")


def save(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        json.dump(data, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def main(port: int, workdir: Path, action: str) -> None:
    section = LockersSection.model_validate({
        "boards": [{"name": "b1", "port": port, "timeout_s": 0.5, "pulse_s": 0.0}],
        "compartments": [
            {"id": n, "board": "b1", "lock": n - 1, "door": n - 1, "occupancy": 15 + n}
            for n in range(1, 17)
        ],
    })  # fmt: skip
    state = workdir / "state.json"
    service = LockerService(
        compartment_specs_from(section), LockerPolicy(code_hash_iterations=1000),
        lock_bank_from(section), Ils(workdir / "ils.log"),
        Notices(workdir / "notices.jsonl"), random.SystemRandom(),
    )  # fmt: skip
    service.on_change = lambda: save(state, snapshot(service))
    if state.exists():
        owed = restore(service, json.loads(state.read_text(encoding="utf-8")))
        reconcile(service, owed, NOW)
    verb, _, arg = action.partition(":")
    if verb == "load":
        result = service.start_load("staff", arg, NOW)
    elif verb == "pickup":
        result = service.pickup_by_code(arg, NOW)
    else:
        print(json.dumps(service.overview()), flush=True)
        return
    print(json.dumps(result.__dict__), flush=True)
    time.sleep(60)  # the test kills us here, like a power cut


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
