"""Headphone-jack switches as Linux input events, decoded without I/O (EN 301 549 5.1.3.2, 5.2).

Owns the kernel's ``struct input_event`` layout (linux/input.h), the switch codes of
linux/input-event-codes.h, the incremental decoder that turns a byte stream into "headphones
plugged: True/False", and the parser of ``/proc/bus/input/devices`` that finds the jack's event
node. Must never open a file, read the clock or sleep: jack.py does that.

One event, as the kernel writes it to /dev/input/eventN for a 64-bit process (native byte order,
no padding); a 32-bit process reads 4-byte longs, so 16 bytes (EVENT_FORMAT_32)::

    0               8               16      18      20              24
    +---------------+---------------+-------+-------+---------------+
    | tv_sec  (long)| tv_usec (long)| type  | code  | value   (s32) |
    +---------------+---------------+-------+-------+---------------+
                                      (u16)   (u16)

The kernel batches: a jack change is one or more EV_SW events closed by EV_SYN SYN_REPORT, e.g.
a headset is ``EV_SW SW_HEADPHONE_INSERT 1, EV_SW SW_MICROPHONE_INSERT 1, EV_SYN SYN_REPORT 0``.
Changes apply at SYN_REPORT only. SYN_DROPPED means the kernel's buffer overflowed: every
event up to and including the next SYN_REPORT is discarded and the reader must re-read the
switches (the EVIOCGSW ioctl) -- the decoder says so with ``StateLost``.

"Plugged" means any output switch is on: headphones, line out, or a bare physical insert.
A microphone alone is not something a patron can listen to, so it never turns speech on.
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

EV_SYN = 0x00
EV_SW = 0x05
EV_MAX = 0x1F
SYN_REPORT = 0x00
SYN_DROPPED = 0x03
SYN_MAX = 0x0F

SW_HEADPHONE_INSERT = 0x02
SW_MICROPHONE_INSERT = 0x04
SW_LINEOUT_INSERT = 0x06
SW_JACK_PHYSICAL_INSERT = 0x07
SW_VIDEOOUT_INSERT = 0x08  # HDMI/DisplayPort "jacks" report this beside line out
SW_MAX = 0x10

OUTPUT_SWITCHES = (SW_HEADPHONE_INSERT, SW_LINEOUT_INSERT, SW_JACK_PHYSICAL_INSERT)
TRACKED_SWITCHES = (*OUTPUT_SWITCHES, SW_MICROPHONE_INSERT)

EVENT_FORMAT_64 = "=qqHHi"  # 24 bytes: 64-bit longs in timeval
EVENT_FORMAT_32 = "=iiHHi"  # 16 bytes: a 32-bit process (also on a 64-bit kernel, via compat)
NATIVE_EVENT_FORMAT = EVENT_FORMAT_64 if struct.calcsize("@l") == 8 else EVENT_FORMAT_32
NATIVE_LONG_BYTES = struct.calcsize("@l")

# _IOC(_IOC_READ, 'E', 0x1b, len): the generic Linux ioctl encoding (x86, ARM, RISC-V).
_IOC_READ = 2
_EVIOCGSW_NR = 0x1B


class JackProtocolError(ValueError):
    """The bytes cannot be kernel input events (wrong layout, a truncated or foreign writer)."""


@dataclass(frozen=True)
class InputEvent:
    type: int
    code: int
    value: int
    sec: int = 0
    usec: int = 0


@dataclass(frozen=True)
class JackChanged:
    """The jack's output state changed (at the SYN_REPORT time; 0 when read by ioctl)."""

    plugged: bool
    sec: int = 0
    usec: int = 0


@dataclass(frozen=True)
class StateLost:
    """The kernel dropped events (SYN_DROPPED): re-read the switches with EVIOCGSW."""


JackSignal = JackChanged | StateLost


def encode_event(event: InputEvent, event_format: str = NATIVE_EVENT_FORMAT) -> bytes:
    return struct.pack(event_format, event.sec, event.usec, event.type, event.code, event.value)


def decode_event(record: bytes, event_format: str = NATIVE_EVENT_FORMAT) -> InputEvent:
    layout = struct.Struct(event_format)
    if len(record) != layout.size:
        raise JackProtocolError(f"an input event is {layout.size} bytes, got {len(record)}")
    sec, usec, type_, code, value = layout.unpack(record)
    return InputEvent(type_, code, value, sec, usec)


