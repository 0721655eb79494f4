"""The circulation service: the patron session (session.py's table) driven by intents from
the UI, card scans, pad events and the clock. It owns the session's state and its life cycle
(begin, identify, end); the rest is delegated, each to the module named for it:

- sign_in.py: staff or patron card, the PIN lockout, the check at the ILS (a staff card always
  signs in with its PIN: the ILS first, the local technician PIN only when the ILS cannot be
  asked; its PIN is never kept on the visit);
- visit_work.py: one visit's items (borrow/return jobs on the pipeline, renewals, the
  account, the receipt desk at Done);
- view.py: what the screen shows; the UI observes ``view`` (an immutable SessionView,
  also pushed to ``on_view``).

Must never: keep anything of a patron after the session ends (the Visit and its VisitWork are
dropped and nothing else holds patron data; the PIN lockout keeps salted hashes only), block
the event loop, read the system clock (the Clock port), or leave an exit path that skips End
Patron Session at the ILS.
"""

from __future__ import annotations

import asyncio
import logging
import re

from kiosk.core.circulation.identify import Identified
from kiosk.core.circulation.notices import Notice
from kiosk.core.circulation.offline_policy import OfflinePolicy
from kiosk.core.circulation.pad import ItemsArrived, ItemsLeft, PadEvent, PadLost
from kiosk.core.circulation.session import Activity, EndReason, SessionView, State, step
from kiosk.core.circulation.setup import CirculationRules, Ports
from kiosk.core.circulation.sign_in import SignIn
from kiosk.core.circulation.statistics import SessionStats
from kiosk.core.circulation.view import ScreenState, session_view
from kiosk.core.circulation.visit import StaffAlert, Visit
from kiosk.core.circulation.visit_work import VisitWork
from kiosk.core.errors import LibrarySystemError, LibraryUnavailable
from kiosk.core.receipt_delivery import ReceiptDesk
from kiosk.core.receipt_delivery import State as ReceiptState

