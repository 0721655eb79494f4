"""A pseudo-terminal pair for serial simulators: the driver opens ``slave_path`` with pyserial
(as it would /dev/ttyUSB0), the simulator reads and writes the master side.

Linux/Unix only (pty). The master is put in raw mode so bytes pass unchanged.
"""

from __future__ import annotations

import contextlib
import os
import select
import tty


class PtyLink:
    def __init__(self) -> None:
        self.master_fd, self.slave_fd = os.openpty()
        tty.setraw(self.master_fd)
        tty.setraw(self.slave_fd)
        self.slave_path = os.ttyname(self.slave_fd)

    def read(self, max_bytes: int = 4096, timeout_s: float | None = None) -> bytes:
        """Bytes the driver wrote; b"" when nothing arrived within timeout_s."""
        ready, _, _ = select.select([self.master_fd], [], [], timeout_s)
        if not ready:
            return b""
        try:
            return os.read(self.master_fd, max_bytes)
        except OSError:  # the other side hung up
            return b""

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self.master_fd, view)
            view = view[written:]

    def close(self) -> None:
        for fd in (self.master_fd, self.slave_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
