"""The locker cycles end to end over real sockets: the kiosk's own composition
(kiosk.wiring.lockers.build_lockers) against the ILS simulator (SIP2), the locker bank simulator
(Modbus TCP) and aiosmtpd (the pickup code by e-mail), with the state in the real SQLite
store. The clock is a test clock so a 48-hour deadline passes at once; the runner is driven
by ``poll_once`` so every step is deterministic (its thread is tested elsewhere)."""

from __future__ import annotations

import email
import email.policy
import json
import random
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from backend_sync.lockers.runner import LockerRunner
from backend_sync.lockers.store import SqliteLockerStore
from backend_sync.store.database import open_store
from backend_sync.store.outbox import OutboxStore
from kiosk.core.lockers.service import LoadStarted, Opened, Refused
from kiosk.settings.model import Settings
from kiosk.wiring.lockers import build_lockers
from simulators.ils.simulator import IlsSimulator
from simulators.lockers.bank import LockerBankSimulator

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
HELD_FOR_USAS = "9786090100257"  # on loan to 2100000001, hold for 2100000012 at KNYGOMATAS-1
ON_LOAN = "9786090100035"  # on loan to 2100000001; tests place a hold on it for 2100000002
STAFF, STAFF_PIN = "2100000007", "7890"
PARTS = ("runner", "clock", "ils", "bank", "inbox")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        self.arrived.set()
        return "250 Message accepted"

    def text(self) -> str:
        return self.messages[-1].get_body(("plain",)).get_content()

    def code(self) -> str:
        return re.search(r"(?:Durelių kodas|Door code): (\d+)", self.text()).group(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def bank_sim() -> Iterator[LockerBankSimulator]:
    with LockerBankSimulator() as simulator:
        yield simulator


@pytest.fixture
def ils_sim() -> Iterator[IlsSimulator]:
    with IlsSimulator(encoding="utf-8") as simulator:
        yield simulator


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, int]]:
    port = free_port()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def settings_for(
    ils: IlsSimulator, bank: LockerBankSimulator, smtp_port: int, data: Path, **lockers: Any
):
    comps = [
        {"id": n, "board": "b1", "lock": n - 1, "door": n - 1, "occupancy": 15 + n}
        for n in range(1, 9)
    ]
    sms = {"sms": lockers.pop("sms")} if "sms" in lockers else {}
    return Settings.model_validate({
        "kiosk": {"library_name": "Apskrities viešoji biblioteka", "data_dir": str(data),
                  "timezone": "Europe/Vilnius"},
        "log": {"level": "warning"},
        "ils": {"host": ils.host, "port": ils.port, "username": "knygomatas1",
                "password": "demo", "institution": "AVB", "location": "KNYGOMATAS-1",
                "encoding": "utf-8", "timeout_s": 5.0, "retries": 0},
        "smtp": {"host": "127.0.0.1", "port": smtp_port, "security": "none",
                 "from_address": "knygomatas@example.lt", "timeout_s": 5.0},
        "lockers": {"name": "Knygomatas prie centrinio įėjimo",
                    "pickup_location": "KNYGOMATAS-1", "staff_card_pattern": "21000000(07)",
                    "code_hash_iterations": 1000, "board_probe_s": 0,
                    "notify_retry_s": 0.001, "notify_retry_max_s": 0.001,
                    "compartments": comps,
                    "boards": [{"name": "b1", "port": bank.tcp.port, "timeout_s": 0.5,
                                "pulse_s": 0.0}], **lockers},
        **sms,
    })  # fmt: skip


@pytest.fixture
def stack(ils_sim, bank_sim, smtp, tmp_path) -> Iterator[dict[str, Any]]:
    bank_sim.model.reset()
    inbox, port = smtp
    inbox.messages.clear()
    inbox.arrived.clear()
    clock = Clock()
    settings = settings_for(ils_sim, bank_sim, port, tmp_path)
    runner = build_lockers(settings, random=random.Random(4), clock=clock)
    runner.start_up()
    yield {"runner": runner, "clock": clock, "ils": ils_sim, "bank": bank_sim.model,
           "inbox": inbox, "settings": settings, "data": tmp_path}  # fmt: skip
    runner.close()


