"""One visit's work with items: the Circulation context its steps share (visit.py) and the
two-stage pipeline (stack.py) that takes each item to the ILS and then to the pad's security
write, lines kept in placement order. It turns what the pad or the scanner brought into
borrow and return jobs (borrow.py, returns.py), runs renewals and the account view
(renewals.py), and at Done hands the visit's receipt to a receipt desk.

Built when a visit begins and dropped, with the visit it holds, when the visit ends. Must
never: decide the session's state (the circulation service does, with session.py's table),
block the event loop, or read the system clock (the Clock port).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from kiosk.core.circulation import arrivals, borrow, renewals, returns
from kiosk.core.circulation.notices import Notice
from kiosk.core.circulation.offline_policy import OfflinePolicy
from kiosk.core.circulation.pad import PadItem, PadProblem
from kiosk.core.circulation.session import AccountView, Activity, LineStatus
from kiosk.core.circulation.setup import CirculationRules, Ports
from kiosk.core.circulation.stack import Stack
from kiosk.core.circulation.visit import Circulation, StaffAlert, Visit
from kiosk.core.receipt_delivery import ReceiptDesk


class VisitWork:
    def __init__(
        self,
        ports: Ports,
        rules: CirculationRules,
        policy: OfflinePolicy,
        kiosk_id: str,
        visit: Visit,
        alert: Callable[[StaffAlert], None],
        publish: Callable[[], None],
    ) -> None:
        self.visit = visit
        self._ports = ports
        self._kiosk_id = kiosk_id
        self.circ = Circulation(
            ports.library,
            ports.outbox,
            ports.pad,
            ports.clock,
            policy,
            kiosk_id,
            visit,
            alert,
            publish,
            rules.returns_own_loans_only,
        )
        self._stack = Stack(self._first, self._second, rules.ils_connections)

    # -- items in ------------------------------------------------------------------------
    def submit(self, item_id: str, uids: tuple[str, ...], activity: Activity) -> None:
        """One item for the current activity (anything but returning counts as borrowing);
        refused at once when the patron may not borrow and the ILS is there to say so."""
        visit = self.visit
        activity = Activity.RETURN if activity is Activity.RETURN else Activity.BORROW
        now = self._ports.clock.now()
        if activity is Activity.BORROW and not visit.may_borrow and not visit.offline:
            line = visit.add_line(item_id, activity, LineStatus.REFUSED, now)
            visit.update(line.seq, notice=visit.borrow_refusal)
            return
        line = visit.add_line(item_id, activity, LineStatus.WORKING, now)
        if activity is Activity.BORROW:
            self._stack.submit(borrow.BorrowJob(line.seq, item_id, uids))
        else:
            self._stack.submit(returns.ReturnJob(line.seq, item_id, uids))

    def arrived(
        self, items: Iterable[PadItem], problems: tuple[PadProblem, ...], activity: Activity
    ) -> Notice | None:
        """Tags on the pad: complete items go to work; the notice says what could not."""
        ready, incomplete = arrivals.take(self.visit, items)
        for item in ready:
            self.submit(item.item_id, item.uids, activity)
        if any(problem.kind == "damaged" for problem in problems):  # never borrowed or
            return Notice("item.damaged_tag")  # returned: its security stays as it is
        if problems:
            return Notice("item.unreadable_tag")
        return Notice("item.incomplete_set") if incomplete else None

    def left(self, uids: Iterable[str]) -> None:
        arrivals.left(self.visit, uids)

    async def _first(self, job: Any) -> Any:
        if isinstance(job, borrow.BorrowJob):
            return await borrow.checkout(self.circ, job)
        return await returns.checkin(self.circ, job)

    async def _second(self, job: Any) -> None:
        if isinstance(job, borrow.BorrowJob):
            await borrow.unsecure(self.circ, job)
        else:
            await returns.secure(self.circ, job)

    async def settle(self) -> None:
        """Wait until every item handed to the pipeline went through both stages."""
        await self._stack.join()

    async def close(self) -> None:
        await self._stack.close()

    # -- the account ---------------------------------------------------------------------
    async def renew(self, item_id: str) -> None:
        await renewals.renew(self.circ, item_id)

    async def renew_all(self) -> None:
        await renewals.renew_all(self.circ)

    async def account(self) -> AccountView:
        return await renewals.account(self.circ)

    # -- items out -----------------------------------------------------------------------
    async def receipt_desk(self, library_name: str) -> ReceiptDesk | None:
        """Once the pipeline is done: a desk for the visit's receipt, or None when there is
        nothing to record or no way to hand a receipt out."""
        await self.settle()
        now = self._ports.clock.now()
        receipt = self.visit.receipt(library_name, self._kiosk_id, now, self._ports.translate)
        if receipt is None or self._ports.receipts is None:
            return None
        if self._ports.receipt_footer is not None:  # the same hours as the screen shows
            hours, message = self._ports.receipt_footer()
            receipt = replace(receipt, opening_hours=hours, message=message)
        return self._ports.receipts(self.visit.session_id, receipt)
