"""The simulated terminal's links: a TCP listener (raw APDUs, one thread per connection) and a
pseudo-terminal speaking the serial framing (DLE STX … DLE ETX CRC, ACK/NAK with repeats).

`nak_frames` makes the pty side answer the next frames with NAK, as a noisy line would, so
the kiosk's repeats are exercised. `drop()` hangs up every TCP connection.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Callable

from device_drivers.payment import zvt_serial
from device_drivers.payment.zvt_apdu import Apdu, ApduReader, decode_apdu
from device_drivers.payment.zvt_errors import ZvtProtocolError
from device_drivers.payment.zvt_serial import Ack, BadFrame, Frame, FrameReader, Nak
from simulators.pty_link import PtyLink

log = logging.getLogger(__name__)
Serve = Callable[[object], None]  # runs one connection's conversation until it ends


class LinkClosed(Exception):
    pass


class TcpPtLink:
    def __init__(self, conn: socket.socket, stop: threading.Event) -> None:
        self.conn, self.stop = conn, stop
        self.reader = ApduReader()

    def send(self, apdu: Apdu) -> None:
        try:
            self.conn.sendall(apdu.encode())
        except OSError as exc:
            raise LinkClosed(str(exc)) from None

    def receive(self, timeout_s: float) -> Apdu | None:
        deadline = time.monotonic() + timeout_s
        while (apdu := self.reader.next_apdu()) is None:
            left = deadline - time.monotonic()
            if left <= 0 or self.stop.is_set():
                return None
            self.conn.settimeout(min(left, 0.2))
            try:
                data = self.conn.recv(4096)
            except TimeoutError:
                continue
            except OSError as exc:
                raise LinkClosed(str(exc)) from None
            if not data:
                raise LinkClosed("the kiosk closed the connection")
            self.reader.feed(data)
        return apdu

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.shutdown(socket.SHUT_RDWR)
        self.conn.close()


class SerialPtLink:
    """The terminal's end of the serial line, on the master side of a pty."""

    def __init__(self, pty: PtyLink, stop: threading.Event) -> None:
        self.pty, self.stop = pty, stop
        self.frames = FrameReader()
        self.received: list[bytes] = []
        self.nak_frames = 0

    def send(self, apdu: Apdu) -> None:
        sending = zvt_serial.Transmission(zvt_serial.encode_frame(apdu.encode()))
        frame: bytes | None = sending.frame
        while frame is not None:
            self.pty.write(frame)
            if self._acked():
                return
            frame = sending.next_attempt()
        raise LinkClosed("no ACK from the kiosk")

    def _acked(self) -> bool:
        deadline = time.monotonic() + zvt_serial.T2_S
        answer: bool | None = None
        while answer is None and time.monotonic() < deadline and not self.stop.is_set():
            for event in self.frames.feed(self.pty.read(timeout_s=0.05)):
                if isinstance(event, Ack | Nak) and answer is None:
                    answer = isinstance(event, Ack)
                elif not isinstance(event, Ack | Nak):
                    self._answer(event)
        return bool(answer)

    def receive(self, timeout_s: float) -> Apdu | None:
        deadline = time.monotonic() + timeout_s
        while not self.received:
            if time.monotonic() >= deadline or self.stop.is_set():
                return None
            for event in self.frames.feed(self.pty.read(timeout_s=0.05)):
                self._answer(event)
        raw = self.received.pop(0)
        try:
            return decode_apdu(raw)
        except ZvtProtocolError:
            return Apdu(raw[0], raw[1], b"\xff") if len(raw) >= 2 else None

    def _answer(self, event: object) -> None:
        if isinstance(event, Frame):
            if self.nak_frames > 0:
                self.nak_frames -= 1
                self.pty.write(bytes((zvt_serial.NAK,)))
                return
            self.pty.write(bytes((zvt_serial.ACK,)))
            self.received.append(event.apdu)
        elif isinstance(event, BadFrame):
            self.pty.write(bytes((zvt_serial.NAK,)))

    def close(self) -> None:
        pass  # the pty stays: a serial line is not hung up


class TcpServer:
    def __init__(self, serve: Serve, port: int = 0) -> None:
        self.serve = serve
        self.listener = socket.create_server(("127.0.0.1", port))
        self.port = self.listener.getsockname()[1]
        self.stop_event = threading.Event()
        self.links: list[TcpPtLink] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def start(self) -> TcpServer:
        threading.Thread(target=self._accept, name="payment-sim-tcp", daemon=True).start()
        return self

    def _accept(self) -> None:
        while not self.stop_event.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            link = TcpPtLink(conn, self.stop_event)
            with self._lock:
                self.links.append(link)
            threading.Thread(target=self._run, args=(link,), daemon=True).start()

    def _run(self, link: TcpPtLink) -> None:
        try:
            self.serve(link)
        finally:
            link.close()
            with self._lock:
                if link in self.links:
                    self.links.remove(link)

    def drop(self) -> int:
        with self._lock:
            links, self.links = self.links, []
        for link in links:
            link.close()
        return len(links)

    def stop(self) -> None:
        self.stop_event.set()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() thread on Linux
        with contextlib.suppress(OSError):
            self.listener.close()
        self.drop()


class PtyServer:
    def __init__(self, serve: Serve) -> None:
        self.serve = serve
        self.pty = PtyLink()
        self.stop_event = threading.Event()
        self.link = SerialPtLink(self.pty, self.stop_event)

    @property
    def path(self) -> str:
        return self.pty.slave_path

    def start(self) -> PtyServer:
        threading.Thread(target=self.serve, args=(self.link,), name="payment-sim-pty",
                         daemon=True).start()  # fmt: skip
        return self

    def stop(self) -> None:
        self.stop_event.set()
        time.sleep(0.1)
        self.pty.close()