def staff_id(runner: LockerRunner) -> str:
    staff = runner.call(lambda s, _now: s.staff_login(STAFF, STAFF_PIN))
    assert staff == "******0007"  # who loads, as the locker log records it: masked
    return staff


def load(stack: dict[str, Any], item: str) -> int:
    runner, bank = stack["runner"], stack["bank"]
    staff = staff_id(runner)
    started = runner.call(lambda s, now: s.start_load(staff, item, now))
    assert isinstance(started, LoadStarted)
    runner.poll_once()
    bank.put_item(started.compartment)
    bank.close_door(started.compartment)
    runner.poll_once()
    return started.compartment


def use(runner: LockerRunner, compartment: int) -> str:
    return runner.service.compartments[compartment].use.value


def test_load_notify_pickup_free(stack: dict[str, Any]) -> None:
    runner, clock, ils, bank, inbox = (stack[k] for k in PARTS)
    comp = load(stack, HELD_FOR_USAS)
    assert use(runner, comp) == "held"
    assert ils.library.count("checkin", HELD_FOR_USAS) == 1
    assert inbox.arrived.wait(5)
    mail = inbox.messages[-1]
    assert mail["To"] == "zygimantas.usas@example.lt"
    text = inbox.text()
    for part in ("Apskrities viešoji biblioteka", "„Knygomatas prie centrinio įėjimo“",
                 f"Langelis: {comp}", "Atsiimkite iki: 2026-11-27 11:00"):  # fmt: skip
        assert part in text
    code = inbox.code()
    clock.now += timedelta(hours=3)
    assert runner.call(lambda s, now: s.pickup_by_code(code, now)) == Opened((comp,))
    runner.poll_once()  # the door is seen open: the loan is made at the ILS
    assert ils.library.loan(HELD_FOR_USAS).patron == "2100000012"
    bank.take_items(comp)
    bank.close_door(comp)
    runner.poll_once()
    assert use(runner, comp) == "free"
    assert runner.service.alarms.active() == []
    assert runner.call(lambda s, now: s.pickup_by_code(code, now)) == Refused("wrong_code")
    store = SqliteLockerStore(stack["data"] / "lockers.sqlite")
    trail = [(e["before"], e["after"]) for e in store.events(comp)]
    assert trail == [("free", "loading"), ("loading", "held"), ("held", "pickup"),
                     ("pickup", "free")]  # fmt: skip
    assert bank.status()["compartments"][str(comp)]["releases"] == 2


def test_refuses_items_without_a_hold_here(stack: dict[str, Any]) -> None:
    runner = stack["runner"]
    staff = staff_id(runner)
    elsewhere = runner.call(lambda s, now: s.start_load(staff, "9786090100301", now))
    assert elsewhere == Refused("other_pickup_location", "FILIALAS")
    no_hold = runner.call(lambda s, now: s.start_load(staff, "9786090100066", now))
    assert isinstance(no_hold, Refused) and no_hold.reason == "no_hold"
    assert all(c["releases"] == 0 for c in stack["bank"].status()["compartments"].values())


def test_wrong_staff_pin_is_refused(stack: dict[str, Any]) -> None:
    runner = stack["runner"]
    assert runner.call(lambda s, _now: s.staff_login(STAFF, "0000")) == Refused(
        "wrong_staff_card_or_pin"
    )
    patron_card = runner.call(lambda s, _now: s.staff_login("2100000001", "1234"))
    assert patron_card == Refused("wrong_staff_card_or_pin")


def test_expiry_cycle(stack: dict[str, Any]) -> None:
    runner, clock, ils, bank, inbox = (stack[k] for k in PARTS)
    ils.library.place_hold("2100000002", ON_LOAN, "KNYGOMATAS-1", datetime.now())
    comp = load(stack, ON_LOAN)
    assert inbox.arrived.wait(5)
    code = inbox.code()
    clock.now += timedelta(hours=49)
    runner.poll_once()
    assert use(runner, comp) == "expired"
    assert runner.call(lambda s, now: s.pickup_by_code(code, now)) == Refused("wrong_code")
    staff = staff_id(runner)
    lines = runner.call(lambda s, now: s.open_expired(staff, now))
    assert [(x.compartment, x.item_id) for x in lines] == [(comp, ON_LOAN)]
    answered = ils.events["answered_09"]
    runner.poll_once()  # the door is seen open: the item is checked in again for staff
    assert ils.events["answered_09"] == answered + 1
    assert ils.library.loan(ON_LOAN) is None
    bank.take_items(comp)
    bank.close_door(comp)
    runner.poll_once()
    assert use(runner, comp) == "free"


