"""The feed simulator on a free loopback port, fresh for every test, and its control actions.

The actions are called in-process (the same callables the control API serves; the HTTP
transport of the control API is tested once, in tests/simulators/feeds), because stopping a
control server costs its half-second poll interval and these tests are many.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from simulators.feeds.model import demo_model
from simulators.feeds.server import FeedSimulator


class Actions:
    def __init__(self, sim: FeedSimulator) -> None:
        self._actions = sim.actions()

    def call(self, action: str, **params: Any) -> Any:
        return self._actions[action](params)


@pytest.fixture
def sim() -> Iterator[FeedSimulator]:
    simulator = FeedSimulator(demo_model()).start()
    yield simulator
    simulator.stop()


@pytest.fixture
def control(sim: FeedSimulator) -> Actions:
    return Actions(sim)
