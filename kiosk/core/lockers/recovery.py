"""Saving the bank's state and bringing it back after a restart or a power cut.

``snapshot`` turns the state into plain JSON-able data (codes only as salt + hash; a notice
that was not sent yet is remembered only by its patron, so no code is ever written down in
clear: such patrons get a fresh code on restore). ``restore`` rebuilds the state, and
``reconcile`` squares it with what the sensors read now:

- a load whose door is closed: kept when the item is seen, dropped (with an alarm) when not;
- a pickup or retrieval whose door is closed: finished when the compartment reads empty
  (checking the items out or in if the opening was not handled before the crash), otherwise
  the compartment goes back to held (the patron gets a new code) or to expired;
- anything else is left to ``poll``, which raises "forced" for a door open without a release;
- a compartment out of service (its lock jammed) raises "door jammed" again, since alarms
  are not saved.

Reconciling never releases a lock: after a restart no door opens by itself. Pure.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime
from typing import Any

from kiosk.core.lockers.bank_state import Compartment
from kiosk.core.lockers.codes import CodeRecord
from kiosk.core.lockers.doors import OPEN_STATES, DoorState
from kiosk.core.lockers.lifecycle import Use, UseEvent
from kiosk.core.lockers.model import AlarmKind, Load
from kiosk.core.lockers.service import LockerService

log = logging.getLogger("kiosk.core.lockers.recovery")
FORMAT = 1


def _load_data(load: Load) -> dict[str, Any]:
    data = asdict(load)
    data["loaded_at"] = load.loaded_at.isoformat()
    data["deadline"] = load.deadline.isoformat()
    return data


def _load_from(data: dict[str, Any]) -> Load:
    return Load(
        **{
            **data,
            "loaded_at": datetime.fromisoformat(data["loaded_at"]),
            "deadline": datetime.fromisoformat(data["deadline"]),
        }
    )


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _from_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def snapshot(service: LockerService) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "compartments": {
            str(n): {
                "use": c.use.value,
                "door": c.door.state.value,
                "door_since": _time(c.door.since),
                "out_of_service": c.out_of_service,
                "loads": [_load_data(x) for x in c.loads],
                "pending": None if c.pending is None else _load_data(c.pending),
                "handed_over": sorted(c.handed_over),
            }
            for n, c in service.compartments.items()
        },
        "code_salt": service.codes.bank_salt.hex(),
        "codes": [
            {
                "patron_id": r.patron_id,
                "compartments": sorted(r.compartments),
                "salt": r.salt.hex(),
                "digest": r.digest.hex(),
                "issued_at": r.issued_at.isoformat(),
                "expires_at": r.expires_at.isoformat(),
                "used_at": _time(r.used_at),
                "revoked": r.revoked,
            }
            for r in service.codes.records
        ],
        "keypad": {
            "wrong": service.keypad.wrong,
            "locked_until": _time(service.keypad.locked_until),
        },
        "unsent_patrons": sorted({n.patron_id for n in service.unsent}),
    }


def restore(service: LockerService, data: dict[str, Any]) -> list[str]:
    """Load a snapshot into a freshly built service; returns patrons owed a new code."""
    if data.get("format") != FORMAT:
        raise ValueError(f"unknown locker snapshot format {data.get('format')!r}")
    for number, saved in data["compartments"].items():
        comp = service.compartments.get(int(number))
        if comp is None:
            log.warning("saved compartment %s is no longer configured", number)
            continue
        comp.use = Use(saved["use"])
        comp.door.state = DoorState(saved["door"])
        comp.door.since = _from_time(saved["door_since"])
        comp.out_of_service = saved["out_of_service"]
        comp.loads = [_load_from(x) for x in saved["loads"]]
        comp.pending = None if saved["pending"] is None else _load_from(saved["pending"])
        comp.handed_over = set(saved["handed_over"])
    service.codes.bank_salt = bytes.fromhex(data["code_salt"])
    service.codes.records = [
        CodeRecord(
            r["patron_id"],
            frozenset(r["compartments"]),
            bytes.fromhex(r["salt"]),
            bytes.fromhex(r["digest"]),
            datetime.fromisoformat(r["issued_at"]),
            datetime.fromisoformat(r["expires_at"]),
            _from_time(r["used_at"]),
            r["revoked"],
        )
        for r in data["codes"]
    ]
    service.keypad.wrong = data["keypad"]["wrong"]
    service.keypad.locked_until = _from_time(data["keypad"]["locked_until"])
    return list(data["unsent_patrons"])


def reconcile(service: LockerService, owed_codes: list[str], now: datetime) -> None:
    """Square the restored state with the sensors; never release a lock."""
    readings = service.hardware.read_all()
    busy = (Use.LOADING, Use.PICKUP, Use.RETRIEVING)
    for number, comp in service.compartments.items():
        if comp.out_of_service:  # alarms live in memory: a jam from before is raised again
            service.alarms.raise_alarm(
                AlarmKind.DOOR_JAMMED, f"compartment {number}", now, "before the restart"
            )
        reading = readings.get(number)
        if reading is None or comp.use not in busy:
            continue
        if comp.door.state in OPEN_STATES or not reading.door_closed:
            if comp.door.state not in OPEN_STATES:
                comp.door.state, comp.door.since = DoorState.RELEASED, now
            continue  # still open, or opened during the outage: poll() sees it through
        comp.door.state, comp.door.since = DoorState.LOCKED, now
        _settle_closed(service, comp, reading.occupied, now)
    for patron_id in owed_codes:
        service.issue_code(patron_id, now)
    service.poll(now)
    service.on_change()


def _settle_closed(
    service: LockerService, comp: Compartment, occupied: bool | None, now: datetime
) -> None:
    if comp.use == Use.LOADING:
        service.finish_load(comp, occupied, now)
    elif occupied:  # nobody took anything: the opening never happened
        service.move(comp, UseEvent.RELEASE_FAILED)
        if comp.use == Use.HELD and comp.patron_id:
            service.issue_code(comp.patron_id, now)
    else:
        service.hand_over(comp, now)
        service.after_close(comp, occupied, now)
