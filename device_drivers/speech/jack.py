"""The headphone jack as a live source: reads the kernel's jack switch and reports plug/unplug.

Owns the file descriptor of the jack's event node (/dev/input/eventN, or a FIFO that
`kiosk sim jack` writes), the EVIOCGSW ioctl, and one daemon thread that polls the node; every
byte goes through jack_events.JackDecoder. Calls ``on_change(plugged)`` on the app's asyncio
loop (``start(loop)``) or, without a loop, on its own thread. Must never crash the kiosk: a
missing node, a permission problem (the kiosk user must be in the ``input`` group), a sound
card unplugged mid-visit or bytes that are not input events become ``health()`` "unavailable"
with a JackUnavailable saying why, and the node is tried again every ``retry_s``. Each health
change also goes to ``on_health`` (on the jack's thread: it must be thread-safe).

Policy on the first state read: plugged headphones turn speech on at start; an empty jack
changes nothing (``[ui] speech = true`` stays on until a real unplug). EN 301 549 5.1.3.2 (a
personal headset on a 3.5 mm jack) and 5.2 (speech switched on without having to see).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import select
import stat
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from device_drivers.speech.jack_events import (
    EVIOCGVERSION,
    NATIVE_EVENT_FORMAT,
    SWITCH_BITMAP_BYTES,
    JackChanged,
    JackDecoder,
    JackProtocolError,
    eviocgsw,
    find_jacks,
    passed_on,
    switch_bits,
)

log = logging.getLogger(__name__)

PROC_INPUT_DEVICES = "/proc/bus/input/devices"
OFF = ("", "off")
READ_SIZE = 64 * 24  # whole 24- and 16-byte events: evdev refuses a read shorter than one
JackState = Literal["off", "no-jack", "listening", "unavailable"]


class JackUnavailable(RuntimeError):
    """The jack's event node cannot be read: missing, not permitted, gone, or not events."""


@dataclass(frozen=True)
class JackHealth:
    state: JackState
    device: str = ""
    reason: str = ""


@dataclass(frozen=True)
class _Node:
    """An open jack node: a FIFO ends when its writer leaves, an evdev node never should."""

    fd: int
    path: str
    fifo: bool
    decoder: JackDecoder


