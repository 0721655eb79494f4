"""The help desk: rate limit per kiosk, acknowledge, a failing channel, nothing of the patron."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.core.clock import ManualClock
from kiosk.core.help import CallResult, HelpChannelError, HelpDesk, HelpRequest, HelpState

START = datetime(2026, 11, 25, 18, 5, tzinfo=ZoneInfo("Europe/Vilnius"))


class Channel:
    def __init__(self, name: str, fails: bool = False) -> None:
        self.name = name
        self.fails = fails
        self.sent: list[HelpRequest] = []

    async def send(self, request: HelpRequest) -> None:
        if self.fails:
            raise HelpChannelError("down")
        self.sent.append(request)


class Recorder:
    def __init__(self) -> None:
        self.results: list[str] = []

    def help_request(self, result: str) -> None:
        self.results.append(result)


def desk(*channels: Channel, interval: float = 300.0) -> tuple[HelpDesk, ManualClock, Recorder]:
    clock = ManualClock(START)
    recorder = Recorder()
    made = HelpDesk(
        "k1", "Pasakų biblioteka", channels, clock,
        location="1st floor", min_interval_s=interval, recorder=recorder,
    )  # fmt: skip
    return made, clock, recorder


def test_a_call_reaches_every_channel_and_is_counted() -> None:
    mail, hook = Channel("email"), Channel("webhook")
    help_desk, _, recorder = desk(mail, hook)
    call = asyncio.run(help_desk.call())
    assert call.result is CallResult.CALLED and call.staff_told
    assert call.delivered == ("email", "webhook")
    assert help_desk.state is HelpState.CALLED
    assert mail.sent[0].called_at == START and mail.sent[0].kiosk_id == "k1"
    assert recorder.results == ["called"]


def test_a_second_tap_while_called_sends_nothing_again() -> None:
    mail = Channel("email")
    help_desk, clock, recorder = desk(mail)
    asyncio.run(help_desk.call())
    clock.advance(3600)
    again = asyncio.run(help_desk.call())
    assert again.result is CallResult.ALREADY_CALLED and again.staff_told
    assert len(mail.sent) == 1
    assert recorder.results == ["called", "already_called"]


def test_after_acknowledgement_the_interval_limits_new_calls() -> None:
    mail = Channel("email")
    help_desk, clock, _ = desk(mail, interval=300)
    asyncio.run(help_desk.call())
    assert help_desk.acknowledge("staff-7")
    assert help_desk.state is HelpState.ACKNOWLEDGED and help_desk.acknowledged_by == "staff-7"
    clock.advance(299)
    limited = asyncio.run(help_desk.call())
    assert limited.result is CallResult.RATE_LIMITED and not limited.staff_told
    clock.advance(1)
    assert asyncio.run(help_desk.call()).result is CallResult.CALLED
    assert len(mail.sent) == 2


def test_acknowledge_without_a_call_is_refused() -> None:
    help_desk, _, _ = desk(Channel("email"))
    assert not help_desk.acknowledge("staff-7")
    assert help_desk.state is HelpState.IDLE


def test_one_failing_channel_does_not_stop_the_others() -> None:
    sms, hook = Channel("sms", fails=True), Channel("webhook")
    help_desk, _, _ = desk(sms, hook)
    call = asyncio.run(help_desk.call())
    assert call.result is CallResult.CALLED
    assert call.failed == ("sms",) and call.delivered == ("webhook",)


def test_no_channel_taking_it_is_a_failure_and_may_be_retried_at_once() -> None:
    down = Channel("webhook", fails=True)
    help_desk, _, recorder = desk(down)
    assert asyncio.run(help_desk.call()).result is CallResult.FAILED
    assert help_desk.state is HelpState.IDLE
    down.fails = False
    assert asyncio.run(help_desk.call()).result is CallResult.CALLED
    assert recorder.results == ["failed", "called"]


def test_no_channels_configured_is_a_failure() -> None:
    help_desk, _, _ = desk()
    call = asyncio.run(help_desk.call())
    assert call.result is CallResult.FAILED and not call.staff_told


def test_the_request_says_where_and_when_only() -> None:
    request = HelpRequest("k1", "Pasakų biblioteka", "1st floor", START)
    assert set(request.as_json()) == {
        "event", "kiosk_id", "library", "location", "called_at", "text",
    }  # fmt: skip
    assert "k1" in request.text() and "1st floor" in request.text()
    assert "2026-11-25 18:05" in request.text()
