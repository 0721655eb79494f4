"""FakeJack: plug()/unplug() reach on_change through the real decoder, with the adapter's
first-state policy, directly or on an asyncio loop; after close() nothing is reported."""

from __future__ import annotations

import asyncio

from device_drivers.speech.jack_events import SW_LINEOUT_INSERT, SW_MICROPHONE_INSERT
from device_drivers.speech.jack_fake import FakeJack


def test_plug_and_unplug_call_on_change() -> None:
    seen: list[bool] = []
    jack = FakeJack(on_change=seen.append).start()
    assert jack.health().state == "listening" and jack.error is None
    jack.plug()
    jack.plug()  # already plugged: not a change
    jack.unplug()
    assert seen == [True, False] == jack.reports


def test_an_empty_jack_first_changes_nothing_like_the_real_one() -> None:
    seen: list[bool] = []
    jack = FakeJack(on_change=seen.append).start()
    jack.unplug()
    assert jack.plugged is False
    jack.plug(SW_MICROPHONE_INSERT)  # a microphone alone is nothing to listen to
    jack.plug(SW_LINEOUT_INSERT)
    assert seen == [True]


def test_headphones_in_at_start_turn_speech_on() -> None:
    seen: list[bool] = []
    FakeJack(on_change=seen.append, plugged=True).start()
    assert seen == [True]


def test_close_stops_reporting() -> None:
    seen: list[bool] = []
    jack = FakeJack(on_change=seen.append).start()
    jack.close()
    jack.plug()
    assert seen == [] and jack.health().state == "off"


def test_on_a_loop_the_callback_runs_there() -> None:
    async def scenario() -> list[bool]:
        seen: list[bool] = []
        jack = FakeJack(on_change=seen.append).start(asyncio.get_running_loop())
        jack.plug()
        assert seen == []  # scheduled, not called in place
        await asyncio.sleep(0)
        return seen

    assert asyncio.run(scenario()) == [True]
