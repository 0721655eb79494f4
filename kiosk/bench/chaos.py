"""`kiosk bench chaos`: the kiosk killed with SIGKILL while it serves patrons, then counted.

    kiosk bench chaos --visits N --kills K [--payments] [--ils-faults] [--seed S]

The ILS simulator (SIP2), the RFID simulator (FEIG) and, with --payments, the ZVT terminal
simulator run in this process, so they outlive the kiosk. The kiosk is a child process
(chaos_child.py): the real circulation core, drivers, SQLite outbox and sync worker, and the
real payment desk, built by the wiring. It runs N scripted visits (borrow, renew, return,
offline sessions, --ils-faults: lost, swallowed and garbled SIP2 answers; every 4th visit a
locker pickup against the locker bank simulator and a real SMTP server for the door code,
chaos_lockers.py; --payments: each patron pays a fine at the card terminal). K kill points
are drawn from the seed, spread over the visits (some during start-up recovery); at each the
child is SIGKILLed and a new one started, which recovers and goes on. After the last kill a
final child runs the remaining visits and drains the outbox. Then one JSON line: visits,
kills, acknowledged (what the patron was told), applied_at_ils (what the simulators
counted), and the five that must be 0: lost, doubled, security_disagrees_unlisted,
charged_unrecorded (chaos_count.py says how each is counted) and doors_open_unrecorded (a
locker door open at the end with no alarm naming it).
Exit 0 when those five are 0, 1 otherwise. See docs/reliability.md.
Not part of the test run (a tiny run is: tests/kiosk/bench/test_chaos.py).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kiosk.bench import chaos_count, chaos_lockers
from kiosk.bench.chaos_child import STACK, card, fine_cents, item_id, tag_uid

MUST_BE_ZERO = (
    "lost", "doubled", "security_disagrees_unlisted", "charged_unrecorded",
    "doors_open_unrecorded",
)  # fmt: skip
LINE_TIMEOUT_S = 60.0
ROOT = Path(__file__).resolve().parents[2]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "chaos", help="kill -9 the kiosk during visits; count lost/doubled (JSON)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--visits", type=int, default=300, help="patron visits (300)")
    parser.add_argument("--kills", type=int, default=30, help="SIGKILLs of the kiosk (30)")
    parser.add_argument("--payments", action="store_true", help="each patron also pays a fine")
    parser.add_argument(
        "--ils-faults", action="store_true",
        help="mix in the ILS simulator's faults (lost, swallowed, garbled answers)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=20, help="kill points and visit plans (20)")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (post-mortem)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.visits < 1 or args.kills < 0:
        print("kiosk bench chaos: --visits must be >= 1 and --kills >= 0", file=sys.stderr)
        return 2
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        result = chaos(Path(args.keep), args)
    else:
        with tempfile.TemporaryDirectory(prefix="kiosk-chaos-") as work:
            result = chaos(Path(work), args)
    print(json.dumps(result), flush=True)
    return 0 if all(result[name] == 0 for name in MUST_BE_ZERO) else 1


def library_file(work: Path, visits: int, payments: bool) -> Path:
    from simulators.ils.dataset import DEMO_LIBRARY

    data = json.loads(DEMO_LIBRARY.read_text(encoding="utf-8"))
    data["patrons"] += [
        {"barcode": card(v), "name": f"Skaitytojas {v}", "pin": "1234",
         "email": chaos_lockers.patron_email(v)}
        for v in range(visits)
    ]  # fmt: skip
    data["items"] += [
        {"barcode": item_id(i), "title": f"Knyga {i}", "type": "book", "home": "ABONEMENTAS"}
        for i in range(visits * STACK)
    ]
    if payments:
        data["fines"] += [
            {"patron": card(v), "amount": f"{fine_cents(v) / 100:.2f}",
             "description": f"Delspinigiai {v}", "fee_type": "04"}
            for v in range(visits)
        ]  # fmt: skip
    chaos_lockers.add_to_library(data, visits, "ABONEMENTAS")
    path = work / "library.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


class Child:
    """One kiosk process; its stdout lines are read on a thread."""

    def __init__(self, setup: Path, *extra: str) -> None:
        inherited = os.environ.get("PYTHONPATH")  # keeps e.g. the tests' shifted clock
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), inherited]))}
        with (setup.parent / "kiosk.log").open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kiosk.bench.chaos_child", str(setup), *extra],
                stdout=subprocess.PIPE, stderr=log, text=True, env=env, cwd=ROOT,
            )  # fmt: skip
        self.lines: queue.Queue[str] = queue.Queue()
        self.setup = setup
        self.said: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        with (self.setup.parent / "kiosk-said.txt").open("a") as said:  # post-mortem
            for line in self.process.stdout:
                said.write(line)
                said.flush()
                self.said.append(line.strip())
                self.lines.put(line.strip())

    def wait_for(self, done: Any) -> bool:
        """Wait for a line ``done(line)`` accepts; False if the child ended first."""
        deadline = time.monotonic() + LINE_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                if done(self.lines.get(timeout=0.5)):
                    return True
            except queue.Empty:
                if self.process.poll() is not None:
                    return False
        raise RuntimeError(f"the kiosk stopped answering: {self.said[-5:]}")

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(LINE_TIMEOUT_S)


def _visit_number(line: str) -> int | None:
    if line.startswith("visit "):
        return int(line.split()[1].rstrip(":"))
    return None


def kill_plan(rng: random.Random, visits: int, kills: int) -> list[int]:
    """At which visit each kill falls (sorted; repeats allowed when kills > visits)."""
    return sorted(rng.randrange(visits) for _ in range(kills))


def run_kills(setup: Path, rng: random.Random, plan: list[int]) -> tuple[int, list[str]]:
    said: list[str] = []
    kills = 0
    for target in plan:
        child = Child(setup)
        try:
            if rng.random() < 0.2:  # during start-up and recovery
                child.wait_for(lambda line: line == "ready")
                time.sleep(rng.uniform(0.0, 0.3))
            else:  # in the target visit: after the one before it is done
                child.wait_for(lambda line: line == "recovered")
                child.wait_for(
                    lambda line, t=target: (
                        line == "out of visits" or (_visit_number(line) or -1) >= t - 1
                    )
                )
                time.sleep(rng.uniform(0.0, 0.6))
        finally:
            if child.process.poll() is None:
                kills += 1
            child.kill()
        said += child.said
    return kills, said


def chaos(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    from aiosmtpd.controller import Controller

    from kiosk.bench.chaos_shelf import Shelf
    from simulators.ils.simulator import IlsSimulator
    from simulators.lockers.bank import LockerBankSimulator, default_model
    from simulators.models.payment_terminal import PaymentTerminalModel, Timings
    from simulators.models.rfid_pad import PadTimings
    from simulators.payment.app import PaymentSimulator
    from simulators.rfid.app import RfidSimulator

    rng = random.Random(args.seed)
    started = time.monotonic()
    first_day = date.today()
    # the generic dialect: Koha's closes the connection on a checkout/checkin with no-block
    # (offline entries replayed), which is a setting of the kiosk, not what this measures
    with IlsSimulator(library_file(work, args.visits, args.payments), encoding="utf-8") as ils:
        rfid = RfidSimulator(timings=PadTimings(), time_scale=0.0, control_port=0).start()
        model = PaymentTerminalModel(password=123456)
        terminal = PaymentSimulator(model, timings=Timings(0, 0, 0, 0.02)) if args.payments \
            else None  # fmt: skip
        if terminal is not None:
            terminal.start()
        shelf = Shelf(rfid)
        bank = LockerBankSimulator(default_model(chaos_lockers.COMPARTMENTS, 0)).start()
        smtp_port = chaos_lockers.free_port()
        mailbox = Controller(chaos_lockers.MailDrop(work / "mail.jsonl"), hostname="127.0.0.1",
                             port=smtp_port)  # fmt: skip
        mailbox.start()
        try:
            setup = work / "setup.json"
            setup.write_text(json.dumps({
                "ils_port": ils.port, "ils_control": ils.start_control(),
                "rfid_url": rfid.tcp.url, "rfid_control": rfid.control.url,
                "terminal_url": terminal.tcp_url if terminal else "",
                "data_dir": str(work), "store": str(work / "store.sqlite"),
                "journal": str(work / "journal.jsonl"), "progress": str(work / "progress.txt"),
                "live_grace_s": 0.3, "seed": args.seed, "visits": args.visits,
                "ils_faults": bool(args.ils_faults),
                "bank_port": bank.tcp.port, "bank_control": bank.control.url,
                "smtp_port": smtp_port,
                "mail": str(work / "mail.jsonl"), "lockers_end": str(work / "lockers-end.json"),
            }), encoding="utf-8")  # fmt: skip
            kills, _ = run_kills(setup, rng, kill_plan(rng, args.visits, args.kills))
            final = Child(setup, "--final")
            final.wait_for(lambda line: line == "finished")
            if final.process.wait(LINE_TIMEOUT_S * 2) != 0:
                raise RuntimeError(f"the final kiosk failed: {final.said[-5:]}")
            items = {
                item_id(i): chaos_count.ItemBooks(
                    {k: ils.library.count(k, item_id(i)) for k in chaos_count.KINDS},
                    ils.library.loan(item_id(i)) is not None,
                    shelf.afi(tag_uid(i)),
                )
                for i in range(args.visits * STACK)
            }
            fees_at_ils = sum(ils.library.count("fee_paid", card(v)) for v in range(args.visits))
            owed_after = {card(v): round(ils.library.balance(card(v)) * 100)
                          for v in range(args.visits)} if args.payments else {}  # fmt: skip
            terminal_journal = model.journal() if args.payments else []
            locker_books = chaos_lockers.books(work, ils, bank, args.visits)
        finally:
            mailbox.stop()
            bank.stop()
            rfid.stop()
            if terminal is not None:
                terminal.stop()
    return _tally(work, args, kills, items, fees_at_ils, owed_after, terminal_journal, first_day,
                  locker_books, time.monotonic() - started)  # fmt: skip


def _tally(work, args, kills, items, fees_at_ils, owed_after, terminal_journal, first_day,
           locker_books, seconds) -> dict[str, Any]:  # fmt: skip
    from backend_sync.store.database import open_store
    from backend_sync.store.outbox import OutboxStore
    from kiosk.bench.chaos_shelf import all_entries

    store = OutboxStore(open_store(work / "store.sqlite"))
    pending = store.summary().pending
    chaos_count.sort_entries(items, all_entries(store))
    store.engine.dispose()
    told = [json.loads(x) for x in (work / "journal.jsonl").read_text().splitlines() if x]
    acked: dict[str, set[str]] = {}
    for record in told:
        if record["kind"] not in ("payment", "pickup"):
            acked.setdefault(record["item"], set()).add(record["kind"])
    found = chaos_count.count_items(items, acked)
    payments = {"charged_unrecorded": 0, "doubled": 0, "lost": 0, "charged": 0}
    if args.payments:
        paid_told = [card(r["visit"]) for r in told if r["kind"] == "payment"]
        payments = _count_payments(work, first_day, owed_after, terminal_journal, paid_told)
    lockers = chaos_lockers.count_lockers(
        [r["item"] for r in told if r["kind"] == "pickup"], locker_books["applied"],
        locker_books["doors_open"], locker_books["alarms"],
    )  # fmt: skip
    applied = sum(sum(item.applied.values()) for item in items.values()) + fees_at_ils
    applied += lockers["pickups_applied"]
    return {
        "visits": len((work / "progress.txt").read_text().split()),
        "kills": kills,
        "acknowledged": len(told),
        "applied_at_ils": applied,
        "lost": found["lost"] + payments["lost"] + lockers["lost"],
        "doubled": found["doubled"] + payments["doubled"] + lockers["doubled"],
        "security_disagrees_unlisted": found["security_disagrees_unlisted"],
        "charged_unrecorded": payments["charged_unrecorded"],
        "doors_open_unrecorded": lockers["doors_open_unrecorded"],
        "locker_pickups_told": lockers["pickups_told"],
        "locker_pickups_applied": lockers["pickups_applied"],
        "store_untrue": found["store_untrue"],
        "outbox_pending": pending,
        "payments_charged": payments["charged"],
        "payments_on_staff_list": payments.get("on_staff_list", 0),
        "seed": args.seed,
        "ils_faults": bool(args.ils_faults),
        "seconds": round(seconds, 1),
    }


def _count_payments(work, first_day, owed_after, terminal_journal, paid_told) -> dict[str, int]:
    from backend_sync.store.payments_journal import SqlitePaymentJournal

    journal = SqlitePaymentJournal.open(work / "payments.sqlite")
    try:
        days = [first_day + timedelta(days=d) for d in range(-1, 3)]
        records = [r for day in days for r in journal.payments_on(day)]
        cards = {r.payment_id: journal.entry(r.payment_id).saga.card for r in records}
    finally:
        journal.close()
    owed_before = {c: fine_cents(int(c[2:])) for c in owed_after}
    return chaos_count.count_payments(records, cards, terminal_journal, owed_before, paid_told)
