"""HeadphoneJack on real bytes: a FIFO (os.mkfifo) that the test writes kernel-format events
into, the adapter opened on its path, the callback observed. Faults: a missing node, a path
that is no event device (a directory, /dev/null), permission denied (tests run as root, where
chmod 000 denies nothing: a forked child drops to uid 65534 and is refused the node -- the
pytest folder above it is root-only too, so either may be what refuses it), bytes that are not
events, a node that vanishes and comes back, a callback that raises. No timing assertions:
waits are bounded, never measured.

Not covered here: EVIOCGSW on a real /dev/input node (no evdev or uinput in the test machine;
the ioctl's request number is checked in test_jack_events.py)."""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from device_drivers.speech.jack import HeadphoneJack, JackHealth
from device_drivers.speech.jack_events import (
    EVENT_FORMAT_32,
    SW_HEADPHONE_INSERT,
    switch_report,
)

PLUG = switch_report({SW_HEADPHONE_INSERT: True}, 1700000000, 1)
UNPLUG = switch_report({SW_HEADPHONE_INSERT: False}, 1700000001, 2)
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "input_devices"


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "jack"
    os.mkfifo(path)
    return path


@contextmanager
def listening(device: str, **options: object) -> Iterator[tuple[HeadphoneJack, queue.Queue]]:
    changes: queue.Queue[bool] = queue.Queue()
    jack = HeadphoneJack(device, on_change=changes.put, **options)  # type: ignore[arg-type]
    jack.start()
    try:
        yield jack, changes
    finally:
        jack.close()


