"""One SC's connection to the simulated ACS, sans-I/O: a request frame in, a Reply out.

Owns what the spec and the servers do before and around a handler (spec "Error detection";
research sip2.md §1.2, §0.5-6):

    frame ──► unknown / response command ─────────► ignored (spec: unrecognised is ignored)
          ──► undecodable, or AZ wrong ───────────► 96 Request SC Resend
          ──► 97 ─────────────────────────────────► the last response again (96 if none)
          ──► same AY + AZ as the last request ───► folio: the cached response, not re-run
          ──► 93 ─────────────────────────────────► 94; koha closes after a failed login
          ──► anything before login ──────────────► closed (99 allowed but for koha)
          ──► switched off in BX ─────────────────► ignored
          ──► handler ────────────────────────────► response echoing the request's AY/AZ

Never touches a socket or the clock: the server passes `now` and the online state in.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from backend_sync.sip2.codec import (
    Checksum,
    EncodeError,
    Message,
    RemoteProtocolError,
    decode,
    encode,
    with_sequence,
)
from backend_sync.sip2.spec import SPECS
from simulators.ils.formats import Context
from simulators.ils.handlers import Account, Acs


@dataclass(frozen=True)
class Reply:
    """What to do with a request: send `data` (if any), then close the connection if asked."""

    data: bytes | None = None
    close: bool = False


class AcsSession:
    def __init__(self, acs: Acs, events: Counter[str] | None = None) -> None:
        self.acs = acs
        self.events: Counter[str] = events if events is not None else Counter()
        self.account: Account | None = None
        self._last_response: bytes | None = None
        self._last_key: tuple[int, bytes] | None = None

    def receive(self, frame: bytes, now: datetime, online: bool = True) -> Reply:
        options = self.acs.options
        spec = SPECS.get(frame[:2].decode("ascii", "replace"))
        if spec is None or not spec.request:
            self.events["ignored_unknown"] += 1
            return Reply()
        try:
            decoded = decode(frame, options.wire_encoding)
        except RemoteProtocolError:
            self.events["malformed"] += 1
            return Reply(self.sc_resend())
        if decoded.checksum is Checksum.INVALID:
            self.events["bad_checksum"] += 1
            return Reply(self.sc_resend())
        request = decoded.message
        if request.command == "97":
            self.events["resent_on_97"] += 1
            return Reply(self._last_response or self.sc_resend())
        key = self._key(request, frame, decoded.checksum)
        if key is not None and key == self._last_key and options.dialect.cached_resend:
            self.events["duplicate_replayed"] += 1
            return Reply(self._last_response)
        return self._answer(request, key, now, online)

    def _answer(
        self, request: Message, key: tuple[int, bytes] | None, now: datetime, online: bool
    ) -> Reply:
        options = self.acs.options
        close = False
        if request.command == "93":
            response, self.account = self.acs.login(request)
            close = self.account is None and options.dialect.name == "koha"
            self.events["login_ok" if self.account else "login_failed"] += 1
        elif self.account is None and request.command not in options.dialect.before_login:
            self.events["before_login"] += 1
            return Reply(close=True)
        elif request.command not in options.supported:
            self.events["unsupported"] += 1
            return Reply()
        else:
            location = self.account.location if self.account else ""
            answer = self.acs.respond(request, Context(now, location, online))
            if answer is None:
                self.events["server_died"] += 1
                return Reply(close=True)
            response = answer
        try:
            data = encode(
                with_sequence(response, request.sequence, request.error_detection),
                options.wire_encoding,
                options.wire_terminator,
            )
        except EncodeError:  # e.g. a "|" typed into a screen message: the server gives up
            self.events["server_error"] += 1
            return Reply(close=True)
        self.events[f"answered_{request.command}"] += 1
        self._last_response, self._last_key = data, key
        return Reply(data, close)

    @staticmethod
    def _key(request: Message, frame: bytes, checksum: Checksum) -> tuple[int, bytes] | None:
        if request.sequence is None or checksum is not Checksum.VALID:
            return None
        return request.sequence, frame.rstrip(b"\r\n")[-4:].upper()

    def sc_resend(self) -> bytes:
        """96 carries no AY but an AZ (96AZFEF6), as Evergreen and FOLIO send it."""
        options = self.acs.options
        return encode(
            Message("96", error_detection=True), options.wire_encoding, options.wire_terminator
        )