class HeadphoneJack:
    def __init__(
        self,
        device: str = "auto",
        *,
        on_change: Callable[[bool], None],
        devices_file: str = PROC_INPUT_DEVICES,
        event_format: str = NATIVE_EVENT_FORMAT,
        retry_s: float = 5.0,
        on_health: Callable[[JackHealth], None] | None = None,
    ) -> None:
        self.device = device
        self._on_change = on_change
        self._devices_file = devices_file
        self._event_format = event_format
        self._retry_s = retry_s
        self._on_health = on_health
        self._loop: asyncio.AbstractEventLoop | None = None
        self._health = JackHealth("off")
        self._error: JackUnavailable | None = None
        self._reported: bool | None = None
        self._stop = threading.Event()
        self._wake: tuple[int, int] | None = None
        self._thread: threading.Thread | None = None

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> HeadphoneJack:
        """Open the node now (so health() is known when this returns), then listen on a thread."""
        self._loop = loop
        if self.device in OFF:
            log.info("headphone jack detection is off")
            return self
        self._wake = os.pipe()
        opened = self._try_open()
        self._thread = threading.Thread(
            target=self._run, args=(opened,), name="headphone-jack", daemon=True
        )
        self._thread.start()
        return self

    def health(self) -> JackHealth:
        return self._health

    @property
    def plugged(self) -> bool | None:
        """The last state read from the jack (None until one is known), e.g. to re-apply it when
        a visit ends and the app resets speech to its configured default."""
        return self._reported

    @property
    def running(self) -> bool:
        """Whether the listening thread is alive (also while it waits to retry)."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def error(self) -> JackUnavailable | None:
        """Why the jack cannot be read, while it cannot (None when listening or off)."""
        return self._error

    def close(self) -> None:
        """Stop listening; returns once the thread has let go of the node."""
        self._stop.set()
        if self._wake is None:
            return
        with contextlib.suppress(OSError):
            os.write(self._wake[1], b"x")
        if self._thread is not None:
            self._thread.join(timeout=5)
        for fd in self._wake:
            os.close(fd)
        self._wake = None

    # -- the thread ------------------------------------------------------------------------

    def _run(self, node: _Node | None) -> None:
        while True:
            if node is None:
                if self._stop.wait(self._retry_s):
                    return
                node = self._try_open()
                continue
            reopen = False
            try:
                self._pump(node)
                reopen = not self._stop.is_set()
            except JackUnavailable as error:
                self._failed(error)
            # A FIFO's next reader opens before the old one closes: with no reader at all, a
            # writer's open (kiosk sim jack) would be refused in between.
            following = self._try_open() if reopen else None
            os.close(node.fd)
            node = following

    def _try_open(self) -> _Node | None:
        try:
            path = self._resolve()
            if path is None:
                self._set_health(JackHealth("no-jack", reason="no jack reports plugging here"))
                return None
            fd, fifo = _open_node(path)
        except JackUnavailable as error:
            self._failed(error)
            return None
        node = _Node(fd, path, fifo, JackDecoder(self._event_format, plugged=self._reported))
        bits = _read_switches(fd)
        if bits is not None:
            self._deliver(node.decoder.seed(bits))
        self._error = None
        self._set_health(JackHealth("listening", path))
        return node

    def _resolve(self) -> str | None:
        if self.device != "auto":
            return self.device
        try:
            with open(self._devices_file, encoding="utf-8", errors="replace") as file:
                text = file.read()
        except OSError as error:
            raise JackUnavailable(f"cannot read {self._devices_file}: {error.strerror}") from None
        jacks = find_jacks(text)
        return jacks[0].path if jacks else None

    def _pump(self, node: _Node) -> None:
        """Read until stopped or until a FIFO's writer leaves (a new open follows)."""
        assert self._wake is not None
        poller = select.poll()
        poller.register(node.fd, select.POLLIN | select.POLLPRI)
        poller.register(self._wake[0], select.POLLIN)
        while True:
            ready = dict(poller.poll())
            if self._wake[0] in ready or self._stop.is_set():
                return
            try:
                data = os.read(node.fd, READ_SIZE)
            except BlockingIOError:
                continue
            except OSError as error:
                raise JackUnavailable(
                    f"{node.path} went away ({error.strerror}): sound card removed?"
                ) from None
            if not data:
                return self._ended(node)
            node.decoder.receive(data)
            self._drain(node)

    def _ended(self, node: _Node) -> None:
        if not node.fifo:
            raise JackUnavailable(f"{node.path} ended: it is not an input event device")
        if dropped := node.decoder.discard_partial():
            log.warning("the jack FIFO's writer left %d bytes of an unfinished event", dropped)

    def _drain(self, node: _Node) -> None:
        while True:
            try:
                signal = node.decoder.next_signal()
            except JackProtocolError as error:
                raise JackUnavailable(
                    f"{node.path} sent bytes that are not input events: {error}"
                ) from None
            if signal is None:
                return
            if isinstance(signal, JackChanged):
                self._deliver(signal)
                continue
            bits = _read_switches(node.fd)
            if bits is None:
                log.warning("jack events were lost; the state is unknown until the next change")
            else:
                self._deliver(node.decoder.seed(bits))

    # -- reporting ------------------------------------------------------------------------

    def _deliver(self, change: JackChanged | None) -> None:
        if change is None:
            return
        previous, self._reported = self._reported, change.plugged
        if not passed_on(previous, change.plugged):
            return
        log.info("headphones %s", "plugged in" if change.plugged else "unplugged")
        if self._loop is None:
            try:
                self._on_change(change.plugged)
            except Exception:
                log.exception("the headphone callback failed")
            return
        with contextlib.suppress(RuntimeError):  # the loop closed: the kiosk is exiting
            self._loop.call_soon_threadsafe(self._on_change, change.plugged)

    def _failed(self, error: JackUnavailable) -> None:
        self._error = error
        self._set_health(JackHealth("unavailable", self.device, str(error)))

    def _set_health(self, health: JackHealth) -> None:
        if health == self._health:
            return
        level = logging.WARNING if health.state == "unavailable" else logging.INFO
        log.log(level, "headphone jack %s %s %s", health.state, health.device, health.reason)
        self._health = health
        if self._on_health is not None:
            try:
                self._on_health(health)
            except Exception:
                log.exception("the headphone jack's health callback failed")


def _open_node(path: str) -> tuple[int, bool]:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise JackUnavailable(
            f"{path} does not exist (sound card unplugged, or a wrong path)"
        ) from None
    except PermissionError:
        raise JackUnavailable(
            f"{path}: permission denied: add the kiosk user to the 'input' group"
        ) from None
    except OSError as error:
        raise JackUnavailable(f"{path} cannot be opened: {error.strerror}") from None
    fifo = stat.S_ISFIFO(os.fstat(fd).st_mode)
    if not fifo and not _is_evdev(fd):
        os.close(fd)
        raise JackUnavailable(f"{path} is not an input event device (nor a FIFO)")
    return fd, fifo


def _is_evdev(fd: int) -> bool:
    try:
        fcntl.ioctl(fd, EVIOCGVERSION, bytearray(4), True)
    except OSError:
        return False
    return True


def _read_switches(fd: int) -> int | None:
    """The switches now (EVIOCGSW), or None where the node cannot tell (a FIFO, a non-evdev)."""
    bitmap = bytearray(SWITCH_BITMAP_BYTES)
    try:
        fcntl.ioctl(fd, eviocgsw(len(bitmap)), bitmap, True)
    except OSError:
        return None
    return switch_bits(bytes(bitmap))
