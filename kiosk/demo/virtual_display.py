"""A virtual X display for machines with no screen: the test suite and the autopilot.

Starts ``Xvfb -displayfd`` so the X server itself picks a free display number (tests running
in parallel never collide), waits until it answers, and stops it on exit. Only used when no
DISPLAY is given; a kiosk with a real screen never starts one.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import shutil
import signal
import subprocess
from types import TracebackType

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: the X server gets SIGTERM when the process that started it dies (a killed test
    run must not leave Xvfb behind)."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class DisplayUnavailable(RuntimeError):
    """No X display and no Xvfb to make one (install the xvfb package)."""


class VirtualDisplay:
    def __init__(self, width: int = 1920, height: int = 1920, timeout_s: float = 15.0) -> None:
        self.geometry = f"{width}x{height}x24"
        self.timeout_s = timeout_s
        self.process: subprocess.Popen[bytes] | None = None
        self.display = ""
        self._previous: str | None = None

    def start(self) -> str:
        binary = shutil.which("Xvfb")
        if binary is None:
            raise DisplayUnavailable("Xvfb not found: install the xvfb package")
        read_end, write_end = os.pipe()
        argv = [binary, "-displayfd", str(write_end), "-screen", "0", self.geometry]
        argv += ["-nolisten", "tcp", "+extension", "GLX", "-noreset"]
        self.process = subprocess.Popen(
            argv,
            pass_fds=(write_end,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        os.close(write_end)
        try:
            ready, _, _ = select.select([read_end], [], [], self.timeout_s)
            number = os.read(read_end, 64).decode().strip() if ready else ""
        finally:
            os.close(read_end)
        if not number:
            self.stop()
            raise DisplayUnavailable("Xvfb did not start")
        self.display = f":{number}"
        self._previous = os.environ.get("DISPLAY")
        os.environ["DISPLAY"] = self.display
        return self.display

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if self._previous is not None:
            os.environ["DISPLAY"] = self._previous
        elif self.display:
            os.environ.pop("DISPLAY", None)

    def __enter__(self) -> VirtualDisplay:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
