"""How each library system's SIP2 server behaves where servers differ, and the server's options.

One frozen Dialect per server family, from the research notes (docs: /work/shared/research/
sip2.md §0, §3): terminator, default character set, what may come before login, whether a
resent request (same AY and checksum) is answered from cache or executed again, what a
checkout of an item already on the patron's card does, whether no-block is honoured, and
the due-date format in AH. Data only; the session and the handlers read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from backend_sync.sip2.spec import SUPPORTED_MESSAGES

OwnItem = Literal["renew", "renew-if-policy", "refuse"]
NoBlock = Literal["honour", "ignore", "fail"]
HoldList = Literal["waiting", "all"]
SIP_DATE = "%Y%m%d    %H%M%S"


@dataclass(frozen=True)
class Dialect:
    name: str
    terminator: bytes
    encoding: str
    before_login: frozenset[str]  # answered before a 93 Login; anything else: closed
    cached_resend: bool  # a repeated request (same AY + AZ) gets the cached response
    own_item_checkout: OwnItem  # 11 for an item already on the same patron's card
    no_block: NoBlock  # honour: skip blocks, kiosk's dates; ignore: normal rules; fail: close
    due_date_format: str
    offline_ok: bool  # 98 "off-line ok": the ACS accepts store-and-forward transactions
    holds_in_as: HoldList = "waiting"  # 64 hold items count and AS: waiting only, or all


DIALECTS: dict[str, Dialect] = {
    d.name: d
    for d in (
        # The spec as written: CR, cp850, no-block honoured (Alma/WorldShare behave so).
        Dialect("generic", b"\r", "cp850", frozenset({"99"}), False, "refuse", "honour",
                SIP_DATE, True),
        # Koha C4/SIP: CRLF by default, login strictly first, a resent checkout renews,
        # checkout_no_block is not implemented (the server dies: connection closed).
        Dialect("koha", b"\r\n", "utf-8", frozenset(), False, "renew", "fail",
                SIP_DATE, False),
        # FOLIO edge-sip2: IBM850, de-duplicates a resent request, ignores the no-block flag,
        # counts every open hold as a hold item (waiting = hold items - unavailable).
        Dialect("folio", b"\r", "cp850", frozenset({"99"}), True, "refuse", "ignore",
                SIP_DATE, False, "all"),
        # Evergreen SIPServer: 99 before login is fine (Relais clients), a resent checkout
        # renews only when the SC renewal policy allows it, ISO due dates, all holds in AS.
        Dialect("evergreen", b"\r", "utf-8", frozenset({"99"}), False, "renew-if-policy",
                "fail", "%Y-%m-%d %H:%M:%S", False, "all"),
    )
}  # fmt: skip


@dataclass(frozen=True)
class ServerOptions:
    """Everything `kiosk sim ils` and IlsSimulator take besides the library itself."""

    dialect: Dialect = DIALECTS["generic"]
    encoding: str | None = None  # None: the dialect's
    terminator: bytes | None = None  # None: the dialect's
    supported: frozenset[str] = field(default_factory=lambda: frozenset(SUPPORTED_MESSAGES))
    timeout_period: int = 100  # 98 timeout period, tenths of a second (000-999)
    retries_allowed: int = 3
    latency_ms: int = 0  # added before every response (realism; tests leave it 0)
    screen_message: str = ""  # AF of 98, shown by some kiosks

    @property
    def wire_encoding(self) -> str:
        return self.encoding or self.dialect.encoding

    @property
    def wire_terminator(self) -> bytes:
        return self.terminator if self.terminator is not None else self.dialect.terminator

    def without(self, *commands: str) -> ServerOptions:
        """These options with `commands` switched off in 98's BX (and left unanswered)."""
        return replace(self, supported=self.supported - set(commands))


def options_for(dialect: str, **overrides: object) -> ServerOptions:
    """ServerOptions for a dialect by name; ValueError names the known dialects."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; known: {', '.join(DIALECTS)}")
    return replace(ServerOptions(dialect=DIALECTS[dialect]), **overrides)  # type: ignore[arg-type]
