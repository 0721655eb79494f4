"""The simulated reader's links: TCP (for ``socket://`` URLs) and a pseudo-terminal (for a
serial port URL). Each carries frames to the responder and back, waiting the model's cost
times ``time_scale`` before answering (0 in tests).

Unplugging: TCP closes every connection and closes new ones at once until ``plug()``; the pty
is closed (the driver's reads fail as with a pulled USB cable) and ``plug()`` makes a new one. A
``link_path`` symlink is repointed at the new pty, as udev's /dev/serial/by-id names are.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time

from device_drivers.rfid.feig_frames import FeigProtocolError, FrameDecoder, encode
from simulators.pty_link import PtyLink
from simulators.rfid.feig_sim import FeigResponder

log = logging.getLogger(__name__)
POLL_S = 0.05


BITS_PER_CHAR = 11  # 8 data bits, even parity, start and stop bit (FEIG default 8E1)


class _Session:
    """Bytes from one host connection in, reply bytes out. On a serial link (``baudrate``) the
    request and reply also take their time on the wire, which a pty would not."""

    def __init__(
        self, responder: FeigResponder, time_scale: float, baudrate: int | None = None
    ) -> None:
        self.responder = responder
        self.time_scale = time_scale
        self.char_s = BITS_PER_CHAR / baudrate if baudrate else 0.0
        self.decoder = FrameDecoder(replies=False)
        self.wire_bytes = 0

    def replies(self, data: bytes) -> list[bytes]:
        self.decoder.feed(data)
        out = []
        while True:
            try:
                frame = self.decoder.next_frame()
            except FeigProtocolError as exc:  # a garbled request: a real reader stays silent
                log.info("rfid sim: dropped request: %s", exc)
                self.decoder.clear()
                break
            if frame is None:
                break
            reply = self.responder.respond(frame)
            if reply is not None:
                wire = len(encode(frame)) + len(reply.data) if self.char_s else 0
                self.wire_bytes += wire
                delay = (reply.cost_s + wire * self.char_s) * self.time_scale
                if delay > 0:
                    time.sleep(delay)
                out.append(reply.data)
        return out


class TcpLink:
    """Unplugged, the port stays reserved (so nothing else takes it meanwhile) but every
    connection is closed at once, as a reader without power would never answer."""

    def __init__(self, responder: FeigResponder, port: int = 0, time_scale: float = 1.0) -> None:
        self.responder = responder
        self.time_scale = time_scale
        self.port = port
        self._listener: socket.socket | None = None
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._plugged = threading.Event()

    @property
    def url(self) -> str:
        return f"socket://127.0.0.1:{self.port}"

    def start(self) -> TcpLink:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(4)
        listener.settimeout(POLL_S)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._plugged.set()
        threading.Thread(
            target=self._accept, args=(listener,), daemon=True, name="rfid-sim-tcp"
        ).start()
        return self

    def _accept(self, listener: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self._plugged.is_set():
                conn.close()
                continue
            with self._lock:
                self._conns.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        session = _Session(self.responder, self.time_scale)
        conn.settimeout(POLL_S)
        try:
            while self._plugged.is_set():
                try:
                    data = conn.recv(4096)
                except TimeoutError:
                    continue
                if not data:
                    return
                for reply in session.replies(data):
                    conn.sendall(reply)
        except OSError:
            return
        finally:
            with self._lock:
                self._conns.discard(conn)
            conn.close()

    def unplug(self) -> None:
        """Drop every connection and refuse to talk (as if the reader lost power)."""
        self._plugged.clear()
        with self._lock:
            conns, self._conns = list(self._conns), set()
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def plug(self) -> None:
        self._plugged.set()

    def stop(self) -> None:
        self.unplug()
        self._stop.set()
        if self._listener is not None:
            # close() alone leaves the accept thread holding the port until its timeout on
            # Linux; shutdown() wakes it at once
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None


class PtyLinkServer:
    def __init__(
        self,
        responder: FeigResponder,
        link_path: str | None = None,
        time_scale: float = 1.0,
        baudrate: int | None = 38400,
    ) -> None:
        self.responder = responder
        self.link_path = link_path
        self.time_scale = time_scale
        self.baudrate = baudrate
        self.wire_bytes = 0  # bytes that crossed the emulated serial line (both ways)
        self._link: PtyLink | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def path(self) -> str:
        if self.link_path:
            return self.link_path
        return self._link.slave_path if self._link else ""

    def start(self) -> PtyLinkServer:
        self._link = PtyLink()
        if self.link_path:
            temporary = f"{self.link_path}.new"
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            os.symlink(self._link.slave_path, temporary)
            os.replace(temporary, self.link_path)
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._serve, args=(self._link,), daemon=True, name="rfid-sim-pty"
        )
        self._thread.start()
        return self

    def _serve(self, link: PtyLink) -> None:
        session = _Session(self.responder, self.time_scale, self.baudrate)
        while not self._stop.is_set():
            data = link.read(timeout_s=POLL_S)
            if not data:
                continue
            before = session.wire_bytes
            replies = session.replies(data)
            self.wire_bytes += session.wire_bytes - before
            for reply in replies:
                try:
                    link.write(reply)
                except OSError:
                    return

    def unplug(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self._link is not None:
            self._link.close()
            self._link = None

    def plug(self) -> None:
        if self._link is None:
            self.start()

    def stop(self) -> None:
        self.unplug()
        if self.link_path:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.link_path)
