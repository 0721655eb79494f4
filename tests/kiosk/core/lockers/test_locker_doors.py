"""The door state machine: its table, sensor-driven transitions, and alarm conditions."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.lockers.doors import (
    TABLE,
    DoorEvent,
    DoorState,
    DoorTracker,
    IllegalTransition,
    next_state,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def tracker() -> DoorTracker:
    return DoorTracker(1, timedelta(seconds=3), timedelta(seconds=60), since=T0)


def test_release_open_close_cycle() -> None:
    door = tracker()
    door.released(T0)
    assert door.state == DoorState.RELEASED
    [opened] = door.observe(False, T0 + timedelta(seconds=1))
    assert (opened.event, opened.after) == (DoorEvent.OPENED, DoorState.OPEN)
    [closed] = door.observe(True, T0 + timedelta(seconds=5))
    assert closed.after == DoorState.LOCKED
    assert door.observe(True, T0 + timedelta(seconds=6)) == []


def test_no_opening_after_release_is_jammed_then_recovers() -> None:
    door = tracker()
    door.released(T0)
    assert door.observe(True, T0 + timedelta(seconds=2)) == []
    [jam] = door.observe(True, T0 + timedelta(seconds=4))
    assert jam.after == DoorState.JAMMED
    [late] = door.observe(False, T0 + timedelta(seconds=9))
    assert late.after == DoorState.OPEN


def test_opening_without_release_is_forced() -> None:
    door = tracker()
    [forced] = door.observe(False, T0)
    assert forced.after == DoorState.FORCED
    assert door.observe(True, T0 + timedelta(seconds=1))[0].after == DoorState.LOCKED


def test_left_open_is_reported_once_per_opening() -> None:
    door = tracker()
    door.released(T0)
    door.observe(False, T0)
    assert not door.left_open(T0 + timedelta(seconds=30))
    assert door.left_open(T0 + timedelta(seconds=61))
    assert not door.left_open(T0 + timedelta(seconds=120))
    door.observe(True, T0 + timedelta(seconds=130))
    door.released(T0 + timedelta(seconds=140))
    door.observe(False, T0 + timedelta(seconds=140))
    assert door.left_open(T0 + timedelta(seconds=201))


@pytest.mark.parametrize("state", list(DoorState))
@pytest.mark.parametrize("event", list(DoorEvent))
def test_every_pair_is_in_the_table_or_illegal(state: DoorState, event: DoorEvent) -> None:
    if (state, event) in TABLE:
        assert next_state(state, event) == TABLE[(state, event)]
    else:
        with pytest.raises(IllegalTransition):
            next_state(state, event)


@given(
    st.lists(
        st.tuples(st.sampled_from(["release", "closed", "open"]), st.integers(0, 200)),
        max_size=40,
    )
)
def test_any_sequence_of_readings_and_releases_is_legal(steps) -> None:
    door = tracker()
    now = T0
    for what, seconds in steps:
        now += timedelta(seconds=seconds)
        if what == "release":
            door.released(now)
        else:
            for t in door.observe(what == "closed", now):
                assert (t.before, t.event) in TABLE
        assert door.state in DoorState