def write(path: Path, data: bytes) -> None:
    """One writer session: open, write, close (the kiosk sees the writer leave)."""
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def wait_for(condition: Callable[[], bool], timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


def test_plug_and_unplug_reach_the_callback(fifo: Path) -> None:
    with listening(str(fifo)) as (jack, changes):
        assert jack.health().state == "listening" and jack.health().device == str(fifo)
        assert jack.error is None
        write(fifo, PLUG)
        assert changes.get(timeout=10) is True
        write(fifo, UNPLUG)
        assert changes.get(timeout=10) is False


def test_events_split_across_writes_and_reads(fifo: Path) -> None:
    with listening(str(fifo)) as (_, changes):
        fd = os.open(fifo, os.O_WRONLY)
        try:
            for start in range(0, len(PLUG + UNPLUG), 7):
                os.write(fd, (PLUG + UNPLUG)[start : start + 7])
            assert changes.get(timeout=10) is True
            assert changes.get(timeout=10) is False
        finally:
            os.close(fd)


def test_a_writer_is_never_refused_between_sessions(fifo: Path) -> None:
    """The kiosk reopens a FIFO after each writer leaves; a writer arriving meanwhile must
    still find a reader (a non-blocking open would fail with ENXIO otherwise)."""
    with listening(str(fifo)) as (_, changes):
        for round_ in range(20):
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            os.write(fd, UNPLUG if round_ % 2 else PLUG)
            os.close(fd)
            assert changes.get(timeout=10) is (round_ % 2 == 0)


def test_an_empty_jack_first_changes_nothing(fifo: Path) -> None:
    """The first state known is passed on only when plugged ([ui] speech = true stays on)."""
    with listening(str(fifo)) as (jack, changes):
        assert jack.plugged is None
        write(fifo, UNPLUG + PLUG)
        assert changes.get(timeout=10) is True
        assert changes.empty() and jack.plugged is True


def test_start_with_a_loop_calls_back_on_the_loop_thread(fifo: Path) -> None:
    async def scenario() -> tuple[bool, int]:
        loop = asyncio.get_running_loop()
        got: asyncio.Future[tuple[bool, int]] = loop.create_future()

        def on_change(plugged: bool) -> None:
            got.set_result((plugged, threading.get_ident()))

        jack = HeadphoneJack(str(fifo), on_change=on_change).start(loop)
        try:
            await loop.run_in_executor(None, write, fifo, PLUG)
            return await asyncio.wait_for(got, timeout=10)
        finally:
            jack.close()

    loop_thread = threading.get_ident()
    assert asyncio.run(scenario()) == (True, loop_thread)


def test_32_bit_layout_is_a_parameter(fifo: Path) -> None:
    plug32 = switch_report({SW_HEADPHONE_INSERT: True}, event_format=EVENT_FORMAT_32)
    with listening(str(fifo), event_format=EVENT_FORMAT_32) as (_, changes):
        write(fifo, plug32)
        assert changes.get(timeout=10) is True


def test_a_writer_leaving_half_an_event_loses_only_that(
    fifo: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING), listening(str(fifo)) as (jack, changes):
        write(fifo, PLUG[:30])
        # a second writer arriving before the kiosk saw the first leave would join its stream
        wait_for(lambda: "unfinished event" in caplog.text)
        write(fifo, PLUG)
        assert changes.get(timeout=10) is True
        assert jack.health().state == "listening"


def test_missing_node_is_unavailable_not_a_crash(tmp_path: Path) -> None:
    with listening(str(tmp_path / "event99"), retry_s=60) as (jack, changes):
        health = jack.health()
        assert health.state == "unavailable" and health.device == str(tmp_path / "event99")
        assert "does not exist" in health.reason
        assert jack.error is not None and "does not exist" in str(jack.error)
        assert jack.running
    assert not jack.running and changes.empty()


@pytest.mark.parametrize("kind", ["directory", "dev-null"])
def test_a_path_that_is_no_event_device_is_refused(tmp_path: Path, kind: str) -> None:
    path = str(tmp_path) if kind == "directory" else os.devnull
    with listening(path, retry_s=60) as (jack, _):
        assert jack.health().state == "unavailable"
        assert "not an input event device" in jack.health().reason


def health_reason_as_nobody(path: Path) -> str:
    """Start a HeadphoneJack in a forked child that dropped to uid/gid 65534 (root opens a
    chmod 000 node anyway, so the parent cannot see "permission denied" itself)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no pytest machinery, only os calls and the adapter
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            jack = HeadphoneJack(str(path), on_change=print, retry_s=60).start()
            os.write(write_end, jack.health().reason.encode())
            jack.close()
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as answer:
        reason = answer.read().decode()
    os.waitpid(pid, 0)
    return reason


def test_permission_denied_names_the_input_group(fifo: Path) -> None:
    fifo.chmod(0)
    if os.geteuid() == 0:
        reason = health_reason_as_nobody(fifo)
    else:
        with listening(str(fifo), retry_s=60) as (jack, _):
            reason = jack.health().reason
    assert "permission denied" in reason and "'input' group" in reason


def test_bytes_that_are_not_events_make_it_unavailable_then_it_recovers(fifo: Path) -> None:
    states: list[JackHealth] = []
    with listening(str(fifo), retry_s=0.05, on_health=states.append) as (_, changes):
        write(fifo, b"\xff" * len(PLUG))
        wait_for(lambda: [health.state for health in states][-2:] == ["unavailable", "listening"])
        assert "not input events" in states[-2].reason
        write(fifo, PLUG)
        assert changes.get(timeout=10) is True


def test_a_node_that_vanishes_is_reported_and_picked_up_again(fifo: Path) -> None:
    with listening(str(fifo), retry_s=0.05) as (jack, changes):
        writer = os.open(fifo, os.O_WRONLY)
        fifo.unlink()  # the sound card is gone; the open descriptors still work
        os.write(writer, PLUG)
        os.close(writer)
        assert changes.get(timeout=10) is True
        wait_for(lambda: jack.health().state == "unavailable")
        assert "does not exist" in jack.health().reason
        os.mkfifo(fifo)  # plugged back in
        wait_for(lambda: jack.health().state == "listening")
        assert jack.error is None
        write(fifo, UNPLUG)
        assert changes.get(timeout=10) is False


def test_a_raising_callback_does_not_stop_listening(fifo: Path) -> None:
    seen: list[bool] = []

    def on_change(plugged: bool) -> None:
        seen.append(plugged)
        if plugged:
            raise RuntimeError("the app failed")

    jack = HeadphoneJack(str(fifo), on_change=on_change).start()
    try:
        write(fifo, PLUG)
        write(fifo, UNPLUG)
        wait_for(lambda: seen == [True, False])
    finally:
        jack.close()


def test_close_does_not_wait_out_the_retry(tmp_path: Path) -> None:
    jack = HeadphoneJack(str(tmp_path / "none"), on_change=print, retry_s=3600).start()
    jack.close()  # pytest-timeout would fail this test if close waited the hour
    assert not jack.running
    jack.close()  # twice is harmless


@pytest.mark.parametrize("device", ["off", ""])
def test_off_opens_nothing(device: str) -> None:
    with listening(device) as (jack, _):
        assert jack.health().state == "off" and not jack.running


def test_auto_without_a_jack_says_so(tmp_path: Path) -> None:
    devices = tmp_path / "devices"
    devices.write_text((FIXTURES / "raspberry_pi4.txt").read_text("utf-8"), encoding="utf-8")
    with listening("auto", devices_file=str(devices), retry_s=60) as (jack, _):
        assert jack.health().state == "no-jack" and jack.error is None


def test_auto_opens_the_headphone_node_it_finds(tmp_path: Path) -> None:
    if Path("/dev/input/event13").exists():
        pytest.skip("this machine has a real /dev/input/event13")
    devices = tmp_path / "devices"
    devices.write_text((FIXTURES / "laptop_hda.txt").read_text("utf-8"), encoding="utf-8")
    with listening("auto", devices_file=str(devices), retry_s=60) as (jack, _):
        assert jack.health().state == "unavailable"
        assert jack.health().reason.startswith("/dev/input/event13 does not exist")


def test_auto_without_proc_is_unavailable(tmp_path: Path) -> None:
    with listening("auto", devices_file=str(tmp_path / "nope"), retry_s=60) as (jack, _):
        assert jack.health().state == "unavailable"
        assert "cannot read" in jack.health().reason
