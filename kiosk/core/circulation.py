"""The circulation service: the patron session (session.py's table) driven by intents from
the UI, card scans, pad events and the clock, with borrow/return/renew delegated to their
modules. The UI observes ``view`` (an immutable SessionView, also pushed to ``on_view``).
A staff card always signs in with its PIN (staff_auth.py: the ILS first, the local technician
PIN only when the ILS cannot be asked); its PIN is never kept on the visit.

Must never: keep anything of a patron after the session ends (the Visit object is dropped
and nothing else holds patron data; the PIN lockout keeps salted hashes only), block the
event loop, read the system clock (the Clock port), or leave an exit path that skips End
Patron Session at the ILS.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from kiosk.core import arrivals, borrow, renewals, returns
from kiosk.core.circulation_setup import CirculationRules, Ports
from kiosk.core.errors import LibrarySystemError, LibraryUnavailable
from kiosk.core.identify import Identified, identify
from kiosk.core.notices import Notice
from kiosk.core.offline_policy import OfflinePolicy
from kiosk.core.pad import ItemsArrived, ItemsLeft, PadEvent, PadLost
from kiosk.core.patron_checks import PinLockout
from kiosk.core.privacy import mask_card
from kiosk.core.receipt_delivery import ReceiptDesk
from kiosk.core.receipt_delivery import State as ReceiptState
from kiosk.core.receipts import Receipt
from kiosk.core.session import (
    AccountView,
    Activity,
    EndReason,
    LineStatus,
    SessionView,
    State,
    step,
)
from kiosk.core.session_stats import SessionStats
from kiosk.core.stack import Stack
from kiosk.core.staff_auth import PinHash, staff_login
from kiosk.core.visit import Circulation, StaffAlert, Visit

log = logging.getLogger(__name__)
FINAL_RECEIPT = frozenset({ReceiptState.PRINTED, ReceiptState.EMAIL_QUEUED, ReceiptState.DECLINED})


class CirculationService:
    def __init__(
        self,
        ports: Ports,
        rules: CirculationRules | None = None,
        policy: OfflinePolicy | None = None,
        *,
        kiosk_id: str = "kiosk-1",
        library_name: str = "",
    ) -> None:
        self.ports = ports
        self.rules = rules or CirculationRules()
        self.policy = policy or OfflinePolicy()
        self.kiosk_id = kiosk_id
        self.library_name = library_name
        self.lockout = PinLockout(self.rules.pin_max_tries, self.rules.lockout_s)
        pin_hash = self.rules.staff_pin_hash
        self.staff_pin = PinHash.parse(pin_hash) if pin_hash else None
        self._stats = SessionStats(ports.stats, ports.clock)
        self.state = State.IDLE
        self.view = SessionView()
        self._lock = asyncio.Lock()
        self._reset(None)

    def _reset(self, ended: EndReason | None) -> None:
        self.visit: Visit | None = None
        self._circ: Circulation | None = None
        self._stack: Stack | None = None
        self._desk: ReceiptDesk | None = None
        self._account: AccountView | None = None
        self._activity = Activity.BORROW
        self._dialog = ""
        self._notice: Notice | None = None
        self._warning: float | None = None
        self._asked_ils = False
        self._staff = False  # this visit is a staff sign-in (a staff card was shown)
        self._last_end = ended
        self._touched = self.ports.clock.monotonic()

    # -- intents ---------------------------------------------------------------------
    async def scan(self, code: str) -> None:
        """What the barcode scanner (or an RFID card reader) read."""
        code = code.strip()
        if self._is_item(code):
            await self.scan_item(code)
        else:
            await self.present_card(code)

    async def present_card(self, card: str) -> None:
        async with self._lock:
            self.touch()
            staff = bool(self.rules.staff_card_pattern) and bool(
                re.fullmatch(self.rules.staff_card_pattern, card)
            )
            if self.state is not State.IDLE:
                await self._end(EndReason.STAFF_OVERRIDE if staff else EndReason.NEW_CARD)
            if not staff and not re.fullmatch(self.rules.card_pattern, card):
                self._notice = Notice("patron.card_not_valid")
                self._publish()
                return
            self._begin(card)
            self._staff = staff
            self.state = step(self.state, "card")
            if self.lockout.locked(card, self._mono()):
                self._refuse("patron.locked_out")
            elif staff or self.rules.pin_required:  # staff always sign in with card + PIN
                self.state = step(self.state, "pin_needed")
            else:
                await self._identify(None)
            self._publish()

    async def enter_pin(self, pin: str) -> None:
        async with self._lock:
            self.touch()
            if self.state is not State.AWAITING_PIN:
                return  # a stale tap from a PIN screen that is gone
            self.state = step(self.state, "pin")
            if self._staff:
                await self._staff_login(pin)
            else:
                await self._identify(pin)
            self._publish()

    async def start_returns(self) -> None:
        """An anonymous returns-only visit (when the library allows returning without login)."""
        async with self._lock:
            if not self.rules.return_without_login or self.state is not State.IDLE:
                return
            self.touch()
            self._begin("")
            self.state = step(self.state, "returns")
            self._activity = Activity.RETURN
            await self._start_pad()
            self._publish()

    async def choose(self, activity: Activity) -> None:
        async with self._lock:
            self.touch()
            if self.state is not State.WORKING:
                return
            self._activity = activity
            if activity is Activity.ACCOUNT:
                await self._load_account()
            self._publish()

    async def scan_item(self, item_id: str) -> None:
        """A barcode-only item (no tag) scanned for the current activity."""
        self.touch()
        if not self.rules.barcode_items or self.state not in (State.WORKING, State.RETURNS):
            return
        self._submit(item_id, ())
        self._publish()

    async def renew(self, item_id: str) -> None:
        async with self._lock:
            self.touch()
            if self.state is State.WORKING and self._circ:
                await renewals.renew(self._circ, item_id)

    async def renew_all(self) -> None:
        async with self._lock:
            self.touch()
            if self.state is State.WORKING and self._circ:
                await renewals.renew_all(self._circ)

    def open_dialog(self, name: str) -> None:
        self.touch()
        self._dialog = name
        self._publish()

    def close_dialog(self) -> None:
        self.touch()
        self._dialog = ""
        self._publish()

    def touch(self) -> None:
        """Any tap: the patron is still there."""
        self._touched = self._mono()
        if self._warning is not None:
            self._warning = None
            self._publish()

    async def done(self) -> None:
        async with self._lock:
            self.touch()
            if self.state not in (State.WORKING, State.RETURNS):
                await self._end(EndReason.DONE)
                return
            if self._stack:
                await self._stack.join()
            receipt = self._receipt_of(self.visit)
            if receipt is None or self.ports.receipts is None or self.visit is None:
                await self._end(EndReason.DONE)
                return
            self._desk = self.ports.receipts(self.visit.session_id, receipt)
            self.state = step(self.state, "done")
            self._publish()

    async def receipt(self, choice: str, address: str = "") -> None:
        """The patron's one receipt decision: "print", "email" (with address) or "none"."""
        async with self._lock:
            self.touch()
            if self.state is not State.RECEIPT or self._desk is None:
                return
            match choice:
                case "print":
                    outcome = await self._desk.print()
                case "email":
                    outcome = await self._desk.email(address)
                case _:
                    outcome = self._desk.decline()
            if outcome.state in FINAL_RECEIPT:
                await self._end(EndReason.DONE, event="decided")
            else:
                self._publish()

    async def cancel(self) -> None:
        async with self._lock:
            await self._end(EndReason.CANCELLED)

    async def staff_override(self) -> None:
        async with self._lock:
            await self._end(EndReason.STAFF_OVERRIDE)

    async def fail(self, reason: str) -> None:
        """Something broke mid-session: end it cleanly rather than leave a patron's data up."""
        log.error("session ended on error: %s", reason)
        async with self._lock:
            await self._end(EndReason.ERROR)

    async def tick(self) -> None:
        """Called about once a second: the idle warning and the idle end."""
        end, left = self.rules.idle.check(self.state, self._touched, self._mono())
        if end:
            async with self._lock:
                # a touch while an intent held the lock keeps the session
                end, _ = self.rules.idle.check(self.state, self._touched, self._mono())
                if end:
                    await self._end(EndReason.TIMEOUT)
            return
        if left != self._warning:
            self._warning = left
            self._publish()

    async def settle(self) -> None:
        """Wait until every item handed to the pipeline is done (tests, Done, the bench)."""
        if self._stack:
            await self._stack.join()

    # -- pad -------------------------------------------------------------------------
    def on_pad(self, event: PadEvent) -> None:
        if self.visit is None or self.state not in (State.WORKING, State.RETURNS):
            return
        self._touched = self._mono()
        match event:
            case ItemsArrived(items=items, problems=problems):
                ready, incomplete = arrivals.take(self.visit, items)
                for item in ready:
                    self._submit(item.item_id, item.uids)
                self._notice = (
                    Notice("item.unreadable_tag")
                    if problems
                    else Notice("item.incomplete_set")
                    if incomplete
                    else None
                )
            case ItemsLeft(uids=uids):
                arrivals.left(self.visit, uids)
            case PadLost():
                self._notice = Notice("session.pad_unavailable")
                self._alert(StaffAlert("pad_unavailable"))
            case _:
                self._notice = None
        self._publish()

    def _submit(self, item_id: str, uids: tuple[str, ...]) -> None:
        if self._circ is None or self._stack is None or self.visit is None:
            return
        activity = Activity.RETURN if self._activity is Activity.RETURN else Activity.BORROW
        if activity is Activity.BORROW and not self.visit.may_borrow and not self.visit.offline:
            line = self.visit.add_line(
                item_id, activity, LineStatus.REFUSED, self.ports.clock.now()
            )
            self.visit.update(line.seq, notice=self.visit.borrow_refusal)
            return
        line = self.visit.add_line(item_id, activity, LineStatus.WORKING, self.ports.clock.now())
        if activity is Activity.BORROW:
            self._stack.submit(borrow.BorrowJob(line.seq, item_id, uids))
        else:
            self._stack.submit(returns.ReturnJob(line.seq, item_id, uids))

    # -- the life cycle ----------------------------------------------------------------
    def _begin(self, card: str) -> None:
        visit = Visit(self.ports.new_session_id(), card=card, started_at=self.ports.clock.now())
        self.visit = visit
        p = self.ports
        self._circ = Circulation(
            p.library,
            p.outbox,
            p.pad,
            p.clock,
            self.policy,
            self.kiosk_id,
            visit,
            self._alert,
            self._publish,
            self.rules.returns_own_loans_only,
        )
        self._stack = Stack(self._first, self._second, self.rules.ils_connections)
        self._notice = None

    async def _first(self, job: Any) -> Any:
        assert self._circ is not None
        if isinstance(job, borrow.BorrowJob):
            return await borrow.checkout(self._circ, job)
        return await returns.checkin(self._circ, job)

    async def _second(self, job: Any) -> None:
        assert self._circ is not None
        if isinstance(job, borrow.BorrowJob):
            await borrow.unsecure(self._circ, job)
        else:
            await returns.secure(self._circ, job)

    async def _identify(self, pin: str | None) -> None:
        assert self.visit is not None
        r = self.rules
        outcome = await identify(
            self.ports.library,
            self.policy,
            self.lockout,
            r.expired_markers,
            self.visit,
            pin,
            self._mono(),
        )
        await self._identified(outcome)

    async def _staff_login(self, pin: str) -> None:
        """Card + PIN at the ILS, else the local technician PIN (staff_auth.py). The PIN is
        not kept on the visit: staff mode needs nothing more from the ILS."""
        assert self.visit is not None
        card = self.visit.card
        outcome = await staff_login(
            self.ports.library, self.staff_pin, self.lockout, card, pin, self._mono()
        )
        await self._identified(outcome)

    async def _identified(self, outcome: Identified) -> None:
        assert self.visit is not None
        self._asked_ils = self._asked_ils or outcome.asked_ils
        if outcome.asked_ils:
            await self._stats.ils_answered()
        else:
            self.visit.went_offline(self.ports.clock.now())
        self.state = step(self.state, outcome.event)
        self._notice = outcome.notice
        if self.state is State.WORKING:
            await self._start_pad()

    def _refuse(self, reason: str, detail: str = "") -> None:
        self.state = step(self.state, "refused")
        self._notice = Notice(reason, detail)

    async def _start_pad(self) -> None:
        if self.ports.pad is not None:
            await self.ports.pad.start(self.on_pad)

    async def _load_account(self) -> None:
        if self._circ is None or self.visit is None or self.visit.offline:
            return
        try:
            self._account = await renewals.account(self._circ)
        except LibraryUnavailable:
            self.visit.went_offline(self.ports.clock.now())
        except LibrarySystemError as exc:
            log.warning("account view failed: %s", exc)

    async def _end(self, reason: EndReason, event: str = "end") -> None:
        if self.state is State.IDLE:
            return
        visit = self.visit
        if self._stack is not None:
            await self._stack.close()
        if self.ports.pad is not None and self.state in (
            State.WORKING,
            State.RETURNS,
            State.RECEIPT,
        ):
            await self.ports.pad.stop()
        if visit is not None and visit.card and self._asked_ils and not visit.offline:
            try:
                await self.ports.library.end_session(visit.card, visit.pin)
            except LibrarySystemError as exc:
                log.warning("end patron session failed: %s", exc)
        if visit is not None:
            await self._stats.visit_ended(visit, reason.value)
        self.state = step(self.state, event)
        log.info("session ended: %s", reason.value)
        self._reset(reason)
        self._publish()

    # -- what the screen sees ----------------------------------------------------------
    def _publish(self) -> None:
        visit = self.visit
        patron = visit.patron if visit else None
        self.view = SessionView(
            state=self.state,
            activity=self._activity,
            patron_name=patron.name if patron else "",
            may_borrow=bool(visit and (visit.may_borrow or visit.offline)),
            offline=bool(visit and visit.offline),
            warning_s=self._warning,
            dialog=self._dialog,
            notice=self._notice,
            lines=tuple(visit.lines.values()) if visit else (),
            account=self._account,
            receipt_choices=tuple(c.value for c in self._desk.choices()) if self._desk else (),
            receipt_text=(
                self._desk.spoken() if self._desk and self.state is State.RECEIPT else ""
            ),
            pin_tries_left=(
                self.lockout.tries_left(visit.card)
                if visit and visit.card and self.state is State.AWAITING_PIN
                else None
            ),
            staff_login=self._staff,
            staff_id=mask_card(visit.card) if visit and self.state is State.STAFF else "",
            last_end=self._last_end,
        )
        if self.ports.on_view is not None:
            self.ports.on_view(self.view)

    def _receipt_of(self, visit: Visit | None) -> Receipt | None:
        if visit is None:
            return None
        now = self.ports.clock.now()
        return visit.receipt(self.library_name, self.kiosk_id, now, self.ports.translate)

    def _alert(self, alert: StaffAlert) -> None:
        log.warning("staff alert: %s %s", alert.kind, alert.item_id)
        if self.ports.on_alert is not None:
            self.ports.on_alert(alert)

    def _is_item(self, code: str) -> bool:
        return bool(re.fullmatch(self.rules.item_pattern, code))

    def _mono(self) -> float:
        return self.ports.clock.monotonic()
