"""The locker notifier and its texts: Lithuanian and English notices naming the library, the
locker, the compartment(s), the code and the deadline (in the kiosk's time zone); e-mail to
a real SMTP server (aiosmtpd), SMS to a local HTTP gateway; channels in the configured
order with fallback; a failure raises so the logic keeps the notice, with a back-off."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from backend_sync.notify.locker_notifier import LockerNotifier, NotificationFailed, Sender
from backend_sync.notify.locker_texts import language_for, render
from backend_sync.notify.sms import SmsGateway, SmsOptions
from backend_sync.notify.smtp_sender import SmtpOptions, SmtpSender
from kiosk.core.lockers.ports import PickupNotice

VILNIUS = ZoneInfo("Europe/Vilnius")
LIBRARY = "Apskrities viešoji biblioteka"


def notice(language: str = "lt", email: str = "ona@example.lt", phone: str = "+37060000001",
           compartments: tuple[int, ...] = (3,)) -> PickupNotice:  # fmt: skip
    return PickupNotice(
        "2100000001", language, email, phone, "Knygomatas prie įėjimo", compartments,
        "482193", datetime(2026, 11, 27, 10, 0, tzinfo=UTC), ("Metai", "Marti"),
    )  # fmt: skip


def test_lithuanian_texts() -> None:
    texts = render(notice(), LIBRARY, VILNIUS)
    assert texts.language == "lt"
    assert LIBRARY in texts.subject
    for part in (LIBRARY, "„Knygomatas prie įėjimo“", "Langelis: 3", "Durelių kodas: 482193",
                 "Atsiimkite iki: 2026-11-27 12:00", "Metai; Marti"):  # fmt: skip
        assert part in texts.email
    for part in (LIBRARY, "„Knygomatas prie įėjimo“", "langelis 3", "kodas 482193",
                 "2026-11-27 12:00"):  # fmt: skip
        assert part in texts.sms


def test_english_texts_and_several_compartments() -> None:
    texts = render(notice("en", compartments=(3, 7)), LIBRARY, VILNIUS)
    assert texts.language == "en"
    for part in ("“Knygomatas prie įėjimo”", "Compartments: 3, 7", "Door code: 482193",
                 "Collect by: 2026-11-27 12:00"):  # fmt: skip
        assert part in texts.email
    assert "compartments 3, 7" in texts.sms and "Door code 482193" in texts.sms


@pytest.mark.parametrize(
    ("wanted", "default", "chosen"),
    [("en", "lt", "en"), ("EN-gb", "lt", "en"), ("", "lt", "lt"), ("de", "en", "en"),
     ("ru", "xx", "lt")],
)  # fmt: skip
def test_language_falls_back_to_the_default(wanted: str, default: str, chosen: str) -> None:
    assert language_for(wanted, default) == chosen


def mail_sender(port: int) -> SmtpSender:
    return SmtpSender(SmtpOptions("127.0.0.1", port, security="none", timeout_s=5))


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def notifier(smtp_port: int | None, gateway=None, **options) -> LockerNotifier:
    sms = None
    if gateway is not None:
        sms = SmsGateway(SmsOptions(url=gateway.url, retries=0), sleep=lambda _s: None)
    return LockerNotifier(
        LIBRARY, VILNIUS,
        smtp=mail_sender(smtp_port) if smtp_port else None,
        sender=Sender("knygomatas@example.lt", "Biblioteka"),
        sms=sms, **options,
    )  # fmt: skip


def test_e_mail_first_through_a_real_smtp_server(smtp, gateway) -> None:
    inbox, port = smtp
    inbox.messages.clear()
    notifier(port, gateway).send_pickup_code(notice())
    assert inbox.arrived.wait(5)
    mail = inbox.messages[-1]
    assert mail["To"] == "ona@example.lt"
    assert "knygomatas@example.lt" in mail["From"]
    assert "Durelių kodas: 482193" in mail.get_body(("plain",)).get_content()
    assert gateway.requests == []  # one channel that works is enough


def test_sms_when_configured_first(smtp, gateway) -> None:
    inbox, port = smtp
    inbox.messages.clear()
    notifier(port, gateway, channels=("sms", "email")).send_pickup_code(notice())
    [request] = gateway.requests
    body = json.loads(request["body"])
    assert body["to"] == "+37060000001" and "482193" in body["text"]
    assert inbox.messages == []


def test_a_dead_mail_server_falls_back_to_sms(gateway, dead_port: int) -> None:
    notifier(dead_port, gateway).send_pickup_code(notice())
    assert len(gateway.requests) == 1


def test_every_channel_failing_raises_and_backs_off(gateway, dead_port: int) -> None:
    gateway.statuses = [503, 503]
    ticks = Ticks()
    n = notifier(dead_port, gateway, retry_s=10, retry_max_s=15, monotonic=ticks)
    with pytest.raises(NotificationFailed, match=r"email: .*; sms: gateway answered HTTP 503"):
        n.send_pickup_code(notice())
    with pytest.raises(NotificationFailed, match="waiting"):
        n.send_pickup_code(notice())  # too soon: not even tried
    assert len(gateway.requests) == 1
    ticks.now += 10
    with pytest.raises(NotificationFailed):
        n.send_pickup_code(notice())
    assert len(gateway.requests) == 2
    ticks.now += 14  # the pause doubled, capped at 15
    with pytest.raises(NotificationFailed, match="waiting"):
        n.send_pickup_code(notice())
    ticks.now += 1
    n.send_pickup_code(notice())  # the gateway answers again
    assert len(gateway.requests) == 3


def test_a_patron_without_any_address_is_reported(smtp) -> None:
    _, port = smtp
    with pytest.raises(NotificationFailed, match="no address"):
        notifier(port).send_pickup_code(notice(email="", phone=""))
