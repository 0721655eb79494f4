"""Real-time status (DLE EOT n) of an ESC/POS printer: the queries and their one-byte replies.

Pure: bytes in, a frozen PrinterStatus out. Layout of each reply byte (Epson ESC/POS,
"DLE EOT n"; bits 1 and 4 are always 1 and bit 0 and 7 always 0, so a valid reply
matches ``0xx1xx10``):

    n=1 printer status   bit 3 = offline
    n=2 offline cause    bit 2 = cover open, bit 5 = stopped by paper end, bit 6 = error
    n=3 error cause      bit 3 = auto-cutter error, bit 5 = unrecoverable, bit 6 = auto-recoverable
    n=4 paper sensor     bits 2+3 = paper near end, bits 5+6 = paper out
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

DLE_EOT = b"\x10\x04"
QUERIES = (1, 2, 3, 4)
_FIXED_MASK = 0b1001_0011
_FIXED_VALUE = 0b0001_0010


class StatusReplyError(ValueError):
    """The printer answered a status query with a byte that is not a status byte."""


def query(n: int) -> bytes:
    if n not in QUERIES:
        raise ValueError(f"DLE EOT {n} is not a status query")
    return DLE_EOT + bytes([n])


@dataclass(frozen=True)
class PrinterStatus:
    online: bool
    cover_open: bool = False
    paper_near_end: bool = False
    paper_out: bool = False
    error: bool = False

    @property
    def ready(self) -> bool:
        return self.online and not (self.cover_open or self.paper_out or self.error)

    def as_dict(self) -> dict[str, bool]:
        return {**asdict(self), "ready": self.ready}


def check(byte: int) -> int:
    if byte & _FIXED_MASK != _FIXED_VALUE:
        raise StatusReplyError(f"not a DLE EOT status byte: 0x{byte:02X}")
    return byte


def decode(replies: dict[int, int]) -> PrinterStatus:
    """The status from the reply bytes of queries 1, 2, 3 and 4 (all four are needed)."""
    missing = [n for n in QUERIES if n not in replies]
    if missing:
        raise StatusReplyError(f"no reply to DLE EOT {missing[0]}")
    printer, cause, error, paper = (check(replies[n]) for n in QUERIES)
    return PrinterStatus(
        online=not printer & 0x08,
        cover_open=bool(cause & 0x04),
        paper_near_end=bool(paper & 0x0C),
        paper_out=bool(paper & 0x60) or bool(cause & 0x20),
        error=bool(cause & 0x40) or bool(error & 0x68),
    )


def encode(status: PrinterStatus) -> dict[int, int]:
    """The reply bytes a printer in ``status`` sends (the simulator answers with these)."""
    return {
        1: _FIXED_VALUE | (0x08 if not status.online else 0),
        2: _FIXED_VALUE
        | (0x04 if status.cover_open else 0)
        | (0x20 if status.paper_out else 0)
        | (0x40 if status.error else 0),
        3: _FIXED_VALUE | (0x40 if status.error else 0),
        4: _FIXED_VALUE
        | (0x0C if status.paper_near_end else 0)
        | (0x60 if status.paper_out else 0),
    }
