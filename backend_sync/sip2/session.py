"""The SIP2 session rules, sans-I/O: sequence numbers, what to do with each reply, resends.

The socket adapter (client.py) writes what this returns and feeds in what it reads; this module
never touches a socket or the clock. Rules (spec "Error detection", SC side):

    state      event                                  -> action
    IDLE       request(m)                             -> Send(m with next AY), AWAITING
    AWAITING   reply: bad checksum / unreadable       -> Send(97) (counts a retry)   | Failed
    AWAITING   reply: 96 to our request               -> Send(same request, same AY) | Refused
    AWAITING   reply: 96 to our 97                    -> Refused (spec: communications failed)
    AWAITING   reply: AY differs / unexpected command -> Discard, keep waiting (a stray 98 after
                                                         a keepalive, an old answer: never ours)
    AWAITING   reply: the expected response           -> Reply(m), IDLE
    AWAITING   timeout, request idempotent            -> Send(same request)          | Failed
    AWAITING   timeout, request changes state         -> Failed(outcome_unknown=True)
    any        reset() (connection lost)              -> IDLE

Refused is Failed(refused=True): the ACS answers, but with nothing but 96.
A 96 or a 97 exchange never re-executes anything at the ACS (the ACS either did not accept the
request or re-sends its cached answer), so they are safe for state-changing requests; a timeout
is not, because ACSs like Koha re-execute a repeated checkout.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend_sync.sip2.codec import (
    Checksum,
    Message,
    RemoteProtocolError,
    decode,
    encode,
    with_sequence,
)
from backend_sync.sip2.spec import RESPONSE_TO

# Requests that change state at the ACS: never re-sent after a timeout.
STATE_CHANGING = frozenset({"11", "09", "29", "65", "37", "15", "01", "25", "19"})


@dataclass(frozen=True)
class Send:
    data: bytes
    note: str = ""


@dataclass(frozen=True)
class Reply:
    message: Message


@dataclass(frozen=True)
class Discard:
    reason: str


@dataclass(frozen=True)
class Failed:
    reason: str
    outcome_unknown: bool = False
    refused: bool = False  # the ACS answers, but only with 96: it will not serve this request


Action = Send | Reply | Discard | Failed


class SessionStateError(Exception):
    """A request while one is in flight, or a reply while none is: a bug in the caller."""


class Sip2Session:
    def __init__(
        self,
        *,
        encoding: str = "cp850",
        terminator: bytes = b"\r",
        error_detection: bool = True,
        retries: int = 3,
    ) -> None:
        self.encoding = encoding
        self.terminator = terminator
        self.error_detection = error_detection
        self.retries = retries
        self._sequence = -1
        self._pending: Message | None = None
        self._pending_bytes = b""
        self._last_sent_97 = False
        self._attempts = 0

    @property
    def busy(self) -> bool:
        return self._pending is not None

    def request(self, message: Message) -> Send:
        if self._pending is not None:
            raise SessionStateError(f"{self._pending.name} is still waiting for its answer")
        sequence = None
        if self.error_detection:
            self._sequence = (self._sequence + 1) % 10
            sequence = self._sequence
        self._pending = with_sequence(message, sequence, self.error_detection)
        self._pending_bytes = encode(self._pending, self.encoding, self.terminator)
        self._last_sent_97 = False
        self._attempts = 0
        return Send(self._pending_bytes, "request")

    def receive(self, frame: bytes) -> Action:
        pending = self._pending
        if pending is None:
            return Discard("no request is waiting for an answer")
        try:
            decoded = decode(frame, self.encoding)
        except RemoteProtocolError as exc:
            return self._ask_resend(f"unreadable reply: {exc}")
        message = decoded.message
        if message.command == "96":
            return self._on_96()
        if self.error_detection and decoded.checksum is Checksum.INVALID:
            return self._ask_resend("reply with a bad checksum")
        expected = RESPONSE_TO.get(pending.command)
        if message.command != expected:
            return Discard(f"expected {expected}, got {message.command}")
        if (
            self.error_detection
            and message.sequence is not None
            and message.sequence != pending.sequence
        ):
            return Discard(f"sequence {message.sequence} is not ours ({pending.sequence})")
        self._pending = None
        return Reply(message)

    def timeout(self) -> Action:
        pending = self._pending
        if pending is None:
            return Discard("nothing is waiting")
        if pending.command in STATE_CHANGING and not self._last_sent_97:
            self._pending = None
            return Failed(f"no answer to {pending.name}", outcome_unknown=True)
        if self._attempts >= self.retries:
            self._pending = None
            return Failed(
                f"no answer to {pending.name} after {self.retries} resends",
                outcome_unknown=pending.command in STATE_CHANGING,
            )
        self._attempts += 1
        if self._last_sent_97:
            return Send(self._resend_request_bytes(), "timeout: ask the ACS again to resend")
        return Send(self._pending_bytes, "timeout: resend")

    def reset(self) -> None:
        """The connection is gone: forget the request in flight (the caller decides)."""
        self._pending = None
        self._last_sent_97 = False
        self._attempts = 0

    def _ask_resend(self, reason: str) -> Action:
        if not self.error_detection or self._attempts >= self.retries:
            outcome_unknown = self._pending is not None and self._pending.command in STATE_CHANGING
            self._pending = None
            return Failed(reason, outcome_unknown=outcome_unknown)
        self._attempts += 1
        self._last_sent_97 = True
        return Send(self._resend_request_bytes(), f"{reason}: asking the ACS to resend (97)")

    def _resend_request_bytes(self) -> bytes:
        return encode(Message("97", error_detection=True), self.encoding, self.terminator)

    def _on_96(self) -> Action:
        if self._last_sent_97:
            self._pending = None
            return Failed("the ACS answered our resend request with 96", refused=True)
        if self._attempts >= self.retries:
            self._pending = None
            return Failed(
                f"the ACS keeps asking for a resend (96 after {self.retries} resends)", refused=True
            )
        self._attempts += 1
        return Send(self._pending_bytes, "the ACS asked for a resend (96)")
