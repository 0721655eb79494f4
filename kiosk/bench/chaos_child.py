"""The kiosk process `kiosk bench chaos` kills: the real circulation service built by the
wiring (SIP2 client, the RFID pad over the FEIG driver, the SQLite outbox and its sync
worker) and, with payments, the real payment desk (ZVT adapter, SQLite payment journal),
running scripted visits against simulators the benchmark owns.

    python -m kiosk.bench.chaos_child SETUP.json [--final]

Visit n (its plan drawn from the seed and n, so it is the same whichever process runs it):
the tags of items 3n..3n+2 go on the pad (control API), patron 24nnnnnnnn borrows the stack,
sometimes renews it at once, most often returns it anonymously, then the tags leave the pad;
a session may run with the ILS offline, and with --ils-faults a lost, swallowed or garbled
answer is armed first; with payments the patron then pays their fine at the terminal. The
progress file records each visit before it starts, so a restarted kiosk goes on with the next
one: every item is lent, renewed and returned at most once in the run, and the ILS's counts
per item mean one thing.

On start it settles what a dead predecessor left (ILS back online, the pad cleared, the
outbox replayed until empty, the payment desk's start-up recovery) and prints "ready" before
and "recovered" after. A journal line (fsync'ed) is written only after the core told the
patron an item was borrowed, renewed or returned, or a payment was paid: the acknowledged
transactions. With --final it runs the remaining visits, drains the outbox and exits 0.
This mirrors tests/integration/crash_visit_child.py (which the tests keep as their own).
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
from kiosk.bench.chaos_lockers import Lockers, is_locker_visit, lockers_tables
from kiosk.core.circulation.service import CirculationService
from kiosk.core.circulation.session import Activity, LineStatus, SessionView, State
from kiosk.core.clock import SystemClock
from kiosk.core.payments.fees import PayAll
from kiosk.settings.model import Settings
from kiosk.wiring.core_parts import build_circulation, build_local_store, build_sync_worker
from kiosk.wiring.library import library_from
from kiosk.wiring.payment import payment_desk_from
from kiosk.wiring.rfid import reader_from
from kiosk.wiring.rfid_pad import RfidPad
from simulators.control import ControlClient

STACK = 3
OFFLINE_CAP = 2  # fewer than the stack: the last offline loan is withdrawn
PIN = "1234"
ACKED = {
    LineStatus.BORROWED: "checkout",
    LineStatus.RETURNED: "checkin",
    LineStatus.RENEWED: "renew",
}
VISIT_TIMEOUT_S = 20.0
ILS_FAULTS = (("drop", {"when": "after"}), ("swallow", {"when": "before"}), ("garble", {}))


def item_id(index: int) -> str:
    return f"9786093{index:06d}"


def tag_uid(index: int) -> str:
    return f"E00403{index:010X}"


def card(visit: int) -> str:
    return f"24{visit:08d}"


def fine_cents(visit: int) -> int:
    return 120 + 5 * (visit % 50)


def settings_for(setup: dict[str, Any]) -> Settings:
    tables: dict[str, Any] = {
        "kiosk": {"id": "kiosk-chaos", "data_dir": setup["data_dir"]},
        "ils": {
            "host": "127.0.0.1", "port": setup["ils_port"], "username": "kiosk1",
            "password": "demo", "institution": "AVB", "location": "ABONEMENTAS",
            "encoding": "utf-8", "timeout_s": 1.0, "retries": 1, "keepalive_s": 0,
        },
        "rfid": {
            "url": setup["rfid_url"], "timeout_s": 1.0, "inventory_interval_s": 0.01,
            "arrive_rounds": 1, "leave_rounds": 1, "reconnect_s": 0.1,
        },
        "store": {
            "file": setup["store"], "live_grace_s": setup["live_grace_s"],
            "retry_first_s": 0.05, "retry_max_s": 0.2, "idle_s": 0.2,
        },
        "circulation": {
            "pin_required": False, "offline_policy": "returns_and_checkouts",
            "offline_max_checkouts": OFFLINE_CAP,
        },
    }  # fmt: skip
    if setup.get("bank_control"):
        tables |= lockers_tables(setup, tables["ils"]["location"])
    if setup.get("terminal_url"):
        tables["payment_terminal"] = {
            "url": setup["terminal_url"], "password": 123456, "hold_mode": "reversal",
            "ack_timeout_s": 5.0, "completion_timeout_s": 10.0, "hold_answer_s": 10,
        }  # fmt: skip
    return Settings.model_validate(tables)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Journal:
    """What the patron was told, made durable before anything else happens."""

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self.seen: set[tuple[str, int]] = set()

    def write(self, record: dict[str, Any]) -> None:
        os.write(self.fd, (json.dumps(record) + "\n").encode())
        os.fsync(self.fd)

    def acknowledge(self, session: str, view: SessionView) -> None:
        for line in view.lines:
            kind = ACKED.get(line.status)
            if kind is None or (session, line.seq, kind) in self.seen:
                continue
            self.seen.add((session, line.seq, kind))
            self.write({"session": session, "kind": kind, "item": line.item_id})


class Progress:
    """Which visits were started (fsync'ed): a restarted kiosk goes on with the next one."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.started = len(self.path.read_text().split()) if self.path.exists() else 0

    def start(self, visit: int) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{visit}\n".encode())
            os.fsync(fd)
        finally:
            os.close(fd)


async def recover(settings: Settings, store: OutboxStore, grace_s: float) -> None:
    """Run the replayer until nothing is pending (waiting out the dead process's grace)."""
    library = library_from(settings)
    replayer = Replayer(store, library, ReplayPolicy(live_grace_s=grace_s))
    try:
        for _ in range(600):
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


async def call(client: ControlClient, action: str, **params: Any) -> Any:
    return await asyncio.to_thread(client.call, action, **params)


class Visits:
    """The scripted visits of one kiosk process."""

    def __init__(
        self, setup: dict[str, Any], service: CirculationService, desk: Any, lockers: Any
    ) -> None:
        self.setup = setup
        self.service = service
        self.desk = desk
        self.lockers = lockers
        self.ils = ControlClient(setup["ils_control"])
        self.rfid = ControlClient(setup["rfid_control"])

    async def session(self, rng: random.Random, who: str) -> str:
        """One patron at the pad (a card, or "" for an anonymous return), done at the end."""
        service = self.service
        offline = rng.random() < 0.25
        if offline:
            await call(self.ils, "offline", mode="refuse")
        elif self.setup["ils_faults"] and rng.random() < 0.3:
            name, params = rng.choice(ILS_FAULTS)
            await call(self.ils, name, count=1, **params)
        if who:
            await service.present_card(who)
        else:
            await service.start_returns()
        renewed = False
        if service.state in (State.WORKING, State.RETURNS):
            await lines_done(service, STACK)
            if who and not offline and rng.random() < 0.3:
                await service.choose(Activity.ACCOUNT)
                await service.renew_all()
                await service.settle()
                renewed = True
        await service.done()
        if service.state is not State.IDLE:
            await service.cancel()
        await call(self.ils, "online")
        await call(self.ils, "clear")
        kind = "borrow" if who else "return"
        return f"{kind}{' offline' if offline else ''}{' renew' if renewed else ''}"

    async def pay(self, visit: int, journal: Journal) -> str:
        result = await self.desk.pay(card(visit), PIN, PayAll())
        outcome = type(result).__name__
        if outcome == "Paid":
            journal.write({"kind": "payment", "visit": visit})
        return f"pay {outcome}"

    async def one(self, visit: int, journal: Journal) -> str:
        rng = random.Random(f"{self.setup['seed']}/{visit}")
        indexes = range(visit * STACK, (visit + 1) * STACK)
        for index in indexes:
            await call(self.rfid, "place", item=item_id(index), uid=tag_uid(index))
        done = [await self.session(rng, card(visit))]
        if rng.random() < 0.7:
            done.append(await self.session(rng, ""))
        for index in indexes:
            await call(self.rfid, "remove", uid=tag_uid(index))
        if self.lockers is not None and is_locker_visit(visit):
            done.append(await asyncio.to_thread(self.lockers.visit, visit))
        if self.desk is not None:
            done.append(await self.pay(visit, journal))
        return ", ".join(done)


async def clear_pad(rfid: ControlClient) -> None:
    for tag in (await call(rfid, "status"))["tags"]:
        await call(rfid, "remove", uid=tag["uid"])


async def main(setup: dict[str, Any], final: bool) -> None:
    settings = settings_for(setup)
    assert settings.rfid is not None
    store, outbox, stats = build_local_store(settings)
    say("ready")
    ils = ControlClient(setup["ils_control"])
    await call(ils, "online")
    await call(ils, "clear")
    await clear_pad(ControlClient(setup["rfid_control"]))
    await recover(settings, store, setup["live_grace_s"])
    pay_library = library_from(settings) if settings.payment_terminal else None
    desk = None
    if pay_library is not None:
        desk = payment_desk_from(settings, pay_library, SystemClock(settings.kiosk.timezone))
        await desk.recover()
    journal = Journal(setup["journal"])
    lockers = None
    if settings.lockers is not None:
        lockers = Lockers(setup, settings, lambda item: journal.write(
            {"kind": "pickup", "item": item}))  # fmt: skip
        for line in await asyncio.to_thread(lockers.start):
            say(line)
    say("recovered")

    library, worker_library = (library_from(settings) for _ in range(2))
    worker = build_sync_worker(settings, store, worker_library)
    outbox.on_added = worker.wake
    reader = reader_from(settings)
    holder: list[CirculationService] = []

    def on_view(view: SessionView) -> None:
        if holder and holder[0].visit is not None:
            journal.acknowledge(holder[0].visit.session_id, view)

    service = build_circulation(
        settings, outbox=outbox, library=library, pad=RfidPad(reader, settings.rfid),
        on_view=on_view, stats=stats,
    )  # fmt: skip
    holder.append(service)
    visits = Visits(setup, service, desk, lockers)
    worker_task = asyncio.create_task(worker.run())
    progress = Progress(setup["progress"])
    try:
        for visit in range(progress.started, setup["visits"]):
            progress.start(visit)
            say(f"visit {visit}: {await visits.one(visit, journal)}")
        say("out of visits")
        if not final:
            await asyncio.sleep(120)  # wait to be killed
        if lockers is not None:
            alarms = await asyncio.to_thread(lockers.alarms)
            Path(setup["lockers_end"]).write_text(json.dumps(alarms), encoding="utf-8")
    finally:
        if lockers is not None:
            lockers.close()
        await service.cancel()
        worker.stop()
        await worker_task
        await library.close()
        await worker_library.close()
        if desk is not None and pay_library is not None:
            await desk.terminal.close()
            await pay_library.close()
        reader.close()
    await recover(settings, store, setup["live_grace_s"])
    say("finished")


if __name__ == "__main__":
    data = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    asyncio.run(main(data, "--final" in sys.argv))
