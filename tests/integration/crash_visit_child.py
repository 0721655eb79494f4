"""The kiosk process the domain kill -9 test kills: the real circulation service, built by the
composition root (the SIP2 client, the RFID pad over the FEIG driver, the SQLite outbox and
statistics, the sync worker), running scripted visits against simulators the test owns.

    python crash_visit_child.py SETUP.json [--final]

SETUP.json names the simulators (ILS SIP2 address and control URL, RFID reader URL and
control URL), the store, journal and progress files, the seed and the number of visits.

Visit n (its plan drawn from the seed and n, so a visit is the same whichever process runs
it): the tags of items 3n..3n+2 are placed on the pad (control API), patron 22nnnnnnnn borrows
the stack, most often an anonymous return of it follows, then the tags leave the pad; a
session may run with the ILS offline (switched through its control API; the offline policy
lends up to a cap), while the sync worker replays in the background. The progress file
records each visit before it starts, so a restarted kiosk goes on with the next one and an
item is never lent twice: counts at the ILS mean one thing.

On start the child resumes what a killed predecessor left: the ILS is switched back online,
the dead visit's tags are taken off the pad, and the replayer runs until nothing is pending
(live entries of the dead process are checked once their grace has passed). It prints "ready"
before that and "recovered" after. A journal line ("acknowledged", fsync'ed) is written only
after the core reported an item borrowed or returned to the patron. With --final the child
runs three more visits, flushes the outbox and exits 0; otherwise it runs until killed.
Run by test_crash_visit.py only; not a test module.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
from pathlib import Path
from typing import Any

from backend_sync.store.outbox import OutboxStore
from backend_sync.store.replayer import Replayer, ReplayPolicy
from device_drivers.rfid.feig_reader import FeigReader
from kiosk.core.circulation.service import CirculationService
from kiosk.core.circulation.session import LineStatus, SessionView, State
from kiosk.settings.model import Settings
from kiosk.wiring.core_parts import (
    build_circulation,
    build_local_store,
    build_sync_worker,
)
from kiosk.wiring.library import library_from
from kiosk.wiring.rfid_pad import RfidPad
from simulators.control import ControlClient

STACK = 3  # items per visit, each item lent at most once in the whole run
OFFLINE_CAP = 2  # fewer than the stack: the last offline loan is withdrawn
ACKED = {LineStatus.BORROWED: "checkout", LineStatus.RETURNED: "checkin"}
VISIT_TIMEOUT_S = 20.0
LINE_WAIT_S = 60.0  # out of planned visits: wait to be killed


def item_id(index: int) -> str:
    return f"9786092{index:06d}"


def tag_uid(index: int) -> str:
    return f"E00402{index:010X}"


def card(visit: int) -> str:
    return f"22{visit:08d}"


def settings_for(setup: dict[str, Any]) -> Settings:
    return Settings.model_validate(
        {
            "kiosk": {"id": "kiosk-crash", "data_dir": setup["data_dir"]},
            "ils": {
                "host": setup["ils_host"],
                "port": setup["ils_port"],
                "username": "kiosk1",
                "password": "demo",
                "institution": "AVB",
                "location": "ABONEMENTAS",
                "encoding": "utf-8",
                "timeout_s": 1.0,
                "retries": 1,
                "keepalive_s": 0,
            },
            "rfid": {
                "url": setup["rfid_url"],
                "timeout_s": 1.0,
                "inventory_interval_s": 0.01,
                "arrive_rounds": 1,
                "leave_rounds": 1,
                "reconnect_s": 0.1,
            },
            "store": {
                "file": setup["store"],
                "live_grace_s": setup["live_grace_s"],
                "retry_first_s": 0.05,
                "retry_max_s": 0.2,
                "idle_s": 0.2,
            },
            "circulation": {
                "pin_required": False,
                "offline_policy": "returns_and_checkouts",
                "offline_max_checkouts": OFFLINE_CAP,
            },
        }
    )


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Journal:
    """What the patron was told, made durable before anything else happens."""

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.seen: set[tuple[str, int]] = set()

    def acknowledge(self, session: str, view: SessionView) -> None:
        for line in view.lines:
            kind = ACKED.get(line.status)
            if kind is None or (session, line.seq) in self.seen:
                continue
            self.seen.add((session, line.seq))
            record = {"session": session, "kind": kind, "item": line.item_id}
            os.write(self.fd, (json.dumps(record) + "\n").encode())
            os.fsync(self.fd)


async def recover(settings: Settings, store: OutboxStore, setup: dict[str, Any]) -> None:
    """Run the replayer until nothing is pending (waiting out the dead process's grace)."""
    assert settings.ils is not None
    library = library_from(settings)
    replayer = Replayer(store, library, ReplayPolicy(live_grace_s=setup["live_grace_s"]))
    try:
        for _ in range(400):
            await replayer.run_pass()
            if store.summary().pending == 0:
                return
            await asyncio.sleep(0.05)
        raise RuntimeError(f"the outbox did not drain: {store.summary()}")
    finally:
        await library.close()


async def lines_done(service: CirculationService, count: int) -> None:
    for _ in range(int(VISIT_TIMEOUT_S / 0.01)):
        await service.settle()
        lines = service.view.lines
        if len(lines) >= count and all(line.status is not LineStatus.WORKING for line in lines):
            return
        await asyncio.sleep(0.01)
    raise RuntimeError(f"only {len(service.view.lines)} of {count} items were handled")


class Progress:
    """Which visits were started (fsync'ed): a restarted kiosk goes on with the next one and
    never repeats one, so every item is lent at most once and taken back at most once."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.started = len(self.path.read_text().split()) if self.path.exists() else 0

    def start(self, visit: int) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, f"{visit}\n".encode())
            os.fsync(fd)
        finally:
            os.close(fd)


async def clear_pad(rfid: ControlClient) -> None:
    """Take every tag off the pad (a killed visit's stack): its items are never used again."""
    for tag in (await asyncio.to_thread(rfid.call, "status"))["tags"]:
        await asyncio.to_thread(rfid.call, "remove", uid=tag["uid"])


async def session(service: CirculationService, ils: ControlClient, offline: bool, who: str) -> str:
    """One patron at the pad (a card, or "" for an anonymous return), done at the end."""
    if offline:
        await asyncio.to_thread(ils.call, "offline", mode="refuse")
    if who:
        await service.present_card(who)
    else:
        await service.start_returns()
    if service.state in (State.WORKING, State.RETURNS):
        await lines_done(service, STACK)
    await service.done()
    if service.state is not State.IDLE:
        await service.cancel()
    if offline:
        await asyncio.to_thread(ils.call, "online")
    return f"{'borrow' if who else 'return'}{' offline' if offline else ''}"


async def one_visit(
    service: CirculationService, ils: ControlClient, rfid: ControlClient, seed: int, visit: int
) -> str:
    """The stack of this visit placed, borrowed, often returned at once, taken off the pad."""
    rng = random.Random(f"{seed}/{visit}")
    indexes = range(visit * STACK, (visit + 1) * STACK)
    for index in indexes:
        await asyncio.to_thread(rfid.call, "place", item=item_id(index), uid=tag_uid(index))
    done = [await session(service, ils, rng.random() < 0.3, card(visit))]
    if rng.random() < 0.7:
        done.append(await session(service, ils, rng.random() < 0.3, ""))
    for index in indexes:
        await asyncio.to_thread(rfid.call, "remove", uid=tag_uid(index))
    return ", ".join(done)


async def visits(setup: dict[str, Any], final: bool) -> None:
    settings = settings_for(setup)
    assert settings.ils is not None and settings.rfid is not None
    store, outbox, stats = build_local_store(settings)
    ils = ControlClient(setup["ils_control"])
    rfid = ControlClient(setup["rfid_control"])
    progress = Progress(setup["progress"])
    say("ready")
    await asyncio.to_thread(ils.call, "online")
    await clear_pad(rfid)
    await recover(settings, store, setup)
    say("recovered")

    journal = Journal(setup["journal"])
    library, worker_library = (library_from(settings) for _ in range(2))
    worker = build_sync_worker(settings, store, worker_library)
    outbox.on_added = worker.wake
    reader = FeigReader(settings.rfid.url, timeout_s=1.0)
    holder: list[CirculationService] = []

    def on_view(view: SessionView) -> None:
        if holder and holder[0].visit is not None:
            journal.acknowledge(holder[0].visit.session_id, view)

    service = build_circulation(
        settings,
        outbox=outbox,
        library=library,
        pad=RfidPad(reader, settings.rfid),
        on_view=on_view,
        stats=stats,
    )
    holder.append(service)
    worker_task = asyncio.create_task(worker.run())
    first = progress.started
    last = min(first + 3 if final else setup["visits"], setup["visits"])
    try:
        for visit in range(first, last):
            progress.start(visit)
            say(f"visit {visit}: {await one_visit(service, ils, rfid, setup['seed'], visit)}")
        if not final:
            say("out of visits")
            await asyncio.sleep(LINE_WAIT_S)
    finally:
        await service.cancel()
        worker.stop()
        await worker_task
        await library.close()
        await worker_library.close()
        reader.close()
    await recover(settings, store, setup)
    say("finished")


if __name__ == "__main__":
    setup_data = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    asyncio.run(visits(setup_data, "--final" in sys.argv))
