"""The printer simulator's front ends: raw TCP (port 9100 by default) and a pseudo-terminal
for serial, both feeding one PrinterModel, plus the control API for faults.

Every finished receipt is written to the output folder as ``receipt-NNNN.txt`` (decoded
text) and ``receipt-NNNN.png`` (the paper as the printer would print it); ``sim.json`` in the
same folder says where the simulator listens, so ``kiosk sim printer --last`` and the fault
commands find it. ``line_delay_s`` adds the print time of a real printer (0 in tests).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from device_drivers.printers.profiles import FONT_A_DOTS, code_page_table, load_profile
from simulators.control import LOOPBACK, ControlServer
from simulators.models.printer import PrinterModel
from simulators.printer.paint import receipt_png
from simulators.pty_link import PtyLink

STATE_FILE = "sim.json"


@dataclass(frozen=True)
class SimulatorOptions:
    out_dir: Path
    port: int = 9100
    host: str = LOOPBACK
    control_port: int = 0
    pty: bool = True
    profile: str = "default"
    width_mm: int = 80
    line_delay_s: float = 0.0
    png: bool = True  # the benchmark turns it off: painting costs more than printing


class PrinterSimulator:
    def __init__(self, options: SimulatorOptions) -> None:
        self.options = options
        self.dots = load_profile(options.profile, options.width_mm).dots  # the head's width
        self.model = PrinterModel(code_page_table(options.profile), self.dots // FONT_A_DOTS)
        self.out_dir = Path(options.out_dir)
        self._saved = 0
        self._save_lock = threading.Lock()
        self._running = threading.Event()
        self._listener: socket.socket | None = None
        self.pty: PtyLink | None = None
        self.control = ControlServer(self._actions(), port=options.control_port)

    @property
    def port(self) -> int:
        assert self._listener is not None, "start() first"
        return self._listener.getsockname()[1]

    def start(self) -> PrinterSimulator:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._running.set()
        listener = socket.create_server((self.options.host, self.options.port), reuse_port=False)
        self._listener = listener
        _thread(self._accept_loop, "printer-sim-tcp")
        if self.options.pty:
            self.pty = PtyLink()
            _thread(self._pty_loop, "printer-sim-pty")
        self.control.start()
        (self.out_dir / STATE_FILE).write_text(json.dumps(self.describe(), indent=2))
        return self

    def stop(self) -> None:
        if not self._running.is_set():
            return
        self._running.clear()
        if self._listener is not None:
            # close() alone leaves a thread blocked in accept() holding the port on Linux;
            # shutdown() wakes it first
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                self._listener.close()
        self.control.stop()
        if self.pty is not None:
            self.pty.close()

    def describe(self) -> dict[str, Any]:
        return {
            "tcp": f"tcp://{self.options.host}:{self.port}",
            "serial": f"serial://{self.pty.slave_path}" if self.pty else None,
            "control": self.control.url,
            "out_dir": str(self.out_dir.resolve()),
            "profile": self.options.profile,
            "width_mm": self.options.width_mm,
        }

    def feed(self, data: bytes) -> bytes:
        """What both front ends do with bytes from the host. Finished receipts are on disk
        before the status replies go out, so whoever sees the job done can read the files."""
        replies = self.model.receive(data)
        if self.options.line_delay_s and not self.model.stalled:
            time.sleep(self.options.line_delay_s * data.count(b"\n"))
        self.save_new()
        return replies

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while self._running.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            _thread(lambda c=conn: self._serve(c), "printer-sim-conn")

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            while self._running.is_set():
                try:
                    data = conn.recv(4096)
                    if not data:
                        return
                    replies = self.feed(data)
                    if replies:
                        conn.sendall(replies)
                except OSError:
                    return

    def _pty_loop(self) -> None:
        assert self.pty is not None
        while self._running.is_set():
            try:
                data = self.pty.read(timeout_s=0.2)
            except (OSError, ValueError):
                return
            if data:
                replies = self.feed(data)
                if replies:
                    self.pty.write(replies)

    def save_new(self) -> None:
        with self._save_lock:
            for receipt in self.model.receipts[self._saved :]:
                stem = self.out_dir / f"receipt-{receipt.number:04d}"
                mark = "" if receipt.complete else "[INCOMPLETE: the job stopped here]\n"
                stem.with_suffix(".txt").write_text(receipt.text + mark, encoding="utf-8")
                if self.options.png:
                    stem.with_suffix(".png").write_bytes(receipt_png(receipt, self.dots))
                self._saved = receipt.number

    def _actions(self) -> dict[str, Any]:
        model = self.model
        return {
            "status": lambda p: model.status(),
            "paper": lambda p: model.set_faults(paper=p["level"]),
            "cover": lambda p: model.set_faults(cover_open=bool(p["open"])),
            "offline": lambda p: model.set_faults(offline=bool(p.get("offline", True))),
            "error": lambda p: model.set_faults(error=bool(p.get("error", True))),
            "stall": lambda p: model.set_faults(stall_after_bytes=int(p.get("after_bytes", 0))),
            "paper_out_after": lambda p: model.set_faults(paper_out_after_lines=int(p["lines"])),
            "clear": lambda p: model.clear_faults(),
            "last": lambda p: self._last_text(),
        }

    def _last_text(self) -> dict[str, Any]:
        receipt = self.model.last_receipt()
        if receipt is None:
            return {"number": 0, "text": ""}
        png = self.out_dir / f"receipt-{receipt.number:04d}.png"
        return {"number": receipt.number, "text": receipt.text, "png": str(png)}


def _thread(target: Any, name: str) -> threading.Thread:
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread
