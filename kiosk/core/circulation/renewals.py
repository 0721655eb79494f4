"""Renewing one loan or all of them, and the account view (loans, holds, fines).

Rules: a patron renews only their own loans (the ones the ILS listed for their card);
each renewal goes through the transaction envelope (envelope.py: written to the outbox
before it is sent, a lost answer to staff); nothing is renewed offline (the kiosk cannot
know the loans), and a renewal the ILS stopped answering is withdrawn. "Renew all" renews
the patron's loans one by one so every item gets its own answer and its own outbox entry.

The account view lists loans with due dates (overdue marked), holds (ready for pickup first,
with where) and fines with their amounts and total, from the ILS's patron record.
"""

from __future__ import annotations

import re

from kiosk.core.circulation.borrow import loan_record
from kiosk.core.circulation.envelope import (
    Accepted,
    Offline,
    Operation,
    Refused,
    Unknown,
    Unrecorded,
    Withdrawn,
    transact,
)
from kiosk.core.circulation.notices import Notice
from kiosk.core.circulation.session import (
    AccountView,
    Activity,
    FineView,
    HoldView,
    LineStatus,
    LoanView,
)
from kiosk.core.circulation.visit import Circulation
from kiosk.core.errors import LibrarySystemError
from kiosk.core.model import Item
from kiosk.core.outbox import EntryKind
from kiosk.core.receipts import ItemKind
from kiosk.core.vocabulary import ItemStatus

# A fine item is free text; most ILSes send "<id> <amount> <description>".
_FINE = re.compile(r"^(?:(\S+)\s+)?(\d+[.,]\d{2})\s+(.*)$")


async def renew(c: Circulation, item_id: str) -> None:
    v = c.visit
    line = v.add_line(item_id, Activity.ACCOUNT, LineStatus.WORKING, c.now())
    if item_id not in v.own_loans:
        v.update(line.seq, status=LineStatus.REFUSED, notice=Notice("item.not_your_loan"))
        c.publish()
        return
    if v.offline:  # nothing is written: the policy refuses every renewal offline
        v.update(line.seq, status=LineStatus.REFUSED, notice=Notice(c.policy.renew().reason))
        c.publish()
        return
    renewal = Operation(
        kind=EntryKind.RENEW,
        item_id=item_id,
        payload={"card": v.card},
        send=lambda: c.library.renew(v.card, item_id, v.pin),
        accepted=lambda result: result.ok,
        record=loan_record,
        offline=c.policy.renew,
        waits_behind_queue=False,  # the item is this patron's loan, listed by the ILS
    )
    match await transact(c, renewal):
        case Accepted(result, release):
            await c.release(release)
            done = v.update(
                line.seq, status=LineStatus.RENEWED, title=result.title, due=result.due_date
            )
            v.record(ItemKind.RENEWED, done)
        case Refused(result, detail):
            notice = Notice("item.renew_refused", detail)
            v.update(line.seq, status=LineStatus.REFUSED, title=result.title, notice=notice)
        case Withdrawn(reason):
            v.update(line.seq, status=LineStatus.REFUSED, notice=Notice(reason))
        case Offline():
            raise AssertionError("the offline policy accepted a renewal it cannot check")
        case Unknown():
            notice = Notice("item.outcome_unknown")
            v.update(line.seq, status=LineStatus.UNKNOWN_OUTCOME, notice=notice)
        case Unrecorded():
            v.update(line.seq, status=LineStatus.REFUSED, notice=Notice("kiosk.cannot_record"))
    c.publish()


async def renew_all(c: Circulation) -> None:
    for item_id in sorted(c.visit.own_loans):
        await renew(c, item_id)


async def account(c: Circulation) -> AccountView:
    v = c.visit
    lib = c.library
    charged = await lib.patron(v.card, v.pin, details="charged")
    overdue = set((await lib.patron(v.card, v.pin, details="overdue")).overdue_items)
    holds = (await lib.patron(v.card, v.pin, details="hold")).hold_items
    queued = (await lib.patron(v.card, v.pin, details="unavailable_holds")).unavailable_holds
    fines = await lib.patron(v.card, v.pin, details="fine")
    v.own_loans = set(charged.charged_items)
    now = c.now()
    loans = []
    for item_id in charged.charged_items:
        item = await _item(c, item_id)
        due = item.due_date if item else None
        late = item_id in overdue or (due is not None and due < now)
        if item:
            v.titles.learn(item_id, item.title)  # a return of it offline shows its title
        loans.append(LoanView(item_id, item.title if item else item_id, due, late))
    hold_views = []
    for item_id in (*holds, *queued):
        item = await _item(c, item_id)
        ready = item is not None and item.circulation_status is ItemStatus.WAITING_ON_HOLD_SHELF
        where = item.current_location if item and ready else ""
        hold_views.append(HoldView(item_id, item.title if item else item_id, ready, where))
    return AccountView(
        loans=tuple(sorted(loans, key=lambda loan: (loan.due is None, loan.due or now))),
        holds=tuple(sorted(hold_views, key=lambda h: not h.ready)),
        fines=tuple(parse_fine(text) for text in fines.fine_items),
        fines_total=f"{fines.fee_amount:.2f}" if fines.fee_amount is not None else "0.00",
        currency=fines.currency or "EUR",
    )


def parse_fine(text: str) -> FineView:
    match = _FINE.match(text.strip())
    if match is None:
        return FineView(text.strip(), "")
    return FineView(match.group(3).strip(), match.group(2).replace(",", "."))


async def _item(c: Circulation, item_id: str) -> Item | None:
    try:
        return await c.library.item(item_id)
    except LibrarySystemError:
        return None
