"""systemd's notify protocol, for the unit's ``Type=notify`` and ``WatchdogSec=``: one datagram
per message on the AF_UNIX socket systemd names in ``$NOTIFY_SOCKET`` ("READY=1",
"WATCHDOG=1", "STOPPING=1"; sd_notify(3)). No dependency: the protocol is a single sendto.

The pings run as a task on the app's own event loop (``keep_alive``): while the loop turns, the
screen turns with it, and a frozen loop sends no ping, so systemd kills and restarts the app
after ``WatchdogSec``. Outside systemd (no ``$NOTIFY_SOCKET``) nothing is sent. Never raises
into the app: a datagram that cannot be sent is logged once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger(__name__)


class SystemdNotifier:
    def __init__(self, address: str, watchdog_s: float | None = None) -> None:
        # "@name" is Linux's abstract namespace: a leading NUL byte on the wire
        self.address = "\0" + address[1:] if address.startswith("@") else address
        self.watchdog_s = watchdog_s
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        # never block the app's loop: a listener that stops reading (a full socket buffer)
        # costs a ping, not a frozen screen
        self._socket.setblocking(False)
        self._failed = False

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> SystemdNotifier | None:
        """The notifier systemd asked for, or None when not started by a notify unit.
        ``WATCHDOG_USEC`` gives the watchdog period (only for this process: ``WATCHDOG_PID``)."""
        env = os.environ if environ is None else environ
        address = env.get("NOTIFY_SOCKET", "")
        if not address:
            return None
        watchdog_s = None
        pid = env.get("WATCHDOG_PID", "")
        if env.get("WATCHDOG_USEC", "").isdigit() and (not pid or pid == str(os.getpid())):
            watchdog_s = int(env["WATCHDOG_USEC"]) / 1_000_000 or None
        return cls(address, watchdog_s)

    def notify(self, message: str) -> bool:
        try:
            self._socket.sendto(message.encode("utf-8"), self.address)
        except OSError as exc:
            if not self._failed:
                log.warning("systemd notify socket %r: %s", self.address.lstrip("\0"), exc)
            self._failed = True
            return False
        self._failed = False
        return True

    async def keep_alive(self) -> None:
        """READY=1, then WATCHDOG=1 at half the watchdog period until cancelled (STOPPING=1)."""
        self.notify("READY=1")
        try:
            while self.watchdog_s:
                await asyncio.sleep(self.watchdog_s / 2)
                self.notify("WATCHDOG=1")
            await asyncio.Event().wait()  # no watchdog: only READY and STOPPING
        finally:
            self.notify("STOPPING=1")
            self._socket.close()