log = logging.getLogger(__name__)
FINAL_RECEIPT = frozenset({ReceiptState.PRINTED, ReceiptState.EMAIL_QUEUED, ReceiptState.DECLINED})
TAKING_ITEMS = (State.WORKING, State.RETURNS)  # the states in which a visit takes items


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
        self._sign_in = SignIn(ports.library, self.policy, self.rules, ports.pin_lockout)
        self._stats = SessionStats(ports.stats, ports.clock)
        self.state = State.IDLE
        self.view = SessionView()
        self._lock = asyncio.Lock()
        self._reset(None)

    def _reset(self, ended: EndReason | None) -> None:
        self.visit: Visit | None = None
        self._work: VisitWork | None = None
        self._desk: ReceiptDesk | None = None
        self._screen = ScreenState(last_end=ended)
        self._asked_ils = False
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
            staff = self._sign_in.is_staff_card(card)
            if self.state is not State.IDLE:
                await self._end(EndReason.STAFF_OVERRIDE if staff else EndReason.NEW_CARD)
            if not staff and not self._sign_in.is_patron_card(card):
                self._screen.notice = Notice("patron.card_not_valid")
                self._publish()
                return
            self._begin(card)
            self._screen.staff = staff
            self.state = step(self.state, "card")
            if self._sign_in.locked(card, self._mono()):
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
            if self._screen.staff:
                assert self.visit is not None
                await self._identified(await self._sign_in.staff(self.visit, pin, self._mono()))
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
            self._screen.activity = Activity.RETURN
            await self._start_pad()
            self._publish()

    async def choose(self, activity: Activity) -> None:
        async with self._lock:
            self.touch()
            if self.state is not State.WORKING:
                return
            self._screen.activity = activity
            if activity is Activity.ACCOUNT:
                await self._load_account()
            self._publish()

    async def scan_item(self, item_id: str) -> None:
        """A barcode-only item (no tag) scanned for the current activity."""
        self.touch()
        if not self.rules.barcode_items or self.state not in TAKING_ITEMS:
            return
        if self._work is not None:
            self._work.submit(item_id, (), self._screen.activity)
        self._publish()

    async def renew(self, item_id: str) -> None:
        async with self._lock:
            self.touch()
            if self.state is State.WORKING and self._work:
                await self._work.renew(item_id)

    async def renew_all(self) -> None:
        async with self._lock:
            self.touch()
            if self.state is State.WORKING and self._work:
                await self._work.renew_all()

    def open_dialog(self, name: str) -> None:
        self.touch()
        self._screen.dialog = name
        self._publish()

    def close_dialog(self) -> None:
        self.touch()
        self._screen.dialog = ""
        self._publish()

    def touch(self) -> None:
        """Any tap: the patron is still there."""
        self._touched = self._mono()
        if self._screen.warning is not None:
            self._screen.warning = None
            self._publish()

    async def done(self) -> None:
        async with self._lock:
            self.touch()
            if self.state not in TAKING_ITEMS or self._work is None:
                await self._end(EndReason.DONE)
                return
            desk = await self._work.receipt_desk(self.library_name)
            if desk is None:
                await self._end(EndReason.DONE)
                return
            self._desk = desk
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
        if left != self._screen.warning:
            self._screen.warning = left
            self._publish()

    async def settle(self) -> None:
        """Wait until every item handed to the pipeline is done (tests, Done, the bench)."""
        if self._work:
            await self._work.settle()

    # -- pad -------------------------------------------------------------------------
    def on_pad(self, event: PadEvent) -> None:
        work = self._work
        if work is None or self.state not in TAKING_ITEMS:
            return
        self._touched = self._mono()
        match event:
            case ItemsArrived(items=items, problems=problems):
                self._screen.notice = work.arrived(items, problems, self._screen.activity)
            case ItemsLeft(uids=uids):
                work.left(uids)
            case PadLost():
                self._screen.notice = Notice("session.pad_unavailable")
                self._alert(StaffAlert("pad_unavailable"))
            case _:
                self._screen.notice = None
        self._publish()

    # -- the life cycle ----------------------------------------------------------------
    def _begin(self, card: str) -> None:
        visit = Visit(
            self.ports.new_session_id(),
            card=card,
            started_at=self.ports.clock.now(),
            titles=self.ports.titles,
        )
        self.visit = visit
        self._work = VisitWork(
            self.ports, self.rules, self.policy, self.kiosk_id, visit, self._alert, self._publish
        )
        self._screen.notice = None

    async def _identify(self, pin: str | None) -> None:
        assert self.visit is not None
        await self._identified(await self._sign_in.patron(self.visit, pin, self._mono()))

    async def _identified(self, outcome: Identified) -> None:
        assert self.visit is not None
        self._asked_ils = self._asked_ils or outcome.asked_ils
        if outcome.asked_ils:
            await self._stats.ils_answered()
        else:
            self.visit.went_offline(self.ports.clock.now())
        self.state = step(self.state, outcome.event)
        self._screen.notice = outcome.notice
        if self.state is State.WORKING:
            await self._start_pad()

    def _refuse(self, reason: str, detail: str = "") -> None:
        self.state = step(self.state, "refused")
        self._screen.notice = Notice(reason, detail)

    async def _start_pad(self) -> None:
        if self.ports.pad is not None:
            await self.ports.pad.start(self.on_pad)

    async def _load_account(self) -> None:
        if self._work is None or self.visit is None or self.visit.offline:
            return
        try:
            self._screen.account = await self._work.account()
        except LibraryUnavailable:
            self.visit.went_offline(self.ports.clock.now())
        except LibrarySystemError as exc:
            log.warning("account view failed: %s", exc)

    async def _end(self, reason: EndReason, event: str = "end") -> None:
        if self.state is State.IDLE:
            return
        visit = self.visit
        if self._work is not None:
            await self._work.close()
        if self.ports.pad is not None and self.state in (*TAKING_ITEMS, State.RECEIPT):
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
        self.view = session_view(
            self.state, self._screen, self.visit, self._desk, self._sign_in.tries_left
        )
        if self.ports.on_view is not None:
            self.ports.on_view(self.view)

    def _alert(self, alert: StaffAlert) -> None:
        log.warning("staff alert: %s %s", alert.kind, alert.item_id)
        if self.ports.on_alert is not None:
            self.ports.on_alert(alert)

    def _is_item(self, code: str) -> bool:
        return bool(re.fullmatch(self.rules.item_pattern, code))

    def _mono(self) -> float:
        return self.ports.clock.monotonic()