def test_pickup_by_card_and_pin_with_the_ils_offline(stack: dict[str, Any]) -> None:
    """Card + PIN checked by the ILS; the ILS goes down before the door opens: the loan is
    recorded in the outbox as an offline (no-block) checkout, the patron still gets the book."""
    runner, ils, bank = stack["runner"], stack["ils"], stack["bank"]
    ils.library.place_hold("2100000002", ON_LOAN, "KNYGOMATAS-1", datetime.now())
    comp = load(stack, ON_LOAN)
    assert runner.call(lambda s, now: s.pickup_by_card("2100000002", "9999", now)) == Refused(
        "wrong_card_or_pin"
    )
    assert runner.call(lambda s, now: s.pickup_by_card("2100000002", "2345", now)) == Opened(
        (comp,)
    )
    ils.stop()  # the library system goes away before the door is seen open
    runner.poll_once()
    outbox = OutboxStore(open_store(stack["data"] / stack["settings"].store.file))
    [entry] = outbox.pending()
    assert (entry.kind.value, entry.payload, entry.offline) == (
        "checkout", {"card": "2100000002", "item_id": ON_LOAN}, True
    )  # fmt: skip
    bank.take_items(comp)
    bank.close_door(comp)
    runner.poll_once()
    assert use(runner, comp) == "free"


def test_a_dead_mail_server_keeps_the_load_and_retries(stack, tmp_path: Path) -> None:
    """SMTP down at loading: the load stays, the alarm is raised; once the server answers,
    the next poll delivers the notice and clears the alarm."""
    runner = stack["runner"]
    sender = runner.service.notifier.smtp
    sender.options = replace(sender.options, port=free_port())  # nobody listens there
    comp = load(stack, HELD_FOR_USAS)
    assert use(runner, comp) == "held"
    kinds = [a.kind.value for a in runner.service.alarms.active()]
    assert kinds == ["notification_failed"]
    inbox = Inbox()
    port = sender.options.port
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        runner.poll_once()
        assert inbox.arrived.wait(5)
        assert runner.service.alarms.active() == []
        assert inbox.messages[-1]["To"] == "zygimantas.usas@example.lt"
    finally:
        controller.stop()


class SmsGatewayServer:
    """A small HTTP SMS gateway on loopback that keeps what it was sent."""

    def __init__(self) -> None:
        self.sent: list[dict] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                gateway.sent.append(json.loads(self.rfile.read(length)))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:  # keep the test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_the_code_by_sms(ils_sim, bank_sim, smtp, tmp_path: Path) -> None:
    """SMS first: the code reaches the gateway (JSON, bearer token) and opens the door."""
    bank_sim.model.reset()
    gateway = SmsGatewayServer()
    sms = {"url": gateway.url, "auth": "bearer", "token": "t", "sender": "AVB"}
    settings = settings_for(ils_sim, bank_sim, smtp[1], tmp_path, sms=sms,
                            notify_by=["sms", "email"])  # fmt: skip
    ils_sim.library.place_hold("2100000002", ON_LOAN, "KNYGOMATAS-1", datetime.now())
    runner = build_lockers(settings, random=random.Random(5), clock=Clock())
    runner.start_up()
    try:
        comp = load({"runner": runner, "bank": bank_sim.model}, ON_LOAN)
        [message] = gateway.sent
        assert message["to"] == "+37060000002" and message["from"] == "AVB"
        assert f"langelis {comp}" in message["text"] and "Apskrities" in message["text"]
        code = re.search(r"kodas (\d+)", message["text"]).group(1)
        assert runner.call(lambda s, now: s.pickup_by_code(code, now)) == Opened((comp,))
    finally:
        runner.close()
        gateway.close()
