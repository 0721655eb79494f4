"""The behaviour of an ESC/POS receipt printer, shared by the in-process fake and the TCP/pty
simulator: paper, cover, online state, a stall mid-job, real-time status replies, and the
receipts it has printed (decoded back to Unicode text by simulators/printer/escpos_decode.py).

Status reply bytes are written here from the Epson DLE EOT table (not taken from the driver),
so the driver's decoder is checked against an independent encoder:

    n=1: 0x12 | 0x08 offline        n=2: 0x12 | 0x04 cover | 0x20 paper end | 0x40 error
    n=3: 0x12 | 0x40 error          n=4: 0x12 | 0x0C near end | 0x60 paper out

Thread-safe (one lock); no sockets, no clock, no sleeps: the front ends add those.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from enum import StrEnum

from simulators.printer.escpos_decode import (
    BarcodePrinted,
    EscPosDecoder,
    Event,
    Feed,
    PaperCut,
    QrPrinted,
    RasterImage,
    Reset,
    StatusQuery,
    TextLine,
    Unsupported,
)

Printable = TextLine | RasterImage | QrPrinted | BarcodePrinted


class Paper(StrEnum):
    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"


@dataclass(frozen=True)
class PrintedReceipt:
    number: int
    items: tuple[Printable, ...]
    columns: int
    complete: bool

    def lines(self) -> list[str]:
        """The text lines as printed (images, QR codes and barcodes as [markers])."""
        out: list[str] = []
        for item in self.items:
            match item:
                case TextLine(text=text, align=align, large=large):
                    width = self.columns // 2 if large else self.columns
                    placed = {"center": text.center, "right": text.rjust}.get(align)
                    out.append((placed(width) if placed else text).rstrip())
                case RasterImage(width_bytes=w, height=h):
                    out.append(f"[image {w * 8}x{h}]")
                case QrPrinted(payload=payload):
                    out.append(f"[QR: {payload}]")
                case BarcodePrinted(payload=payload):
                    out.append(f"[barcode: {payload}]")
        return out

    @property
    def text(self) -> str:
        return "\n".join(self.lines()) + "\n"


@dataclass
class Faults:
    paper: Paper = Paper.OK
    cover_open: bool = False
    offline: bool = False
    error: bool = False
    paper_out_after_lines: int | None = None
    stall_after_bytes: int | None = None


@dataclass
class _Job:
    items: list[Printable] = field(default_factory=list)
    lost: int = 0


class PrinterModel:
    def __init__(self, code_pages: dict[int, str], columns: int = 48) -> None:
        self.code_pages = code_pages
        self.columns = columns
        self.faults = Faults()
        self.receipts: list[PrintedReceipt] = []
        self.unsupported: list[bytes] = []
        self.bytes_received = 0
        self.lost_lines = 0
        self._decoder = EscPosDecoder(code_pages)
        self._job = _Job()
        self._stall_budget: int | None = None
        self._lock = threading.Lock()

    # --- the wire side -------------------------------------------------------------------
    def receive(self, data: bytes) -> bytes:
        """Take bytes from the host; return the status replies to send back."""
        with self._lock:
            data = self._stall_filter(data)
            self.bytes_received += len(data)
            replies = bytearray()
            for event in self._decoder.feed(data):
                replies += self._handle(event)
            return bytes(replies)

    def _stall_filter(self, data: bytes) -> bytes:
        if self._stall_budget is None:
            return data
        taken = data[: self._stall_budget]
        self._stall_budget -= len(taken)
        return taken

    @property
    def stalled(self) -> bool:
        return self._stall_budget == 0

    def _handle(self, event: Event) -> bytes:
        match event:
            case StatusQuery(n=n):
                return self._reply(n)
            case Reset():
                if self._job.items:
                    self._finish(complete=False)
            case PaperCut():
                self._finish(complete=self._job.lost == 0)
            case Unsupported(command=command):
                self.unsupported.append(command)
            case Feed():
                pass
            case _:
                self._print(event)
        return b""

    def _print(self, item: Printable) -> None:
        if not self._ready():
            self._job.lost += 1
            self.lost_lines += 1
            return
        self._job.items.append(item)
        if self.faults.paper_out_after_lines is not None:
            self.faults.paper_out_after_lines -= 1
            if self.faults.paper_out_after_lines <= 0:
                self.faults.paper, self.faults.paper_out_after_lines = Paper.OUT, None

    def _finish(self, complete: bool) -> None:
        number = len(self.receipts) + 1
        self.receipts.append(PrintedReceipt(number, tuple(self._job.items), self.columns, complete))
        self._job = _Job()

    def _ready(self) -> bool:
        f = self.faults
        return not (f.offline or f.cover_open or f.error or f.paper is Paper.OUT)

    def _reply(self, n: int) -> bytes:
        f = self.faults
        paper_out = f.paper is Paper.OUT
        byte = {
            1: 0x12 | (0x00 if self._ready() else 0x08),
            2: 0x12 | (0x04 * f.cover_open) | (0x20 * paper_out) | (0x40 * f.error),
            3: 0x12 | (0x40 * f.error),
            4: 0x12 | (0x0C * (f.paper is Paper.NEAR_END)) | (0x60 * paper_out),
        }.get(n)
        return bytes([byte]) if byte is not None else b""

    # --- the control side ----------------------------------------------------------------
    def set_faults(self, **changes: object) -> dict[str, object]:
        """Change faults by name (paper, cover_open, offline, error, paper_out_after_lines,
        stall_after_bytes); returns the status. Unknown names raise KeyError."""
        with self._lock:
            for name, value in changes.items():
                if not hasattr(self.faults, name):
                    raise KeyError(f"unknown fault {name!r}")
                setattr(self.faults, name, Paper(value) if name == "paper" else value)
            if "stall_after_bytes" in changes:
                self._stall_budget = self.faults.stall_after_bytes
            return self._status()

    def clear_faults(self) -> dict[str, object]:
        with self._lock:
            self.faults = Faults()
            self._stall_budget = None
            return self._status()

    def status(self) -> dict[str, object]:
        with self._lock:
            return self._status()

    def _status(self) -> dict[str, object]:
        f = self.faults
        return {
            "online": self._ready(),
            "paper": f.paper.value,
            "cover_open": f.cover_open,
            "offline": f.offline,
            "error": f.error,
            "stalled": self.stalled,
            "receipts": len(self.receipts),
            "bytes_received": self.bytes_received,
            "lost_lines": self.lost_lines,
            "unsupported_commands": len(self.unsupported),
        }

    def last_receipt(self) -> PrintedReceipt | None:
        with self._lock:
            return self.receipts[-1] if self.receipts else None
