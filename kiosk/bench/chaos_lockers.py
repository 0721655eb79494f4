"""Locker pickups in `kiosk bench chaos`: the hold-pickup locker bank driven by the kiosk's
own composition (kiosk.wiring.lockers.build_lockers: Modbus TCP lock board, the locker logic,
its SQLite state, the ILS over SIP2, the pickup code by e-mail) inside the kiosk process the
benchmark kills, against the locker bank simulator and a real SMTP server the benchmark owns.

Every LOCKER_EVERY-th visit: staff log in and load the patron's held item (its own barcode,
a hold for that patron at the kiosk's location), put it in the compartment that opened and
close the door; the patron reads the code from the e-mail, opens the door with it, takes the
book and closes the door. "Told" is the moment the door opened for the patron (Opened): a
journal line per item. On start a process first finishes what the people at the bank were
doing when the last one died (an open door: an empty compartment gets its item, a full one is
emptied; then it is shut), lets the locker logic restore and reconcile, then a patron whose
item still waits comes back with card and PIN and takes it (also a told pickup).

The counts (parent side, count_lockers): every told pickup is a checkout applied exactly once
at the ILS simulator (0: lost, 2+: doubled; no locker item is ever lent twice), and no door of
the bank is open at the end unless an active alarm names its compartment.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

LOCKER_EVERY = 4
COMPARTMENTS = 16
STAFF, STAFF_PIN = "2100000007", "7890"  # the demo library's staff card
PATRON_PIN = "1234"
MAIL_WAIT_S = 20.0
CODE = re.compile(r"(?:Durelių kodas|Door code): (\d+)")


def locker_item(visit: int) -> str:
    return f"9786095{visit:06d}"


def patron_email(visit: int) -> str:
    return f"skaitytojas{visit}@example.lt"


def is_locker_visit(visit: int) -> bool:
    return visit % LOCKER_EVERY == 0


def add_to_library(data: dict[str, Any], visits: int, location: str) -> None:
    """The held items (one per locker visit, each out with a previous reader: staff load it
    as it comes back) and their holds, in the ILS simulator's data."""
    chosen = [v for v in range(visits) if is_locker_visit(v)]
    data["patrons"] += [
        {"barcode": f"25{v:08d}", "name": f"Ankstesnis {v}", "pin": PATRON_PIN} for v in chosen
    ]
    data["loans"] += [
        {"item": locker_item(v), "patron": f"25{v:08d}", "out_days_ago": 5} for v in chosen
    ]
    data["items"] += [
        {"barcode": locker_item(v), "title": f"Rezervuota {v}", "type": "book", "home": location}
        for v in chosen
    ]
    data["holds"] += [
        {"patron": f"24{v:08d}", "item": locker_item(v), "pickup": location, "placed_days_ago": 1}
        for v in chosen
    ]


def lockers_tables(setup: Mapping[str, Any], location: str) -> dict[str, Any]:
    """The [lockers] and [smtp] tables of the kiosk under test."""
    comps = [
        {"id": n, "board": "b1", "lock": n - 1, "door": n - 1, "occupancy": 15 + n}
        for n in range(1, COMPARTMENTS + 1)
    ]
    return {
        "lockers": {
            "name": "Chaos", "pickup_location": location, "staff_card_pattern": "21000000(07)",
            "code_hash_iterations": 1000, "board_probe_s": 0,
            "notify_retry_s": 0.05, "notify_retry_max_s": 0.5, "compartments": comps,
            "boards": [{"name": "b1", "port": setup["bank_port"], "timeout_s": 0.5,
                        "pulse_s": 0.0}],
        },
        "smtp": {"host": "127.0.0.1", "port": setup["smtp_port"], "security": "none",
                 "from_address": "knygomatas@example.lt", "timeout_s": 5.0},
    }  # fmt: skip


# ---- the benchmark's side: the bank and the patrons' mailbox outlive the kiosk -------------


