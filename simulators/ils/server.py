"""The ILS simulator's network face: an asyncio TCP (optionally TLS) SIP2 server, and a threaded
wrapper that tests and `kiosk sim ils` start and stop.

The thin adapter of rule 1: reads bytes, frames them with the codec's Framer, hands each frame
to the connection's AcsSession (session.py), and writes the reply, with the faults of
faults.py applied here (they are about sockets: drops, silence, latency, broken bytes,
refusing connections). Binds where it is told (tests: 127.0.0.1, port 0).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from backend_sync.sip2.codec import Framer, RemoteProtocolError
from backend_sync.sip2.redaction import redact_sip2
from kiosk.core.clock import wall_time
from simulators.ils.faults import Faults, OfflineMode, garbled, with_bad_checksum
from simulators.ils.handlers import Acs
from simulators.ils.session import AcsSession, Reply

log = logging.getLogger("simulators.ils")
READ_CHUNK = 4096
STOP_TIMEOUT_S = 5.0


def tls_context(cert_file: str, key_file: str) -> ssl.SSLContext:
    """A server TLS context (TLS 1.2 or newer) from a PEM certificate and key."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_file, key_file)
    return context


class IlsServer:
    """The SIP2 server on the running asyncio loop: `await start()`, `await stop()`."""

    def __init__(
        self,
        acs: Acs,
        faults: Faults | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: ssl.SSLContext | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.acs = acs
        self.faults = faults or Faults()
        self.host = host
        self.port = port
        self.tls = tls
        self.clock = clock or wall_time()  # the library's local time, as SIP2 dates are
        self.events: Counter[str] = Counter()  # protocol events, summed over connections
        self._server: asyncio.AbstractServer | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._connections: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await self._listen()

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port, ssl=self.tls)
        self.port = self._server.sockets[0].getsockname()[1]  # keep it across offline/online

    async def stop(self) -> None:
        """Stop listening, close every connection and wait for their handlers to end."""
        await self._close_listener()
        await self.disconnect_all()
        if self._connections:
            await asyncio.wait(self._connections, timeout=STOP_TIMEOUT_S)

    async def _close_listener(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def disconnect_all(self) -> int:
        writers = list(self._writers)
        for writer in writers:
            writer.close()
        return len(writers)

    async def set_offline(self, mode: OfflineMode) -> None:
        """refuse: stop listening and close every connection; status: stay up, 98 says N;
        "": back on-line (listening again on the same port)."""
        self.faults.set_offline(mode)
        if mode == "refuse":
            await self._close_listener()
            await self.disconnect_all()
        elif self._server is None:
            await self._listen()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        self._writers.add(writer)
        self.events["connections"] += 1
        log.info("SIP2 connection from %s", writer.get_extra_info("peername"))
        session = AcsSession(self.acs, self.events)
        framer = Framer()
        try:
            while self.faults.state.offline != "refuse":
                data = await reader.read(READ_CHUNK)
                if not data:
                    break
                if not await self._frames(session, framer.feed(data), writer):
                    break
        except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError) as exc:
            log.info("SIP2 connection ended: %s", exc)
        except Exception:  # a bug here must cost one connection, never the server
            self.events["server_error"] += 1
            log.exception("SIP2 connection failed")
        finally:
            self._writers.discard(writer)
            writer.close()
            if task is not None:
                self._connections.discard(task)

    async def _frames(
        self,
        session: AcsSession,
        frames: list[bytes | RemoteProtocolError],
        writer: asyncio.StreamWriter,
    ) -> bool:
        """Answer each frame; False when the connection must close."""
        for frame in frames:
            command = frame[:2].decode("ascii", "replace") if isinstance(frame, bytes) else ""
            if self.faults.take("swallow", command):
                self.events["fault_swallowed"] += 1
                continue
            if self.faults.take("drop_before", command):
                self.events["fault_dropped_before"] += 1
                return False
            if isinstance(frame, RemoteProtocolError):  # an over-long line
                reply = Reply(session.sc_resend())
            elif self.faults.take("resend", command):  # 96: not applied
                self.events["fault_resend"] += 1
                reply = Reply(session.sc_resend())
            else:
                self._trace("<-", frame)
                reply = session.receive(frame, self.clock(), self.faults.state.offline != "status")
                self._trace("->", reply.data or b"(no answer)")
            if self.faults.take("drop_after", command):
                self.events["fault_dropped_after"] += 1
                return False
            if self.faults.take("swallow_after", command):
                self.events["fault_swallowed_after"] += 1
                continue
            if not await self._send(reply, writer, command):
                return False
        return True

    async def _send(self, reply: Reply, writer: asyncio.StreamWriter, command: str = "") -> bool:
        if reply.data is not None:
            delay_ms = self.faults.state.latency_ms + self.acs.options.latency_ms
            if delay_ms:
                await asyncio.sleep(delay_ms / 1000)
            writer.write(self._broken(reply.data, command))
            await writer.drain()
        return not reply.close

    def _trace(self, direction: str, data: bytes) -> None:
        if log.isEnabledFor(logging.DEBUG):  # PINs and passwords blanked, never logged
            text = data.decode(self.acs.options.wire_encoding, "replace").rstrip("\r\n")
            log.debug("SIP2 %s %s", direction, redact_sip2(text))

    def _broken(self, data: bytes, command: str = "") -> bytes:
        terminator = self.acs.options.wire_terminator
        if self.faults.take("garble", command):
            self.events["fault_garbled"] += 1
            return garbled(data, terminator)
        if self.faults.take("bad_checksum", command):
            self.events["fault_bad_checksum"] += 1
            return with_bad_checksum(data, terminator)
        return data
