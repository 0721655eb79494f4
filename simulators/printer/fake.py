"""The in-process fake printer: the driver's Connection protocol over the shared PrinterModel,
so unit tests run the real driver logic (job, status checks, faults) without sockets."""

from __future__ import annotations

from device_drivers.printers.errors import PrinterUnreachable
from simulators.models.printer import PrinterModel


class ModelConnection:
    has_back_channel = True

    def __init__(self, model: PrinterModel, reachable: bool = True) -> None:
        self.model = model
        self.reachable = reachable
        self._replies = b""
        self.is_open = False

    def open(self) -> None:
        if not self.reachable:
            raise PrinterUnreachable("cannot open the printer: fake printer unplugged")
        self.is_open = True

    def write(self, data: bytes) -> None:
        assert self.is_open, "write on a closed connection"
        self._replies += self.model.receive(data)

    def read(self, timeout_s: float) -> bytes:
        data, self._replies = self._replies, b""
        return data

    def close(self) -> None:
        self.is_open = False