class MailDrop:
    """aiosmtpd handler: each message's recipient and door code, appended to a file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd hook
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        found = CODE.search(message.get_body(("plain",)).get_content())
        line = json.dumps({"to": str(message["To"]), "code": found.group(1) if found else ""})
        with self.lock:  # door codes: 0600, as the kiosk's own files
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, (line + "\n").encode())
            finally:
                os.close(fd)
        return "250 OK"


def count_lockers(
    told: Iterable[str],
    applied: Mapping[str, int],
    doors_open: Iterable[int],
    alarm_subjects: Iterable[str],
) -> dict[str, int]:
    """``told``: items whose door opened for the patron; ``applied``: checkouts the ILS
    counted per locker item; ``doors_open``: compartments open at the bank at the end."""
    told = set(told)
    subjects = set(alarm_subjects)
    return {
        "pickups_told": len(told),
        "pickups_applied": sum(applied.values()),
        "lost": sum(1 for item in told if applied.get(item, 0) == 0),
        "doubled": sum(1 for count in applied.values() if count > 1),
        "doors_open_unrecorded": sum(1 for c in doors_open if f"compartment {c}" not in subjects),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def books(work: Path, ils: Any, bank: Any, visits: int) -> dict[str, Any]:
    """What the ILS counted per locker item, the doors open and the kiosk's active alarms."""
    applied = {
        locker_item(v): ils.library.count("checkout", locker_item(v))
        for v in range(visits)
        if is_locker_visit(v)
    }
    compartments = bank.model.status()["compartments"]
    end = work / "lockers-end.json"
    return {
        "applied": applied,
        "doors_open": [int(n) for n, c in compartments.items() if c["door"] == "open"],
        "alarms": json.loads(end.read_text()) if end.exists() else [],
    }


# ---- the kiosk's side --------------------------------------------------------------------


class Lockers:
    """The locker bank in the kiosk process (synchronous: run it in a thread)."""

    def __init__(self, setup: Mapping[str, Any], settings: Any, told: Callable[[str], None]):
        from simulators.control import ControlClient

        self.setup = setup
        self.settings = settings
        self.told = told
        self.bank = ControlClient(setup["bank_control"])
        self.mail = Path(setup["mail"])
        self.runner: Any = None

    def start(self) -> list[str]:
        """Finish the people's part, start the locker logic, hand over what still waits."""
        from kiosk.wiring.lockers import build_lockers

        for number, comp in self.bank.call("status")["compartments"].items():
            if comp["door"] == "open":
                self.bank.call("take_items" if comp["items"] else "put_item", compartment=number)
                self.bank.call("close_door", compartment=number)
        self.runner = build_lockers(self.settings)
        self.runner.start_up()
        self.runner.poll_once()
        done = []
        for number, comp in sorted(self.runner.service.compartments.items()):
            if comp.use.value == "held" and comp.patron_id:
                done.append(self._pick_up(number, comp.patron_id))
        return done

    def visit(self, visit: int) -> str:
        from kiosk.core.lockers.bank_state import LoadStarted

        runner = self.runner
        staff = runner.call(lambda s, _now: s.staff_login(STAFF, STAFF_PIN))
        if not isinstance(staff, str):
            return f"locker staff refused ({staff.reason})"
        item = locker_item(visit)
        started = runner.call(lambda s, now: s.start_load(staff, item, now))
        if not isinstance(started, LoadStarted):
            return f"locker load refused ({started.reason})"
        number = started.compartment
        runner.poll_once()
        self.bank.call("put_item", compartment=number)
        self.bank.call("close_door", compartment=number)
        runner.poll_once()
        code = self._code_for(patron_email(visit))
        return self._open_and_take(
            number, lambda s, now: s.pickup_by_code(code, now), "locker pickup"
        )

    def _pick_up(self, number: int, card: str) -> str:
        return self._open_and_take(
            number, lambda s, now: s.pickup_by_card(card, PATRON_PIN, now), "locker came back"
        )

    def _open_and_take(self, number: int, how: Callable[[Any, Any], Any], said: str) -> str:
        from kiosk.core.lockers.bank_state import Opened

        runner = self.runner
        items = [load.item_id for load in runner.service.compartments[number].loads]
        opened = runner.call(how)
        if not isinstance(opened, Opened) or number not in opened.compartments:
            return f"{said} refused ({getattr(opened, 'reason', opened)})"
        for item in items:
            self.told(item)
        runner.poll_once()  # the door is seen open: the loan is made
        self.bank.call("take_items", compartment=number)
        self.bank.call("close_door", compartment=number)
        runner.poll_once()
        return said

    def _code_for(self, address: str) -> str:
        deadline = time.monotonic() + MAIL_WAIT_S
        while time.monotonic() < deadline:
            if self.mail.exists():
                codes = [
                    record["code"]
                    for record in map(json.loads, self.mail.read_text().splitlines())
                    if record["to"] == address and record["code"]
                ]
                if codes:
                    return codes[-1]
            time.sleep(0.05)
        raise RuntimeError(f"no door code e-mail to {address}")

    def alarms(self) -> list[str]:
        self.runner.poll_once()
        return [alarm.subject for alarm in self.runner.service.alarms.active()]

    def close(self) -> None:
        if self.runner is not None:
            self.runner.close()