def switch_report(
    switches: dict[int, bool], sec: int = 0, usec: int = 0, event_format: str = NATIVE_EVENT_FORMAT
) -> bytes:
    """The bytes the kernel writes for one jack change: EV_SW per switch, then SYN_REPORT.

    The fake jack and the `kiosk sim jack` simulator both speak through this, so neither can
    drift from what the decoder accepts."""
    events = [InputEvent(EV_SW, code, int(on), sec, usec) for code, on in switches.items()]
    events.append(InputEvent(EV_SYN, SYN_REPORT, 0, sec, usec))
    return b"".join(encode_event(event, event_format) for event in events)


def passed_on(previous: bool | None, plugged: bool) -> bool:
    """Whether a state goes to the app: the first one only when plugged (headphones in at start
    turn speech on; an empty jack must not turn off the speech ``[ui] speech = true`` set)."""
    return previous is not None or plugged


class JackDecoder:
    """Feed bytes in any chunks with ``receive``; take signals with ``next_signal``.

    ``next_signal`` raises JackProtocolError for a record the kernel cannot have written; that
    record is consumed (and the batch around it discarded as after SYN_DROPPED), so calling it
    again goes on with the next one. ``plugged`` is None until the state is known."""

    def __init__(
        self, event_format: str = NATIVE_EVENT_FORMAT, plugged: bool | None = None
    ) -> None:
        self._layout = struct.Struct(event_format)
        self._buffer = bytearray()
        self._switches: dict[int, bool] = {}
        self._pending: dict[int, bool] = {}
        self._dropping = False
        self._reported = plugged

    @property
    def plugged(self) -> bool | None:
        return self._reported

    @property
    def buffered(self) -> int:
        """Bytes of an event not yet complete."""
        return len(self._buffer)

    def receive(self, data: bytes) -> None:
        self._buffer += data

    def discard_partial(self) -> int:
        """Drop an incomplete event (its writer went away); returns how many bytes."""
        dropped = len(self._buffer)
        self._buffer.clear()
        return dropped

    def next_signal(self) -> JackSignal | None:
        size = self._layout.size
        while len(self._buffer) >= size:
            record = bytes(self._buffer[:size])
            del self._buffer[:size]
            sec, usec, type_, code, value = self._layout.unpack(record)
            signal = self._apply(InputEvent(type_, code, value, sec, usec))
            if signal is not None:
                return signal
        return None

    def signals(self) -> Iterator[JackSignal]:
        while (signal := self.next_signal()) is not None:
            yield signal

    def seed(self, switch_bits: int) -> JackChanged | None:
        """Take the switches' state from EVIOCGSW; a JackChanged when it differs from the last."""
        self._switches = {code: bool(switch_bits >> code & 1) for code in TRACKED_SWITCHES}
        self._pending.clear()
        return self._report(0, 0)

    def _apply(self, event: InputEvent) -> JackSignal | None:
        try:
            _check(event)
        except JackProtocolError:
            self._lose_sync()
            raise
        if event.type == EV_SYN and event.code == SYN_DROPPED:
            self._pending.clear()
            self._dropping = True
            return None
        if event.type == EV_SYN and event.code == SYN_REPORT:
            if self._dropping:
                self._dropping = False
                return StateLost()
            self._switches.update(self._pending)
            self._pending.clear()
            return self._report(event.sec, event.usec)
        if event.type == EV_SW and not self._dropping and event.code in TRACKED_SWITCHES:
            self._pending[event.code] = event.value != 0
        return None

    def _report(self, sec: int, usec: int) -> JackChanged | None:
        known = [self._switches[code] for code in OUTPUT_SWITCHES if code in self._switches]
        if not known:
            return None
        plugged = any(known)
        if plugged == self._reported:
            return None
        self._reported = plugged
        return JackChanged(plugged, sec, usec)

    def _lose_sync(self) -> None:
        self._pending.clear()
        self._dropping = True


def _check(event: InputEvent) -> None:
    """Refuse what the kernel never writes: the sign of a wrong layout or a stray writer."""
    if event.type > EV_MAX:
        raise JackProtocolError(f"event type 0x{event.type:x} is beyond EV_MAX")
    if event.type == EV_SYN and event.code > SYN_MAX:
        raise JackProtocolError(f"EV_SYN code 0x{event.code:x} is beyond SYN_MAX")
    if event.type == EV_SW and event.code > SW_MAX:
        raise JackProtocolError(f"EV_SW code 0x{event.code:x} is beyond SW_MAX")
    if event.usec < 0 or event.usec >= 1_000_000:
        raise JackProtocolError(f"tv_usec {event.usec} is not a microsecond count")


