"""The SIP2 client: the kiosk's LibrarySystem port (kiosk/core/ports.py) over SIP2 2.00.

Owns the connection's life: connect, log in (93) first, read the ACS status (99/98: what it
supports, its timeout), keep the connection alive below the ACS idle timeout, reconnect and
log in again transparently. A state-changing request whose answer was lost is never sent
again blindly: the client asks the ACS for the item or patron state first (backend_sync/
recovery.py, which works through the port, so it holds no reference back to this module).

An ACS that refuses the kiosk (a 940 login, or nothing but 96 for a request) puts the client
in the refused state: every call raises LibraryRefusesKiosk at once, without a byte on the
wire, until ``refusal_backoff_s`` has passed; then one call tries again (the back-off doubles
on each refusal, up to ``refusal_backoff_max_s``). One try per back-off, never a storm.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from backend_sync.recovery import Recovery
from backend_sync.sip2 import mapping
from backend_sync.sip2.codec import Message, unescaped
from backend_sync.sip2.connection import (
    AcsRefuses,
    Connection,
    ConnectionLost,
    Endpoint,
    OutcomeLost,
    Wire,
)
from backend_sync.sip2.mapping import Terminal
from backend_sync.sip2.session import STATE_CHANGING
from kiosk.core.errors import (
    LibraryRefusesKiosk,
    LibraryUnavailable,
    NotSupported,
    OutcomeUnknown,
    OutcomeUnknownUnreachable,
)
from kiosk.core.model import (
    HoldResult,
    Item,
    LibraryStatus,
    LoanResult,
    Patron,
    PaymentResult,
    RenewAllResult,
    ReturnResult,
)
from kiosk.core.vocabulary import FeeType, HoldMode, PaymentMethod

log = logging.getLogger("knygomatas.sip2")


@dataclass(frozen=True)
class Sip2Config:
    endpoint: Endpoint
    wire: Wire
    terminal: Terminal
    username: str = ""
    password: str = ""
    keepalive_s: float = 60.0
    refusal_backoff_s: float = 300.0
    refusal_backoff_max_s: float = 3600.0


@dataclass(frozen=True)
class Refusal:
    reason: str
    until: float  # monotonic seconds
    backoff_s: float


class Sip2Client:
    def __init__(
        self,
        config: Sip2Config,
        clock: Callable[[], datetime] = datetime.now,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.clock = clock
        self.monotonic = monotonic
        self.refusal: Refusal | None = None  # set while the ACS refuses this kiosk
        self.acs: LibraryStatus | None = None
        self._connection = Connection(config.endpoint, config.wire)
        self._wire_lock = asyncio.Lock()
        self._op_lock = asyncio.Lock()
        self._last_used = time.monotonic()
        self._keepalive: asyncio.Task[None] | None = None
        self._recovery = Recovery(self)

    # ---- connection life ---------------------------------------------------------------

    async def connect(self) -> LibraryStatus:
        async with self._wire_lock:
            await self._ensure_connected()
        assert self.acs is not None
        return self.acs

    async def _ensure_connected(self) -> None:
        if self._connection.open:
            return
        self._check_refusal()
        await self._connection.connect()
        try:
            if self.config.username:
                login = mapping.login(
                    self.config.username, self.config.password, self.config.terminal.location
                )
                reply = await self._connection.exchange(login)
                if reply.fixed_value("ok") != "1":
                    raise self._refused("the ACS refused the login (check username/password)")
            self.acs = mapping.acs_status(await self._connection.exchange(mapping.sc_status()))
            self.refusal = None
        except AcsRefuses as exc:
            await self._connection.close()
            raise self._refused(str(exc)) from None
        except ConnectionLost as exc:
            await self._connection.close()
            raise LibraryUnavailable(f"connection lost while logging in: {exc}") from None
        except BaseException:
            await self._connection.close()
            raise
        self._last_used = time.monotonic()
        self._start_keepalive()

    def _check_refusal(self) -> None:
        refusal = self.refusal
        if refusal is None:
            return
        left = refusal.until - self.monotonic()
        if left > 0:
            raise LibraryRefusesKiosk(
                f"the library system refuses this kiosk ({refusal.reason}); "
                f"next try in {left:.0f} s"
            )

    def _refused(self, reason: str) -> LibraryRefusesKiosk:
        """Enter (or stay in) the refused state; the error to raise."""
        previous = self.refusal
        backoff = self.config.refusal_backoff_s
        if previous is not None:
            backoff = min(previous.backoff_s * 2, self.config.refusal_backoff_max_s)
        self.refusal = Refusal(reason, self.monotonic() + backoff, backoff)
        log.error("sip2: the library system refuses this kiosk: %s; next try in %.0f s",
                  reason, backoff)  # fmt: skip
        return LibraryRefusesKiosk(f"the library system refuses this kiosk ({reason})")

    def _keepalive_interval(self) -> float:
        interval = self.config.keepalive_s
        if self.acs is not None and self.acs.timeout_s:
            interval = min(interval or self.acs.timeout_s, self.acs.timeout_s * 0.5)
        return interval

    def _start_keepalive(self) -> None:
        if self._keepalive is None or self._keepalive.done():
            self._keepalive = asyncio.get_running_loop().create_task(self._keep_alive())

    async def _keep_alive(self) -> None:
        while self._connection.open:
            interval = self._keepalive_interval()
            if interval <= 0:
                return
            await asyncio.sleep(max(0.05, interval - (time.monotonic() - self._last_used)))
            if self._wire_lock.locked() or time.monotonic() - self._last_used < interval:
                continue
            async with self._wire_lock:
                try:
                    reply = await self._connection.exchange(mapping.sc_status())
                    self.acs = mapping.acs_status(reply)
                    self._last_used = time.monotonic()
                except Exception as exc:  # the next request reconnects
                    log.info("sip2 keepalive failed: %s", exc)
                    await self._connection.close()
                    return

    async def close(self) -> None:
        if self._keepalive is not None:
            self._keepalive.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keepalive
        async with self._wire_lock:
            await self._connection.close()

    # ---- requests ----------------------------------------------------------------------

    async def request(self, build: Callable[[datetime], Message]) -> Message:
        """Send one request (reconnecting once if the connection had gone). Raises OutcomeLost
        when a state-changing request may have been applied without us seeing the answer."""
        async with self._wire_lock:
            for attempt in (1, 2):
                await self._ensure_connected()
                message = build(self.clock())
                self._check_supported(message.command)
                try:
                    reply = await self._connection.exchange(message)
                except AcsRefuses as exc:  # a 96 applies nothing: the outcome is known
                    raise self._refused(str(exc)) from None
                except ConnectionLost as exc:
                    await self._connection.close()
                    if exc.sent and message.command in STATE_CHANGING:
                        raise OutcomeLost(str(exc)) from None
                    if attempt == 2:
                        raise LibraryUnavailable(f"connection lost: {exc}") from None
                    continue
                self._last_used = time.monotonic()
                return unescaped(reply)
        raise AssertionError("unreachable")

    def _check_supported(self, command: str) -> None:
        if self.acs is None or not self.acs.supported or command in ("93", "99", "97"):
            return
        if command not in self.acs.supported:
            raise NotSupported(f"the ACS does not support message {command}")

    async def _changing(self, build, read, recover):  # type: ignore[no-untyped-def]
        """A state-changing request: on a lost answer, query the state, then resend at most
        once if it was not applied; raise OutcomeUnknown if that cannot be told."""
        async with self._op_lock:
            for _ in (1, 2):
                try:
                    return read(await self.request(build))
                except OutcomeLost as lost:
                    log.warning("sip2: answer lost (%s); querying the ACS before any resend", lost)
                    try:
                        recovered = await recover()
                    except LibraryUnavailable as exc:  # applied or not: nobody can tell now
                        raise OutcomeUnknownUnreachable(
                            f"answer lost and the ACS unreachable: {exc}"
                        ) from None
                    if recovered is not None:
                        return recovered
            raise OutcomeUnknown("the answer was lost twice and the state could not be confirmed")

    # ---- the LibrarySystem port --------------------------------------------------------

    async def status(self) -> LibraryStatus:
        reply = await self.request(lambda now: mapping.sc_status())
        self.acs = mapping.acs_status(reply)
        return self.acs

    async def patron(self, card: str, pin: str | None = None, *, details: str = "") -> Patron:
        t = self.config.terminal
        reply = await self.request(
            lambda now: mapping.patron_information(t, now, card, pin, details)
        )
        return mapping.patron(reply, card)

    async def item(self, item_id: str) -> Item:
        t = self.config.terminal
        return mapping.item(
            await self.request(lambda now: mapping.item_information(t, now, item_id))
        )

    async def checkout(
        self,
        card: str,
        item_id: str,
        pin: str | None = None,
        *,
        no_block_at: datetime | None = None,
        due: datetime | None = None,
    ) -> LoanResult:
        t = self.config.terminal
        return await self._changing(
            lambda now: mapping.checkout(t, now, card, item_id, pin, no_block_at, due),
            lambda reply: mapping.loan(reply, card, item_id),
            lambda: self._recovery.checkout(card, item_id, pin),
        )

    async def checkin(
        self, item_id: str, *, no_block_at: datetime | None = None, location: str = ""
    ) -> ReturnResult:
        t = self.config.terminal
        return await self._changing(
            lambda now: mapping.checkin(t, now, item_id, no_block_at, location),
            lambda reply: mapping.returned(reply, item_id),
            lambda: self._recovery.checkin(item_id),
        )

    async def renew(
        self,
        card: str,
        item_id: str,
        pin: str | None = None,
        *,
        no_block_at: datetime | None = None,
    ) -> LoanResult:
        t = self.config.terminal
        before = await self.item(item_id)
        return await self._changing(
            lambda now: mapping.renew(t, now, card, item_id, pin, no_block_at),
            lambda reply: mapping.loan(reply, card, item_id),
            lambda: self._recovery.renew(card, before),
        )

    async def renew_all(self, card: str, pin: str | None = None) -> RenewAllResult:
        t = self.config.terminal
        try:
            reply = await self.request(lambda now: mapping.renew_all(t, now, card, pin))
        except OutcomeLost as lost:  # renewing all twice would count renewals twice
            raise OutcomeUnknown(f"renew all: {lost}; check the patron's loans") from None
        return mapping.renewed_all(reply)

    async def fee_paid(
        self,
        card: str,
        amount: Decimal,
        *,
        currency: str = "EUR",
        fee_type: FeeType = FeeType.OTHER_UNKNOWN,
        method: PaymentMethod = PaymentMethod.CASH,
        fee_id: str = "",
        transaction_id: str = "",
    ) -> PaymentResult:
        t = self.config.terminal
        before = await self.patron(card, details="fine")
        return await self._changing(
            lambda now: mapping.fee_paid(
                t, now, card, amount, currency, fee_type, method, fee_id, transaction_id
            ),
            lambda reply: mapping.payment(reply, card),
            lambda: self._recovery.fee_paid(card, before, amount, transaction_id),
        )

    async def hold(
        self,
        card: str,
        *,
        mode: HoldMode,
        item_id: str = "",
        title: str = "",
        pickup_location: str = "",
        pin: str | None = None,
    ) -> HoldResult:
        t = self.config.terminal
        return await self._changing(
            lambda now: mapping.hold(t, now, card, mode, item_id, title, pickup_location, pin),
            lambda reply: mapping.hold_result(reply, card),
            lambda: self._recovery.hold(card, mode, item_id),
        )

    async def end_session(self, card: str, pin: str | None = None) -> bool:
        t = self.config.terminal
        reply = await self.request(lambda now: mapping.end_session(t, now, card, pin))
        return reply.fixed_value("end_session") == "Y"
