"""kill -9 through the domain: a kiosk process borrowing, returning and syncing is SIGKILLed
at seeded random moments and restarted; afterwards, counting at the ILS simulator, nothing
the patron was told is lost, nothing is applied twice, and every tag's security bit agrees
with the ILS or the item is on the staff's reconciliation list.

The ILS simulator (SIP2 over loopback, with its control API) and the RFID simulator (FEIG
over loopback TCP, with its control API) run here, in the test process, so they outlive the
kiosk; the kiosk (crash_visit_child.py) is the real circulation service built by the
composition root on a real SQLite store file, with its sync worker. Every visit lends a
fresh stack (to a fresh patron), so an item is lent at most once and returned at most once
in the whole run and the ILS's counters per item say exactly what happened. The kiosk writes
a journal line, fsync'ed, for every item the core reported borrowed or returned: the
acknowledged transactions. The kill moments come from the seed; what the kiosk is doing at
that moment depends on the machine's speed, so each run probes different points.

Checked at the end, for every item whose tag was placed:
- the ILS applied its checkout and its checkin at most once each (never twice);
- nothing acknowledged is lost: its entry is DONE (and the ILS counted it), or it was kept
  offline and the ILS refused it at replay (on the reconciliation list, with its words);
- the store never lies: a DONE entry was counted by the ILS (but for a return the replayer
  found already done: SIP2 cannot tell "applied" from "was not on loan"), and whatever the
  ILS counted has a DONE entry or one on the staff list;
- on loan at the ILS <-> security off on the tag (AFI "checked out"), or the item's newest
  settled entry is on the reconciliation list as interrupted / outcome unknown.
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from backend_sync.store.database import open_store
from backend_sync.store.outbox import OutboxStore
from backend_sync.store.records import entry_from_row
from backend_sync.store.schema import outbox
from kiosk.core.outbox import EntryKind, EntryState, OutboxEntry
from simulators.ils.dataset import DEMO_LIBRARY
from simulators.ils.simulator import IlsSimulator
from simulators.models.rfid_pad import PadTimings, SimTag
from simulators.rfid.app import RfidSimulator

CHILD = Path(__file__).with_name("crash_visit_child.py")
sys.path.insert(0, str(CHILD.parent))
from crash_visit_child import STACK, card, item_id, tag_uid  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CHECKED_IN, CHECKED_OUT = 0x07, 0xC2
LINE_TIMEOUT_S = 30.0
VISITS = 400  # more than the runs get through: the kiosk is killed long before
FLAGS = ("interrupted", "outcome unknown")  # what a crash leaves for staff to check


def library_file(tmp_path: Path) -> Path:
    """The demo library plus a patron and a stack of fresh books for every planned visit."""
    data = json.loads(DEMO_LIBRARY.read_text(encoding="utf-8"))
    data["patrons"] += [
        {"barcode": card(v), "name": f"Skaitytojas {v}", "pin": "1234"} for v in range(VISITS)
    ]
    data["items"] += [
        {"barcode": item_id(i), "title": f"Knyga {i}", "type": "book", "home": "ABONEMENTAS"}
        for i in range(VISITS * STACK)
    ]
    path = tmp_path / "library.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


class Shelf:
    """Tags the kiosk took off the pad, kept as they left it (the pad model forgets them)."""

    def __init__(self, rfid: RfidSimulator) -> None:
        self.rfid = rfid
        self.tags: dict[str, SimTag] = {}
        self._remove = rfid.model.remove
        rfid.model.remove = self.remove  # type: ignore[method-assign]

    def remove(self, uid: str) -> None:
        self.tags[uid.upper()] = self.rfid.model.tag(uid)
        self._remove(uid)

    def afi(self, uid: str) -> int | None:
        tag = self.tags.get(uid)
        if tag is None:
            on_pad = {t.uid: t for t in self.rfid.model.tags()}
            tag = on_pad.get(uid)
        return None if tag is None else tag.afi


class Child:
    def __init__(self, setup: Path, *extra: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with (setup.parent / "kiosk.log").open("a") as log:  # its warnings, for a post-mortem
            self.process = subprocess.Popen(
                [sys.executable, str(CHILD), str(setup), *extra],
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                env=env,
                cwd=ROOT,
            )
        self.lines: queue.Queue[str] = queue.Queue()
        self.said: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.said.append(line.strip())
            self.lines.put(line.strip())

    def wait_for(self, prefix: str) -> None:
        deadline = time.monotonic() + LINE_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                if self.lines.get(timeout=0.5).startswith(prefix):
                    return
            except queue.Empty:
                if self.process.poll() is not None:
                    break
        raise AssertionError(f"the kiosk never printed {prefix!r}: {self.said[-5:]}")

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(LINE_TIMEOUT_S)

    def finish(self) -> int:
        try:
            return self.process.wait(LINE_TIMEOUT_S * 2)
        finally:
            self.kill()  # a kiosk that hangs must not outlive the test


def journal(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _all_entries(store: OutboxStore) -> list[OutboxEntry]:
    with store.engine.begin() as db:
        return [entry_from_row(r) for r in db.execute(select(outbox).order_by(outbox.c.seq))]


def flagged(entries: list[OutboxEntry]) -> bool:
    """The newest entry about an item that changed or may have changed it is for staff."""
    settled = [e for e in entries if e.state is EntryState.DONE or _is_flag(e)]
    return bool(settled) and _is_flag(settled[-1])


def _is_flag(entry: OutboxEntry) -> bool:
    return entry.state is EntryState.REJECTED and entry.reason.startswith(FLAGS)


def refused_at_replay(entry: OutboxEntry) -> bool:
    """An entry the kiosk accepted offline that the ILS refused when it was replayed (e.g. a
    return of an item whose loan was withdrawn): on the reconciliation list with its words."""
    kept = entry.offline or entry.attempts > 0
    refused = entry.state is EntryState.REJECTED and entry.result.get("ok") is False
    return kept and refused and not _is_flag(entry)


def no_op_return(entry: OutboxEntry) -> bool:
    """A return the replayer found already done at the ILS (the item not on loan) when it
    checked after a lost answer: SIP2 cannot tell "applied" from "was not on loan", and the
    ILS is where the return wanted it either way."""
    return entry.kind is EntryKind.CHECKIN and entry.result.get("recovered") is True


def run_kills(setup: Path, seed: int, kills: int) -> list[str]:
    rng = random.Random(seed)
    said: list[str] = []
    for _ in range(kills):
        child = Child(setup)
        try:
            if rng.random() < 0.25:  # during start-up and recovery
                child.wait_for("ready")
                time.sleep(rng.uniform(0.0, 0.4))
            else:  # during the visits and the worker's replay
                child.wait_for("recovered")
                time.sleep(rng.uniform(0.0, 0.8))
        finally:
            child.kill()
        said += child.said
    return said


@dataclass
class Item:
    """One item at the end: its outbox entries per kind, what the ILS counted, its tag."""

    entries: dict[str, list[OutboxEntry]]
    history: list[OutboxEntry]  # both kinds, oldest first
    applied: dict[str, int]
    on_loan: bool
    afi: int | None


def check_item(item_id: str, item: Item, acked: set[str]) -> None:
    for kind in ("checkout", "checkin"):
        entries, applied = item.entries[kind], item.applied[kind]
        assert len(entries) <= 1 and applied <= 1, (item_id, kind, entries, applied)
        entry = entries[0] if entries else None
        if kind in acked:  # nothing acknowledged is lost
            assert entry is not None
            assert entry.state is EntryState.DONE or refused_at_replay(entry), (item_id, entry)
        if entry is not None and entry.state is EntryState.DONE:  # the store's record is true
            assert applied == 1 or no_op_return(entry), (item_id, kind, entry)
        if entry is not None and refused_at_replay(entry):
            assert applied == 0, (item_id, kind, entry)
        if applied:  # applied, and the store knows (done, or on the list for staff)
            assert entry is not None and (entry.state is EntryState.DONE or _is_flag(entry))
    if item.afi is not None:  # its tag was placed: security agrees, or staff are told
        agrees = item.afi == (CHECKED_OUT if item.on_loan else CHECKED_IN)
        assert agrees or flagged(item.history), (item_id, item, hex(item.afi))


def test_kill_minus_nine_during_visits_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    seed, kills = 6, 15
    with IlsSimulator(library_file(tmp_path), encoding="utf-8") as ils:
        rfid = RfidSimulator(timings=PadTimings(), time_scale=0.0, control_port=0).start()
        shelf = Shelf(rfid)
        try:
            setup = tmp_path / "setup.json"
            setup.write_text(
                json.dumps(
                    {
                        "ils_host": ils.host,
                        "ils_port": ils.port,
                        "ils_control": ils.start_control(),
                        "rfid_url": rfid.tcp.url,
                        "rfid_control": rfid.control.url if rfid.control else "",
                        "data_dir": str(tmp_path),
                        "store": str(tmp_path / "store.sqlite"),
                        "journal": str(tmp_path / "journal.jsonl"),
                        "progress": str(tmp_path / "progress.txt"),
                        "live_grace_s": 0.3,
                        "seed": seed,
                        "visits": VISITS,
                    }
                ),
                encoding="utf-8",
            )
            said = run_kills(setup, seed, kills)
            final = Child(setup, "--final")
            assert final.finish() == 0, final.said[-5:]
            said += final.said
            started = len((tmp_path / "progress.txt").read_text().split())
            items = {
                item_id(i): Item(
                    {"checkout": [], "checkin": []},
                    [],
                    {k: ils.library.count(k, item_id(i)) for k in ("checkout", "checkin")},
                    ils.library.loan(item_id(i)) is not None,
                    shelf.afi(tag_uid(i)),
                )
                for i in range(started * STACK)
            }
        finally:
            rfid.stop()

    store = OutboxStore(open_store(tmp_path / "store.sqlite"))
    assert store.summary().pending == 0
    for entry in _all_entries(store):
        item = items[entry.payload["item_id"]]
        item.entries[str(entry.kind)].append(entry)
        item.history.append(entry)
    acked: dict[str, set[str]] = {}
    for ack in journal(tmp_path / "journal.jsonl"):
        acked.setdefault(ack["item"], set()).add(ack["kind"])
    visits = [line for line in said if line.startswith("visit ")]
    assert len(visits) > kills and len(acked) > kills, f"too little happened: {visits}"
    for item_id_, item in items.items():
        check_item(item_id_, item, acked.get(item_id_, set()))
