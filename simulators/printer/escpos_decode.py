"""An incremental decoder for the ESC/POS subset receipt printers are sent: bytes -> events.

Pure (no sockets, no clock); the simulator feeds it whatever arrived and gets back complete
events, keeping an unfinished command until the rest comes. Written from the Epson ESC/POS
command reference, independently of the kiosk's encoder, so that it can check it:

    text           bytes 0x20-0xFF, decoded with the code page selected by ESC t n
    LF             ends a line (TextLine carries the style in force when it began)
    ESC @          reset: code page 0, left, not bold, normal size
    ESC t n        code page n (the number -> page table comes from the printer's profile)
    ESC a n | ESC E n | ESC ! n | GS ! n | ESC - n       align, bold, print mode, size, underline
    ESC d n | ESC J n                                     feed
    GS v 0 m xL xH yL yH d1…dk                           raster image, k = (xL+256xH)(yL+256yH)
    GS ( k pL pH cn fn …                                   2D code (fn 80 store, fn 81 print)
    GS k m d1…NUL (m 0-6) | GS k m n d1…dn (m 65-73)       barcode
    GS V m [n]                                            cut (n follows when m is 65 or 66)
    DLE EOT n                                             real-time status query

Anything else is reported as ``Unsupported`` and skipped; arbitrary bytes never raise.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass, field

ESC, GS, DLE, LF, CR, HT = 0x1B, 0x1D, 0x10, 0x0A, 0x0D, 0x09
MAX_IMAGE_BYTES = 1 << 20
_ALIGN = ("left", "center", "right")

# Commands with a fixed number of parameter bytes that only set state we do not model.
_ESC_FIXED = {
    0x2D: 1,
    0x32: 0,
    0x33: 1,
    0x4D: 1,
    0x47: 1,
    0x52: 1,
    0x56: 1,
    0x7B: 1,
    0x20: 1,
    0x24: 2,
    0x5C: 2,
    0x63: 2,
    0x70: 3,
    0x42: 2,
    0x69: 0,
    0x6D: 0,
    0x55: 1,
    0x72: 1,
}
_GS_FIXED = {
    0x68: 1,
    0x77: 1,
    0x66: 1,
    0x48: 1,
    0x42: 1,
    0x62: 1,
    0x4C: 2,
    0x57: 2,
    0x50: 2,
    0x61: 1,
    0x72: 1,
    0x49: 1,
    0x24: 2,
    0x5C: 2,
}


@dataclass(frozen=True)
class TextLine:
    text: str
    align: str = "left"
    bold: bool = False
    large: bool = False


@dataclass(frozen=True)
class RasterImage:
    width_bytes: int
    height: int
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class QrPrinted:
    payload: str


@dataclass(frozen=True)
class BarcodePrinted:
    symbology: int
    payload: str


@dataclass(frozen=True)
class Feed:
    lines: int


@dataclass(frozen=True)
class PaperCut:
    pass


@dataclass(frozen=True)
class Reset:
    pass


@dataclass(frozen=True)
class StatusQuery:
    n: int


@dataclass(frozen=True)
class Unsupported:
    command: bytes


Event = (
    TextLine
    | RasterImage
    | QrPrinted
    | BarcodePrinted
    | Feed
    | PaperCut
    | Reset
    | StatusQuery
    | Unsupported
)


def python_codec(page: str) -> str | None:
    """'CP1257' -> 'cp1257', 'ISO_8859-4' -> 'iso8859-4'; None when Python has no codec."""
    try:
        return codecs.lookup(page.replace("_", "-").lower()).name
    except LookupError:
        return None


class EscPosDecoder:
    def __init__(self, code_pages: dict[int, str]) -> None:
        self.code_pages = code_pages
        self._buffer = bytearray()
        self._qr_data = b""
        self._reset_state()

    def _reset_state(self) -> None:
        self.codec = python_codec(self.code_pages.get(0, "CP437")) or "cp437"
        self.align, self.bold, self.large = "left", False, False
        self._line: list[str] = []
        self._line_style: tuple[str, bool, bool] | None = None

    def feed(self, data: bytes) -> list[Event]:
        self._buffer += data
        events: list[Event] = []
        while self._buffer:
            used = self._step(events)
            if used == 0:
                break  # an unfinished command: wait for more bytes
            del self._buffer[:used]
        return events

    def _step(self, events: list[Event]) -> int:
        first = self._buffer[0]
        if first >= 0x20:
            return self._text(events)
        handler = {ESC: self._esc, GS: self._gs, DLE: self._dle}.get(first)
        if handler is not None:
            return handler(events) if len(self._buffer) >= 2 else 0
        if first == LF:
            events.append(self._end_line())
        elif first == HT:
            self._add_text("    ")
        elif first != CR:
            events.append(Unsupported(bytes([first])))
        return 1

    def _text(self, events: list[Event]) -> int:
        end = 0
        while end < len(self._buffer) and self._buffer[end] >= 0x20:
            end += 1
        self._add_text(bytes(self._buffer[:end]).decode(self.codec, errors="replace"))
        return end

    def _add_text(self, text: str) -> None:
        if self._line_style is None:
            self._line_style = (self.align, self.bold, self.large)
        self._line.append(text)

    def _end_line(self) -> TextLine:
        align, bold, large = self._line_style or (self.align, self.bold, self.large)
        line = TextLine("".join(self._line), align, bold, large)
        self._line, self._line_style = [], None
        return line

    def _flush_line(self, events: list[Event]) -> None:
        if self._line:
            events.append(self._end_line())

    def _esc(self, events: list[Event]) -> int:
        command = self._buffer[1]
        if command == 0x40:
            self._flush_line(events)
            self._reset_state()
            events.append(Reset())
            return 2
        simple: dict[int, Callable[[int], None]] = {
            0x74: self._select_code_page,
            0x61: lambda n: setattr(self, "align", _ALIGN[n % 48] if n % 48 < 3 else "left"),
            0x45: lambda n: setattr(self, "bold", bool(n & 1)),
            0x21: lambda n: setattr(self, "large", bool(n & 0x30)),
            0x64: lambda n: self._feed(events, n),
            0x4A: lambda n: None,
        }
        if command in simple:
            if len(self._buffer) < 3:
                return 0
            simple[command](self._buffer[2])
            return 3
        return self._fixed(_ESC_FIXED, command, events)

    def _fixed(self, table: dict[int, int], command: int, events: list[Event]) -> int:
        if command not in table:
            events.append(Unsupported(bytes(self._buffer[:2])))
            return 2
        length = 2 + table[command]
        return length if len(self._buffer) >= length else 0

    def _select_code_page(self, n: int) -> None:
        self.codec = python_codec(self.code_pages.get(n, "")) or "ascii"

    def _feed(self, events: list[Event], n: int) -> None:
        self._flush_line(events)
        events.append(Feed(n))

    def _gs(self, events: list[Event]) -> int:
        command = self._buffer[1]
        match command:
            case 0x21:
                if len(self._buffer) < 3:
                    return 0
                self.large = bool(self._buffer[2] & 0x77)
                return 3
            case 0x56:
                return self._cut(events)
            case 0x76:
                return self._raster(events)
            case 0x28:
                return self._two_d(events)
            case 0x6B:
                return self._barcode(events)
        return self._fixed(_GS_FIXED, command, events)

    def _cut(self, events: list[Event]) -> int:
        if len(self._buffer) < 3:
            return 0
        length = 4 if self._buffer[2] in (65, 66) else 3
        if len(self._buffer) < length:
            return 0
        self._flush_line(events)
        events.append(PaperCut())
        return length

    def _raster(self, events: list[Event]) -> int:
        if len(self._buffer) < 8:
            return 0
        head = self._buffer
        width, height = head[4] | head[5] << 8, head[6] | head[7] << 8
        size = width * height
        if head[2] != 0x30 or size > MAX_IMAGE_BYTES:
            events.append(Unsupported(bytes(head[:8])))
            return 8
        if len(self._buffer) < 8 + size:
            return 0
        self._flush_line(events)
        events.append(RasterImage(width, height, bytes(self._buffer[8 : 8 + size])))
        return 8 + size

    def _two_d(self, events: list[Event]) -> int:
        if len(self._buffer) < 5:
            return 0
        length = 5 + (self._buffer[3] | self._buffer[4] << 8)
        if len(self._buffer) < length:
            return 0
        body = bytes(self._buffer[5:length])
        if self._buffer[2] != 0x6B or len(body) < 2:
            events.append(Unsupported(bytes(self._buffer[:5])))
        elif body[:2] == b"\x31\x50":  # QR: store the data (after cn fn m)
            self._qr_data = body[3:]
        elif body[:2] == b"\x31\x51":  # QR: print what was stored
            self._flush_line(events)
            events.append(QrPrinted(self._qr_data.decode("utf-8", errors="replace")))
        return length

    def _barcode(self, events: list[Event]) -> int:
        if len(self._buffer) < 3:
            return 0
        kind = self._buffer[2]
        if kind <= 6:
            end = self._buffer.find(b"\x00", 3)
            if end < 0:
                return 0
            data, used = bytes(self._buffer[3:end]), end + 1
        else:
            if len(self._buffer) < 4:
                return 0
            used = 4 + self._buffer[3]
            if len(self._buffer) < used:
                return 0
            data = bytes(self._buffer[4:used])
        if kind == 73 and data[:2] in (b"{A", b"{B", b"{C"):
            data = data[2:]  # the CODE128 code-set prefix is not printed
        self._flush_line(events)
        events.append(BarcodePrinted(kind, data.decode("ascii", errors="replace")))
        return used

    def _dle(self, events: list[Event]) -> int:
        command = self._buffer[1]
        lengths = {0x04: 3, 0x05: 3, 0x14: 5}
        if command not in lengths:
            events.append(Unsupported(bytes(self._buffer[:2])))
            return 2
        if len(self._buffer) < lengths[command]:
            return 0
        if command == 0x04:
            events.append(StatusQuery(self._buffer[2]))
        return lengths[command]
