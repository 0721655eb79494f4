"""A headphone jack for unit tests and machines without one: plug()/unplug() call on_change.

Same surface as jack.HeadphoneJack (``start(loop)``, ``health()``, ``error``, ``close()``) and
the same first-state policy (headphones already in at start turn speech on; an empty jack
changes nothing). Each plug travels as the kernel's bytes (jack_events.switch_report, which
`kiosk sim jack` writes too) through the real decoder, so fake, simulator and adapter agree.
Never touches a file or a thread: on_change runs in the caller, or on ``loop`` when given.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from device_drivers.speech.jack import JackHealth, JackUnavailable
from device_drivers.speech.jack_events import (
    SW_HEADPHONE_INSERT,
    JackChanged,
    JackDecoder,
    passed_on,
    switch_report,
)


class FakeJack:
    def __init__(
        self, device: str = "fake", *, on_change: Callable[[bool], None], plugged: bool = False
    ) -> None:
        self.device = device
        self._on_change = on_change
        self._plugged_at_start = plugged
        self._decoder = JackDecoder()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._running = False
        self._reported: bool | None = None
        self.reports: list[bool] = []  # every state passed to on_change, in order

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> FakeJack:
        self._loop = loop
        self._running = True
        if self._plugged_at_start:
            self._send(True)
        return self

    def plug(self, switch: int = SW_HEADPHONE_INSERT) -> None:
        self._send(True, switch)

    def unplug(self, switch: int = SW_HEADPHONE_INSERT) -> None:
        self._send(False, switch)

    @property
    def plugged(self) -> bool | None:
        return self._reported

    def health(self) -> JackHealth:
        return JackHealth("listening" if self._running else "off", self.device)

    @property
    def error(self) -> JackUnavailable | None:
        return None

    def close(self) -> None:
        self._running = False

    def _send(self, plugged: bool, switch: int = SW_HEADPHONE_INSERT) -> None:
        if not self._running:
            return
        self._decoder.receive(switch_report({switch: plugged}))
        for signal in self._decoder.signals():
            if isinstance(signal, JackChanged):
                self._deliver(signal.plugged)

    def _deliver(self, plugged: bool) -> None:
        previous, self._reported = self._reported, plugged
        if not passed_on(previous, plugged):
            return
        self.reports.append(plugged)
        if self._loop is None:
            self._on_change(plugged)
        else:
            self._loop.call_soon_threadsafe(self._on_change, plugged)