# --- the switch bitmap (EVIOCGSW) and /proc/bus/input/devices ---------------------------------

SWITCH_BITMAP_BYTES = 8  # SW_MAX + 1 = 17 bits: one 64-bit long, or two 32-bit ones


def _ior(number: int, size: int) -> int:
    return (_IOC_READ << 30) | (size << 16) | (ord("E") << 8) | number


def eviocgsw(length: int = SWITCH_BITMAP_BYTES) -> int:
    """The EVIOCGSW(len) request number: read the current switch bitmap into ``length`` bytes."""
    return _ior(_EVIOCGSW_NR, length)


EVIOCGVERSION = _ior(0x01, 4)  # answered by every evdev node: tells one from /dev/null


def switch_bits(
    bitmap: bytes,
    long_bytes: int = NATIVE_LONG_BYTES,
    byteorder: Literal["little", "big"] = sys.byteorder,
) -> int:
    """A kernel bitmap (an array of native longs, as EVIOCGSW fills it) as one integer."""
    value = 0
    for index in range(0, len(bitmap) - len(bitmap) % long_bytes, long_bytes):
        word = int.from_bytes(bitmap[index : index + long_bytes], byteorder)
        value |= word << (8 * index)
    return value


def proc_bitmap(words: str, long_bits: int = 64) -> int:
    """A ``B:`` bitmap of /proc/bus/input/devices: hex longs, most significant first."""
    value = 0
    for position, word in enumerate(reversed(words.split())):
        if not word or any(char not in "0123456789abcdefABCDEF" for char in word):
            raise ValueError(f"not a hex bitmap word: {word!r}")
        value |= int(word, 16) << (position * long_bits)
    return value


@dataclass(frozen=True)
class InputDevice:
    """One block of /proc/bus/input/devices (only what finding a jack needs)."""

    name: str = ""
    handlers: tuple[str, ...] = ()
    events: int = 0  # B: EV=
    switches: int = 0  # B: SW=

    @property
    def event_node(self) -> str | None:
        nodes = [handler for handler in self.handlers if handler.startswith("event")]
        return f"/dev/input/{nodes[0]}" if nodes else None


@dataclass(frozen=True)
class JackNode:
    name: str
    path: str
    headphones: bool  # reports SW_HEADPHONE_INSERT (else line out only)


def parse_input_devices(text: str) -> list[InputDevice]:
    """Every device block of /proc/bus/input/devices; lines it does not know are skipped."""
    devices: list[InputDevice] = []
    fields: dict[str, Any] = {}
    for line in [*text.splitlines(), ""]:
        kind, _, rest = line.partition(": ")
        if (not line.strip() or kind == "I") and fields:
            devices.append(InputDevice(**fields))
            fields = {}
        key, _, value = rest.partition("=")
        if kind == "N" and key == "Name":
            fields["name"] = value.strip().strip('"')
        elif kind == "H" and key == "Handlers":
            fields["handlers"] = tuple(value.split())
        elif kind == "B" and key in ("EV", "SW"):
            try:
                fields["events" if key == "EV" else "switches"] = proc_bitmap(value)
            except ValueError:
                continue
        elif kind == "I":
            fields["name"] = ""
    return devices


def find_jacks(text: str) -> list[JackNode]:
    """The event nodes that report a headphone or line-out jack, headphone jacks first.

    HDMI/DisplayPort audio "jacks" also report line out, but with SW_VIDEOOUT_INSERT beside
    it: they are a monitor, not headphones, and are left out."""
    found: list[JackNode] = []
    for device in parse_input_devices(text):
        bits, node = device.switches, device.event_node
        if node is None or bits >> SW_VIDEOOUT_INSERT & 1:
            continue
        if bits >> SW_HEADPHONE_INSERT & 1 or bits >> SW_LINEOUT_INSERT & 1:
            found.append(JackNode(device.name, node, bool(bits >> SW_HEADPHONE_INSERT & 1)))
    return sorted(found, key=lambda jack: not jack.headphones)
