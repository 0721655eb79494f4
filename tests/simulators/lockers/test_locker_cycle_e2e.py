"""The whole locker cycle against the bank simulator through the real drivers (Modbus TCP,
Modbus RTU on a pty, Kerong on a pty), with the pickup code delivered by e-mail to a real
SMTP server on loopback (aiosmtpd) and typed back in from that e-mail.

The ILS is a stand-in (its SIP2 adapter is another package's work); the e-mail notifier here
is a few lines over backend_sync.notify's SMTP sender, until the locker notifier exists."""

from __future__ import annotations

import email
import random
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller

from backend_sync.notify.message import OutgoingMail, build_message
from backend_sync.notify.smtp_sender import SmtpOptions, SmtpSender
from kiosk.core.lockers.policy import LockerPolicy
from kiosk.core.lockers.ports import Checkout, HoldCheckin, PickupNotice
from kiosk.core.lockers.service import LockerService, Opened
from kiosk.wiring.locks import compartment_specs_from, lock_bank_from
from simulators.lockers.bank import LockerBankSimulator

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        self.arrived.set()
        return "250 Message accepted"


@dataclass
class Ils:
    checkouts: list[str] = field(default_factory=list)
    checkins: list[str] = field(default_factory=list)

    def checkin(self, item_id: str, now: datetime) -> HoldCheckin:
        self.checkins.append(item_id)
        return HoldCheckin(item_id, True, "P7", "KNYGOMATAS", "Metai", "lt", "jonas@example.lt")

    def checkout(self, patron_id: str, item_id: str, now: datetime) -> Checkout:
        self.checkouts.append(item_id)
        return Checkout(item_id, True)

    def authenticate_patron(self, card: str, pin: str, now: datetime) -> str | None:
        return None


class MailNotifier:
    def __init__(self, port: int) -> None:
        self.sender = SmtpSender(SmtpOptions("127.0.0.1", port, security="none", timeout_s=5))

    def send_pickup_code(self, notice: PickupNotice) -> None:
        text = (
            f"Your items are waiting in {notice.locker}, compartment(s) "
            f"{', '.join(map(str, notice.compartments))}.\nCode: {notice.code}\n"
            f"Collect them by {notice.deadline:%Y-%m-%d %H:%M}.\n"
        )
        mail = OutgoingMail(notice.email, f"{notice.locker}: ready for pickup", text)
        self.sender.send(build_message(mail, "kiosk@example.lt", "Biblioteka"))


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture(scope="module")
def running() -> Iterator[LockerBankSimulator]:
    simulator = LockerBankSimulator().start()
    yield simulator
    simulator.stop()


@pytest.fixture(params=["tcp", "serial"])
def kiosk(request, running: LockerBankSimulator, smtp) -> Iterator[tuple[LockerService, Ils]]:
    running.model.reset()
    inbox, port = smtp
    inbox.messages.clear()
    section = running.lockers_section(request.param, timeout_s=0.3, pulse_s=0.0)
    bank = lock_bank_from(section)
    ils = Ils()
    policy = LockerPolicy(pickup_location="KNYGOMATAS", code_hash_iterations=1000)
    service = LockerService(
        compartment_specs_from(section), policy, bank, ils, MailNotifier(port), random.Random()
    )
    yield service, ils
    bank.close()


def code_from(inbox: Inbox) -> str:
    assert inbox.arrived.wait(5)
    inbox.arrived.clear()
    body = inbox.messages[-1].get_body(("plain",)).get_content()
    return re.search(r"Code: (\d+)", body).group(1)


def test_load_mail_pickup_free(running: LockerBankSimulator, kiosk, smtp) -> None:
    service, ils = kiosk
    sim, inbox = running.model, smtp[0]
    comp = service.start_load("staff", "LT-0001", T0).compartment
    service.poll(T0)
    sim.put_item(comp)
    sim.close_door(comp)
    service.poll(T0 + timedelta(seconds=5))
    code = code_from(inbox)
    assert inbox.messages[-1]["To"] == "jonas@example.lt"
    assert service.pickup_by_code(code, T0 + timedelta(hours=1)) == Opened((comp,))
    service.poll(T0 + timedelta(hours=1))
    assert ils.checkouts == ["LT-0001"]
    sim.take_items(comp)
    sim.close_door(comp)
    service.poll(T0 + timedelta(hours=1, seconds=20))
    assert service.overview()[comp]["use"] == "free"
    assert service.alarms.active() == []


def test_expiry_cycle_opens_all_expired_at_once(running: LockerBankSimulator, kiosk) -> None:
    service, ils = kiosk
    sim = running.model
    loaded = []
    for item in ("LT-1", "LT-2"):
        started = service.start_load("staff", item, T0, size="M")
        comp = started.compartment
        service.poll(T0)
        sim.put_item(comp)
        sim.close_door(comp)
        service.poll(T0 + timedelta(seconds=5))
        loaded.append(comp)
    later = T0 + timedelta(hours=49)
    service.poll(later)
    assert {service.overview()[c]["use"] for c in loaded} == {"expired"}
    lines = service.open_expired("staff", later)
    assert sorted(line.item_id for line in lines) == ["LT-1", "LT-2"]
    service.poll(later)
    for comp in set(loaded):
        sim.take_items(comp)
        sim.close_door(comp)
    service.poll(later + timedelta(minutes=1))
    assert {service.overview()[c]["use"] for c in loaded} == {"free"}
    assert ils.checkins.count("LT-1") == 2


def test_kerong_compartments_work_when_the_modbus_board_is_silent(
    running: LockerBankSimulator, kiosk, smtp
) -> None:
    service, _ = kiosk
    running.model.silence("b1")
    started = service.start_load("staff", "LT-9", T0)
    assert started.compartment > 16
    service.poll(T0)
    running.model.put_item(started.compartment)
    running.model.close_door(started.compartment)
    service.poll(T0 + timedelta(seconds=5))
    assert service.pickup_by_code(code_from(smtp[0]), T0 + timedelta(minutes=1)).compartments == (
        started.compartment,
    )
    assert [a.kind.value for a in service.alarms.active()] == ["board_unavailable"]
