"""One SIP2 connection over TCP or TLS: open, log in, exchange messages under session rules.

The thin adapter around session.py: it owns the socket, the read buffer and the clock
(timeouts), nothing else. One request in flight per connection (the caller holds a lock).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from dataclasses import dataclass, field

from backend_sync.sip2.codec import Framer, Message, RemoteProtocolError, redacted
from backend_sync.sip2.session import Discard, Failed, Reply, Send, Sip2Session
from kiosk.core.errors import LibraryProtocolError, LibraryUnavailable

log = logging.getLogger("knygomatas.sip2")


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    tls: bool = False
    tls_verify: bool = True
    ca_file: str | None = None
    cert_file: str | None = None
    key_file: str | None = None
    connect_timeout_s: float = 10.0


@dataclass(frozen=True)
class Wire:
    encoding: str = "cp850"
    terminator: bytes = b"\r"
    error_detection: bool = True
    timeout_s: float = 10.0
    retries: int = 3


class ConnectionLost(Exception):
    """The socket closed or failed; `sent` says whether the request may have reached the ACS."""

    def __init__(self, reason: str, sent: bool) -> None:
        super().__init__(reason)
        self.sent = sent


class AcsRefuses(LibraryProtocolError):
    """The ACS answers every try of a request with 96 (or our 97 with 96): it will not serve
    it. The request was not applied (a 96 never executes anything)."""


class OutcomeLost(Exception):
    """A state-changing request got no usable answer: it may or may not have been applied."""


@dataclass
class Connection:
    endpoint: Endpoint
    wire: Wire
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    session: Sip2Session = field(init=False)
    _framer: Framer = field(default_factory=Framer)
    _frames: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.session = Sip2Session(
            encoding=self.wire.encoding,
            terminator=self.wire.terminator,
            error_detection=self.wire.error_detection,
            retries=self.wire.retries,
        )

    @property
    def open(self) -> bool:
        return self.writer is not None and not self.writer.is_closing()

    async def connect(self) -> None:
        ep = self.endpoint
        try:
            self.reader, self.writer = await asyncio.wait_for(
                asyncio.open_connection(ep.host, ep.port, ssl=self._ssl_context()),
                ep.connect_timeout_s,
            )
        except (OSError, TimeoutError, ssl.SSLError) as exc:
            raise LibraryUnavailable(
                f"cannot connect to {ep.host}:{ep.port}: {_why(exc)}"
            ) from None
        self.session.reset()
        self._framer = Framer()
        self._frames.clear()

    def _ssl_context(self) -> ssl.SSLContext | None:
        ep = self.endpoint
        if not ep.tls:
            return None
        context = ssl.create_default_context(cafile=ep.ca_file)
        if not ep.tls_verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        if ep.cert_file:
            context.load_cert_chain(ep.cert_file, ep.key_file)
        return context

    async def close(self) -> None:
        writer, self.writer, self.reader = self.writer, None, None
        self.session.reset()
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError, TimeoutError, ssl.SSLError):
                await asyncio.wait_for(writer.wait_closed(), 2)

    async def exchange(self, message: Message) -> Message:
        """Send a request and return its response, following the session's resend rules.

        Raises ConnectionLost, OutcomeLost (state-changing request, answer lost),
        LibraryUnavailable (no answer to a harmless request), LibraryProtocolError.
        """
        action: Send | Reply | Discard | Failed = self.session.request(message)
        log.debug("sip2 send %s", redacted(message).name)
        sent = False
        while True:
            match action:
                case Send(data=data, note=note):
                    if note != "request":
                        log.info("sip2 resend: %s", note)
                    await self._write(data, sent)
                    sent = True
                case Reply(message=reply):
                    return reply
                case Discard(reason=reason):
                    log.warning("sip2 reply discarded: %s", reason)
                case Failed(reason=reason, outcome_unknown=unknown, refused=refused):
                    await self.close()
                    if refused:
                        raise AcsRefuses(reason)
                    if unknown:
                        raise OutcomeLost(reason)
                    if "no answer" in reason:
                        raise LibraryUnavailable(reason)
                    raise LibraryProtocolError(reason)
            try:
                frame = await asyncio.wait_for(self._next_frame(sent), self.wire.timeout_s)
            except TimeoutError:
                action = self.session.timeout()
            else:
                action = self.session.receive(frame)

    async def _write(self, data: bytes, sent: bool) -> None:
        if self.writer is None:
            raise ConnectionLost("not connected", sent)
        try:
            self.writer.write(data)
            await self.writer.drain()
        except (OSError, ssl.SSLError) as exc:
            raise ConnectionLost(f"write failed: {_why(exc)}", True) from None

    async def _next_frame(self, sent: bool) -> bytes:
        while not self._frames:
            if self.reader is None:
                raise ConnectionLost("not connected", sent)
            try:
                chunk = await self.reader.read(65536)
            except (OSError, ssl.SSLError) as exc:
                raise ConnectionLost(f"read failed: {_why(exc)}", sent) from None
            if not chunk:
                raise ConnectionLost("the ACS closed the connection", sent)
            for frame in self._framer.feed(chunk):
                if isinstance(frame, RemoteProtocolError):
                    log.warning("sip2: %s", frame)
                else:
                    self._frames.append(frame)
        return self._frames.pop(0)


def _why(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__
